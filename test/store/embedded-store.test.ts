import { mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/store/database';
import { PrismaClient } from '../../src/store/generated/client';
import { applyMigrations } from '../../src/store/migrate';
import { startChild } from '../support/child-process';
import { freshDatabaseUrl, migratedDataDir } from '../support/test-database';
import { plantSockets, squatOldLock } from './store-impostor';

const WRITER = 'test/support/children/store-writer.ts';
const HOLDER = 'test/support/children/store-holder.ts';
const BACKUP = 'src/store/backup-cli.ts';
/** Another local user (`nobody`); these tests run as root, which may act as it. */
const OTHER_UID = 65534;
/** Children hold and write the store: beside another process suite they may wait for a core. */
const CHILDREN = { timeout: 120_000 };

function tempDir(): Promise<string> {
  return mkdtemp(path.join(tmpdir(), 'roster-store-'));
}

describe('the embedded store on disk: one owner, everyone else through it', CHILDREN, () => {
  it('refuses a second owner of a data directory, naming the process that holds it, and frees it on close', async () => {
    const dir = await migratedDataDir();
    const first = await openDatabase({ dataDir: dir });
    await expect(openDatabase({ dataDir: dir })).rejects.toThrow(`is in use by process ${process.pid}`);
    await first.close();
    const again = await openDatabase({ dataDir: dir });
    await again.close();
  });

  it('leaves nothing behind when its owner is killed with SIGKILL: the next start opens at once, with the data', async () => {
    const dir = await migratedDataDir();
    const seeded = await openDatabase({ dataDir: dir });
    await seeded.prisma.account.create({ data: { name: 'before the crash' } });
    await seeded.close();

    const holder = startChild(HOLDER, [dir]);
    await holder.waitForOutput('ready');
    await expect(openDatabase({ dataDir: dir })).rejects.toThrow(`is in use by process ${holder.process.pid}`);
    holder.process.kill('SIGKILL');
    await holder.exited;

    const reopened = await openDatabase({ dataDir: dir });
    expect(await reopened.prisma.account.findMany({ select: { name: true } })).toEqual([{ name: 'before the crash' }]);
    await reopened.close();
  });

  it('lets other processes write through the running owner, and loses none of their writes', async () => {
    const dir = await migratedDataDir();
    const owner = await openDatabase({ dataDir: dir });
    const writers = [startChild(WRITER, [dir, '300', 'a']), startChild(WRITER, [dir, '300', 'b'])];
    for (let i = 0; i < 300; i++) await owner.prisma.account.create({ data: { name: `owner-${i}` } });
    expect(await Promise.all(writers.map((w) => w.exited))).toEqual([0, 0]);
    for (const writer of writers) expect(JSON.parse(writer.stdout())).toEqual({ owned: false });
    expect(await owner.prisma.account.count()).toBe(900);
    await owner.close();

    const reopened = await openDatabase({ dataDir: dir });
    expect(await reopened.prisma.account.count()).toBe(900);
    await reopened.close();
  });

  it('with no owner running, two commands at once: one owns the store, the other goes through it', async () => {
    const dir = await tempDir();
    const go = path.join(dir, 'go');
    const writers = [startChild(WRITER, [dir, '300', 'a', go]), startChild(WRITER, [dir, '300', 'b', go])];
    // Both have opened the store before either writes or closes: they overlap for certain.
    await Promise.all(writers.map((w) => w.waitForOutput('opened')));
    await writeFile(go, '');
    const codes = await Promise.all(writers.map((w) => w.exited));
    expect(codes, writers.map((w) => w.stderr()).join('\n')).toEqual([0, 0]);
    const owned = writers.map((w) => (JSON.parse(w.stdout().trim().split('\n').at(-1) ?? '') as { owned: boolean }).owned);
    expect(owned.filter(Boolean)).toHaveLength(1);
    const reopened = await openDatabase({ dataDir: dir });
    expect(await reopened.prisma.account.count()).toBe(600);
    await reopened.close();
  });

  it('opens a data directory written by the previous release (PGlite in-process, same layout)', async () => {
    const dir = await tempDir();
    const pglite = new PGlite(path.join(dir, 'pglite'));
    const factory = new PrismaPGlite(pglite);
    await applyMigrations(factory);
    const old = new PrismaClient({ adapter: factory });
    await old.account.create({ data: { name: 'written by 0.1' } });
    await old.$disconnect();
    await pglite.close();

    const database = await openDatabase({ dataDir: dir });
    expect(await database.prisma.account.findMany({ select: { name: true } })).toEqual([{ name: 'written by 0.1' }]);
    await database.close();
  });
});

describe('the embedded store in memory, started from a backup', CHILDREN, () => {
  it('holds what the backup held, and names a backup it cannot read', async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'backup.tar.gz');
    const original = await openDatabase({ databaseUrl: (await freshDatabaseUrl('embedded')).url, dataDir: dir });
    await original.prisma.account.create({ data: { name: 'backed up' } });
    await original.embedded?.backup(file);
    await original.close();

    const copy = await openDatabase({ databaseUrl: `memory://?from=${encodeURIComponent(file)}`, dataDir: dir });
    expect(await copy.prisma.account.findMany({ select: { name: true } })).toEqual([{ name: 'backed up' }]);
    // A copy in memory: what it writes stays out of the backup.
    await copy.prisma.account.create({ data: { name: 'only in the copy' } });
    await copy.close();
    const again = await openDatabase({ databaseUrl: `memory://?from=${encodeURIComponent(file)}`, dataDir: dir });
    expect(await again.prisma.account.count()).toBe(1);
    await again.close();

    const missing = path.join(dir, 'missing.tar.gz');
    await expect(openDatabase({ databaseUrl: `memory://?from=${missing}`, dataDir: dir })).rejects.toThrow(
      `DATABASE_URL starts the store from ${missing}, which cannot be read`,
    );
  });
});

