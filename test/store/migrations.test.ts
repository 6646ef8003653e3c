import { readdir } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from '../../src/store/database';
import { diffOnScratch, isEmptyMigration } from '../../src/store/migrate';
import { freshDatabaseUrl, type TargetName, type TestDatabaseUrl, testTargets } from '../support/test-database';

describe.each(testTargets())('migrations through the wasm schema engine (%s store)', (target: TargetName) => {
  let url: TestDatabaseUrl;
  let db: Database;
  beforeAll(async () => {
    url = await freshDatabaseUrl(target, { empty: true });
    db = await openDatabase({ databaseUrl: url.url, dataDir: '/tmp', migrate: false });
  });
  afterAll(async () => {
    await db?.close();
    await url?.drop();
  });

  it('applies the migrations folder once and records it in _prisma_migrations', async () => {
    const first = await db.migrate();
    expect(first.length).toBeGreaterThan(0);
    expect(await db.migrate()).toEqual([]);
    const rows = await db.prisma.$queryRaw<{ migration_name: string; finished_at: Date | null }[]>`
      SELECT migration_name, finished_at FROM "_prisma_migrations" ORDER BY migration_name`;
    expect(rows.map((r) => r.migration_name)).toEqual(first);
    expect(rows.every((r) => r.finished_at !== null)).toBe(true);
    expect(await db.ping()).toBe(true);
  });

  it.runIf(target === 'postgres')('lets two replicas start at once: one applies, the other finds it done', async () => {
    const shared = await freshDatabaseUrl('postgres', { empty: true });
    const [a, b] = await Promise.all([
      openDatabase({ databaseUrl: shared.url, dataDir: '/tmp' }),
      openDatabase({ databaseUrl: shared.url, dataDir: '/tmp' }),
    ]);
    const rows = await a.prisma.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM "_prisma_migrations"`;
    // Every migration folder is recorded once, by whichever replica applied it.
    const migrations = new URL('../../prisma/migrations/', import.meta.url);
    const folders = (await readdir(migrations, { withFileTypes: true })).filter((e) => e.isDirectory()).length;
    expect(rows[0]?.n).toBe((await a.migrate()).length + folders);
    expect(await b.migrate()).toEqual([]);
    await a.close();
    await b.close();
    await shared.drop();
  });

  it('rolls a failed interactive transaction back', async () => {
    const account = await db.prisma.account.create({ data: { name: 'tx test' } });
    await expect(
      db.prisma.$transaction(async (tx) => {
        await tx.group.create({ data: { accountId: account.id, name: 'will vanish' } });
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await db.prisma.group.count({ where: { accountId: account.id } })).toBe(0);
  });
});

describe('diffSchema (on a scratch embedded store: the engine needs a shadow database it may create freely)', () => {
  // A scratch store applies every migration and the engine diffs it: 15–18 s on this machine when quiet, so
  // more than the default 30 s is allowed for a busy one.
  it('agrees with prisma/schema.prisma (no migration is missing)', { timeout: 120_000 }, async () => {
    const sql = await diffOnScratch('migrations');
    expect(isEmptyMigration(sql)).toBe(true);
  });

  it('sees a difference when there is one', async () => {
    const sql = await diffOnScratch('empty');
    expect(sql).toContain('CREATE TABLE "User"');
    expect(isEmptyMigration(sql)).toBe(false);
  });
});
