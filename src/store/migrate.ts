/**
 * Applying `prisma/migrations` (recorded in `_prisma_migrations`, as `prisma migrate deploy`
 * would) and comparing them with the schema, through the WebAssembly schema engine.
 */

import { readFile } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import type { SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { NO_FILTERS, openSchemaEngine, readMigrations, SCHEMA_PATH } from './schema-engine';
import { sqlStatements } from './sql-statements';

/**
 * Applies every migration not yet applied; returns the names applied now. With `dispose`, the
 * connections the engine opened are closed afterwards: on PostgreSQL the engine holds a session
 * advisory lock on its connection, and a pooled connection would keep it (and make the next
 * replica's start wait for it).
 */
export async function applyMigrations(
  factory: SqlMigrationAwareDriverAdapterFactory,
  options: { dispose?: boolean } = {},
): Promise<string[]> {
  const opened: { dispose(): Promise<void> }[] = [];
  const tracked: SqlMigrationAwareDriverAdapterFactory = {
    provider: factory.provider,
    adapterName: factory.adapterName,
    connect: async () => {
      const adapter = await factory.connect();
      opened.push(adapter);
      // One statement at a time, cut where statements end (the pg adapter would cut PL/pgSQL bodies).
      adapter.executeScript = async (script) => {
        for (const sql of sqlStatements(script)) await adapter.executeRaw({ sql, args: [], argTypes: [] });
      };
      return adapter;
    },
    connectToShadowDb: async () => {
      const adapter = await factory.connectToShadowDb();
      opened.push(adapter);
      return adapter;
    },
  };
  const engine = await openSchemaEngine(tracked);
  try {
    const result = await engine.applyMigrations({ migrationsList: await readMigrations(), filters: NO_FILTERS });
    return result.appliedMigrationNames;
  } finally {
    engine.free();
    if (options.dispose) await Promise.all(opened.map((adapter) => adapter.dispose()));
  }
}

/**
 * The SQL that would take a database from the migrations (or from empty) to the schema.
 * `-- This is an empty migration.` means the migrations and the schema agree.
 */
export async function diffSchema(factory: SqlMigrationAwareDriverAdapterFactory, from: 'empty' | 'migrations'): Promise<string> {
  const engine = await openSchemaEngine(factory);
  try {
    const result = await engine.diff({
      from: from === 'empty' ? { tag: 'empty' } : { tag: 'migrations', ...(await readMigrations()) },
      to: { tag: 'schemaDatamodel', files: [{ path: SCHEMA_PATH, content: await readFile(SCHEMA_PATH, 'utf8') }] },
      script: true,
      exitCode: null,
      filters: NO_FILTERS,
    });
    return result.stdout ?? '';
  } finally {
    engine.free();
  }
}

/**
 * `diffSchema` on a scratch in-memory PGlite reached directly through its own adapter: the engine
 * needs a shadow database it may create freely, and it reads catalog columns (`"char"`) that the
 * `pg` adapter does not decode.
 */
export async function diffOnScratch(from: 'empty' | 'migrations'): Promise<string> {
  const scratch = new PGlite();
  try {
    return await diffSchema(new PrismaPGlite(scratch), from);
  } finally {
    await scratch.close();
  }
}

/** Whether a diff script changes nothing. */
export function isEmptyMigration(sql: string): boolean {
  return sql.replace(/--[^\n]*/g, '').trim() === '';
}