describe('npm run backup against an impostor', CHILDREN, () => {
  it('refuses sockets another user planted in DATA_DIR: exits 1 with one line, sends them nothing, writes and reports nothing', async () => {
    const dataDir = await tempDir();
    const planted = await plantSockets(dataDir, { uid: OTHER_UID });
    const squatter = process.platform === 'linux' ? await squatOldLock(dataDir, dataDir) : undefined;
    try {
      const target = await tempDir();
      const backup = startChild(BACKUP, [path.join(target, 'roster.tar.gz')], { DATA_DIR: dataDir });
      expect(await backup.exited).toBe(1);
      expect(backup.stdout()).toBe('');
      expect(backup.stderr().trim().split('\n')).toEqual([expect.stringContaining(`belongs to uid ${OTHER_UID}, not to you`)]);
      expect(planted.received).toBe(0);
      expect(await readdir(target)).toEqual([]);
    } finally {
      await planted.close();
      await squatter?.close();
    }
  });

  it('through an owner that announces 117.7 MB and sends nothing: exits 1, writes and reports nothing', async () => {
    const dataDir = await tempDir();
    const planted = await plantSockets(dataDir);
    const squatter = process.platform === 'linux' ? await squatOldLock(dataDir, dataDir) : undefined;
    try {
      const target = await tempDir();
      const backup = startChild(BACKUP, [path.join(target, 'roster.tar.gz')], { DATA_DIR: dataDir });
      expect(await backup.exited).toBe(1);
      expect(backup.stdout()).toBe('');
      expect(backup.stderr()).toContain('The backup is incomplete');
      expect(await readdir(target)).toEqual([]);
    } finally {
      await planted.close();
      await squatter?.close();
    }
  });

  it.runIf(process.platform === 'linux')(
    'ignores an impostor on the old lock name: backs up the real store, and the file opens',
    async () => {
      const dataDir = await migratedDataDir();
      const seeded = await openDatabase({ dataDir });
      await seeded.prisma.account.create({ data: { name: 'the real one' } });
      await seeded.close();
      const squatter = await squatOldLock(dataDir);
      try {
        const file = path.join(await tempDir(), 'roster.tar.gz');
        const backup = startChild(BACKUP, [file], { DATA_DIR: dataDir });
        expect(await backup.exited, backup.stderr()).toBe(0);
        expect(backup.stdout()).toContain(`Wrote ${file}`);
        expect(squatter.connections).toBe(0);
        const copy = await openDatabase({ databaseUrl: `memory://?from=${encodeURIComponent(file)}`, dataDir });
        expect(await copy.prisma.account.findMany({ select: { name: true } })).toEqual([{ name: 'the real one' }]);
        await copy.close();
      } finally {
        await squatter.close();
      }
    },
  );
});
