/**
 * The stores every suite runs against: embedded PGlite always, and PostgreSQL when
 * TEST_POSTGRES_URL is set (each suite in its own, freshly created database).
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export type TargetName = 'embedded' | 'postgres';

export function testTargets(): TargetName[] {
  return process.env.TEST_POSTGRES_URL ? ['embedded', 'postgres'] : ['embedded'];
}

export interface TestDatabaseUrl {
  url: string;
  drop(): Promise<void>;
}

/** A URL for a new, empty database on the target. */
export async function freshDatabaseUrl(target: TargetName): Promise<TestDatabaseUrl> {
  if (target === 'embedded') return { url: 'memory://', drop: async () => undefined };
  const admin = process.env.TEST_POSTGRES_URL as string;
  const name = `roster_t_${randomBytes(6).toString('hex')}`;
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  await client.query(`CREATE DATABASE ${name}`);
  await client.end();
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: admin });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}
