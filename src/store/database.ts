/**
 * Opening the store: PostgreSQL through @prisma/adapter-pg when `DATABASE_URL` says so,
 * otherwise embedded PGlite (in memory for `memory://…`, else persisted under `DATA_DIR`), which
 * runs in a thread of its own and is reached through the same `pg` driver over a Unix socket (in
 * DATA_DIR, which is this user's alone: see `embedded/data-dir.ts`).
 */
import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { PrismaPg } from '@prisma/adapter-pg';
import type { SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import type { Logger } from 'pino';
import { ConfigError } from '../errors';
import { type EmbeddedStore, reachOrOwn, startOwner } from './embedded/embedded-store';
import { PrismaClient } from './generated/client';
import { applyMigrations } from './migrate';

export interface Database {
  prisma: PrismaClient;
  kind: 'embedded' | 'postgres';
  /** The adapter factory, for the schema engine (migrations, schema checks). */
  factory: SqlMigrationAwareDriverAdapterFactory;
  /** The embedded store behind this database, if it is embedded. */
  embedded?: EmbeddedStore;
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
  /**
   * For the embedded store on disk: `own` (Roster itself) opens it and refuses a directory another
   * process holds; `reach` (CLIs) goes through the running owner, or owns it when none runs.
   */
  share?: 'own' | 'reach';
}

/** Connections to the embedded store: one backend serves them in turn, so a few suffice. */
const EMBEDDED_POOL = 8;

/**
 * On the embedded store a transaction starts when the one backend is free, after the units queued
 * before it (an export page, a scheduler batch): wait for that rather than fail after Prisma's
 * default 2 s. PostgreSQL keeps Prisma's defaults.
 */
const EMBEDDED_TRANSACTIONS = { maxWait: 15_000, timeout: 30_000 };

/**
 * A connection attempt to PostgreSQL gives up after 5 s (`pg` would wait forever on a server or a
 * network that swallows packets), so a request gets its plain "cannot be reached" answer within a few
 * seconds; TCP keep-alive lets a connection whose server vanished fail instead of hanging. The
 * embedded store is a local socket: it answers, or is gone (ENOENT) at once.
 */
const POSTGRES_CONNECTIONS = { connectionTimeoutMillis: 5_000, keepAlive: true, keepAliveInitialDelayMillis: 10_000 };

/** How many distinct statements each connection to the embedded store keeps prepared, at most. */
const PREPARED_STATEMENTS = 400;

/**
 * Names for `pg`'s prepared-statement cache on the embedded store: PGlite then parses and plans a
 * statement once per connection instead of on every run (single SCIM creates at 8 in flight: ~110 →
 * ~137 users/s; on PostgreSQL the same made no difference, and names would not survive a
 * transaction-mode pooler, so it keeps unnamed statements). Statements without parameters (BEGIN,
 * savepoints) stay unnamed, and only the first `PREPARED_STATEMENTS` distinct texts get names, so
 * what a connection holds prepared is bounded whatever SQL is generated.
 */
function statementNames(): (query: { sql: string; args: unknown[] }) => string {
  const names = new Map<string, string>();
  return ({ sql, args }) => {
    // '' is `pg`'s unnamed statement.
    if (args.length === 0) return '';
    let name = names.get(sql);
    if (name === undefined && names.size < PREPARED_STATEMENTS) {
      name = `s${names.size}`;
      names.set(sql, name);
    }
    return name ?? '';
  };
}

export function isPostgresUrl(url: string | undefined): url is string {
  return !!url && /^postgres(ql)?:\/\//.test(url);
}

/**
 * `memory://` is an empty in-memory store; `memory://?from=<file>` one that starts from a backup
 * (`npm run backup`): a backup tried without touching disk, or a migrated store in an instant for tests.
 */
export function memoryStoreSource(url: string | undefined): { from?: string } | undefined {
  if (!url?.startsWith('memory://')) return undefined;
  const from = new URL(url).searchParams.get('from');
  return from ? { from } : {};
}

async function assertReadable(backup: string): Promise<void> {
  await access(backup, constants.R_OK).catch(() => {
    throw new ConfigError(
      `DATABASE_URL starts the store from ${backup}, which cannot be read: name a file \`npm run backup\` wrote.`,
    );
  });
}

export async function openDatabase(options: OpenOptions): Promise<Database> {
  let connectionString: string | undefined;
  let embedded: EmbeddedStore | undefined;
  const memory = memoryStoreSource(options.databaseUrl);
  if (isPostgresUrl(options.databaseUrl)) {
    connectionString = options.databaseUrl;
  } else if (memory) {
    if (memory.from) await assertReadable(memory.from);
    embedded = await startOwner({ dataDir: null, restoreFrom: memory.from });
  } else {
    embedded = options.share === 'reach' ? await reachOrOwn(options.dataDir) : await startOwner({ dataDir: options.dataDir });
    if (embedded.notice) options.logger?.warn(embedded.notice);
  }
  const statementNameGenerator = statementNames();
  const connection = (max: number) =>
    embedded
      ? new PrismaPg({ host: embedded.socketDir, user: 'postgres', database: 'postgres', max }, { statementNameGenerator })
      : new PrismaPg({ connectionString, max, ...POSTGRES_CONNECTIONS });
  const factory = connection(embedded ? EMBEDDED_POOL : 10);
  const kind: Database['kind'] = embedded ? 'embedded' : 'postgres';

  const database: Database = {
    prisma: new PrismaClient({ adapter: factory, ...(embedded ? { transactionOptions: EMBEDDED_TRANSACTIONS } : {}) }),
    kind,
    factory,
    embedded,
    async migrate() {
      // The engine gets connections of its own, closed when it is done (see applyMigrations).
      const applied = await applyMigrations(connection(1), { dispose: true });
      if (applied.length > 0) options.logger?.info({ applied }, 'applied migrations');
      // Other processes reach an embedded store only once it has its tables.
      await embedded?.publish();
      return applied;
    },
    async ping() {
      await database.prisma.$queryRaw`SELECT 1 FROM "_prisma_migrations" LIMIT 1`;
      return true;
    },
    async close() {
      await database.prisma.$disconnect();
      await embedded?.close();
    },
  };
  try {
    // A store reached through its owner was migrated by the owner when it opened.
    if (options.migrate !== false && embedded?.owned !== false) await database.migrate();
  } catch (error) {
    await database.close();
    throw error;
  }
  return database;
}
