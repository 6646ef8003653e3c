/**
 * Opening the store: PostgreSQL through @prisma/adapter-pg when `DATABASE_URL` says so,
 * otherwise embedded PGlite (in memory for `memory://`, else persisted under `DATA_DIR`).
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPg } from '@prisma/adapter-pg';
import type { SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import type { Logger } from 'pino';
import { PrismaClient } from './generated/client';
import { applyMigrations } from './migrate';

export interface Database {
  prisma: PrismaClient;
  kind: 'embedded' | 'postgres';
  /** The adapter factory, for the schema engine (migrations, schema checks). */
  factory: SqlMigrationAwareDriverAdapterFactory;
  migrate(): Promise<string[]>;
  /** Readiness: the store answers. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

export interface OpenOptions {
  databaseUrl?: string;
  dataDir: string;
  logger?: Logger;
  /** Apply pending migrations before returning (default true). */
  migrate?: boolean;
}

export function isPostgresUrl(url: string | undefined): url is string {
  return !!url && /^postgres(ql)?:\/\//.test(url);
}

export async function openDatabase(options: OpenOptions): Promise<Database> {
  let factory: SqlMigrationAwareDriverAdapterFactory;
  let closeDriver: () => Promise<void>;
  let kind: Database['kind'];
  if (isPostgresUrl(options.databaseUrl)) {
    const pg = new PrismaPg({ connectionString: options.databaseUrl, max: 10 });
    factory = pg;
    closeDriver = async () => undefined;
    kind = 'postgres';
  } else {
    let pglite: PGlite;
    if (options.databaseUrl === 'memory://') {
      pglite = new PGlite();
    } else {
      const dir = path.join(options.dataDir, 'pglite');
      await mkdir(dir, { recursive: true });
      pglite = new PGlite(dir);
    }
    await pglite.waitReady;
    factory = new PrismaPGlite(pglite);
    closeDriver = () => pglite.close();
    kind = 'embedded';
  }

  const database: Database = {
    prisma: new PrismaClient({ adapter: factory }),
    kind,
    factory,
    async migrate() {
      // On PostgreSQL the engine gets connections of its own, closed when it is done.
      const applied = isPostgresUrl(options.databaseUrl)
        ? await applyMigrations(new PrismaPg({ connectionString: options.databaseUrl, max: 1 }), { dispose: true })
        : await applyMigrations(factory);
      if (applied.length > 0) options.logger?.info({ applied }, 'applied migrations');
      return applied;
    },
    async ping() {
      await database.prisma.$queryRaw`SELECT 1 FROM "_prisma_migrations" LIMIT 1`;
      return true;
    },
    async close() {
      await database.prisma.$disconnect();
      await closeDriver();
    },
  };
  if (options.migrate !== false) await database.migrate();
  return database;
}
