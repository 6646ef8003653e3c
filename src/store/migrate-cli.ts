/**
 * `npm run migrate`: applies pending migrations to the configured store (DATABASE_URL, or the
 * embedded store under DATA_DIR). `npm run migrate -- --create <name>` writes the next migration
 * from the difference between prisma/migrations and prisma/schema.prisma (on a scratch PGlite).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { openDatabase } from './database';
import { diffOnScratch, isEmptyMigration } from './migrate';
import { MIGRATIONS_DIR } from './schema-engine';

async function create(name: string): Promise<void> {
  if (!/^[a-z0-9_]+$/.test(name)) throw new Error('The migration name is lower-case letters, digits and _.');
  const sql = await diffOnScratch('migrations');
  if (isEmptyMigration(sql)) {
    console.log('The schema and the migrations agree; nothing to create.');
    return;
  }
  const stamp = new Date().toISOString().replace(/\D/g, '').slice(0, 14);
  const dir = path.join(MIGRATIONS_DIR, `${stamp}_${name}`);
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'migration.sql'), sql);
  console.log(`Wrote ${path.relative(process.cwd(), dir)}/migration.sql`);
}

async function apply(): Promise<void> {
  const database = await openDatabase({
    databaseUrl: process.env.DATABASE_URL,
    dataDir: process.env.DATA_DIR ?? './data',
    migrate: false,
    share: 'reach',
  });
  try {
    const applied = await database.migrate();
    console.log(applied.length > 0 ? `Applied ${applied.join(', ')}.` : 'No migrations to apply.');
  } finally {
    await database.close();
  }
}

const args = process.argv.slice(2);
const createAt = args.indexOf('--create');
(createAt >= 0 ? create(args[createAt + 1] ?? '') : apply()).then(
  () => process.exit(0),
  (error: unknown) => {
    console.error((error as Error).message);
    process.exit(1);
  },
);
