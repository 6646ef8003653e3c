/**
 * The stores every suite runs against: embedded PGlite always, and PostgreSQL when
 * TEST_POSTGRES_URL is set (each suite in its own, freshly created database). Under vitest a fresh
 * store is a copy of one migrated once for the run (see global-setup.ts); elsewhere (the benches),
 * or with `empty`, it is empty and Roster migrates it as it would in production.
 */
import { randomBytes } from 'node:crypto';
import { chmod, cp, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';

export type TargetName = 'embedded' | 'postgres';

/** Where global-setup.ts leaves the migrated store of each target. */
export const TEMPLATE_ENV = { embedded: 'ROSTER_TEST_EMBEDDED_TEMPLATE', postgres: 'ROSTER_TEST_POSTGRES_TEMPLATE' } as const;

/** Where global-setup.ts leaves a DATA_DIR whose embedded store is migrated (and holds nothing else). */
export const DATA_DIR_TEMPLATE_ENV = 'ROSTER_TEST_DATA_DIR_TEMPLATE';

/**
 * Puts a migrated embedded store into `dataDir` (created if missing, its mode left as it is), as
 * Roster's first start there would leave it, without PGlite's initdb. Outside vitest (no template)
 * it leaves `dataDir` empty, and the store is created and migrated when it opens.
 */
export async function seedDataDir(dataDir: string): Promise<string> {
  const template = process.env[DATA_DIR_TEMPLATE_ENV];
  if (template) await cp(path.join(template, 'pglite'), path.join(dataDir, 'pglite'), { recursive: true });
  return dataDir;
}

/** A new DATA_DIR (0700, as Roster makes it) holding a migrated embedded store: see `seedDataDir`. */
export async function migratedDataDir(prefix = 'roster-data-'): Promise<string> {
  const dataDir = await mkdtemp(path.join(tmpdir(), prefix));
  await chmod(dataDir, 0o700);
  return seedDataDir(dataDir);
}

export function testTargets(): TargetName[] {
  return process.env.TEST_POSTGRES_URL ? ['embedded', 'postgres'] : ['embedded'];
}

export interface TestDatabaseUrl {
  url: string;
  drop(): Promise<void>;
}

/** A URL for a new database on the target: migrated, or with `empty` nothing in it. */
export async function freshDatabaseUrl(target: TargetName, options: { empty?: boolean } = {}): Promise<TestDatabaseUrl> {
  const template = options.empty ? undefined : process.env[TEMPLATE_ENV[target]];
  if (target === 'embedded') {
    const url = template ? `memory://?from=${encodeURIComponent(template)}` : 'memory://';
    return { url, drop: async () => undefined };
  }
  const { name, url } = await createDatabase(template);
  return { url, drop: () => dropDatabase(name) };
}

/** Creates a database on TEST_POSTGRES_URL's server, as a copy of `template` if given. */
export async function createDatabase(template?: string): Promise<{ name: string; url: string }> {
  const name = `roster_t_${randomBytes(6).toString('hex')}`;
  await asAdmin(`CREATE DATABASE ${name}${template ? ` TEMPLATE ${template}` : ''}`);
  const url = new URL(process.env.TEST_POSTGRES_URL as string);
  url.pathname = `/${name}`;
  return { name, url: url.toString() };
}

export async function dropDatabase(name: string): Promise<void> {
  await asAdmin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
}

async function asAdmin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: process.env.TEST_POSTGRES_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
