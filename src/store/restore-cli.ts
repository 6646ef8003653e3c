/**
 * `npm run restore -- FILE`: loads a backup written by `npm run backup` into an empty DATA_DIR,
 * then applies any migrations newer than the backup. The file is read through first: one that is
 * cut short or not a backup is refused before anything is loaded.
 */
import { access, readdir } from 'node:fs/promises';
import path from 'node:path';
import { openDatabase } from './database';
import { checkBackup } from './embedded/backup-file';
import { startOwner } from './embedded/embedded-store';
import { findOwner } from './embedded/owner-lock';

async function isEmptyDir(dir: string): Promise<boolean> {
  const entries = await readdir(dir).catch(() => []);
  return entries.length === 0;
}

async function restore(): Promise<void> {
  const file = process.argv[2];
  if (!file) throw new Error('Usage: npm run restore -- FILE (a backup written by npm run backup).');
  await access(file).catch(() => {
    throw new Error(`No backup at ${path.resolve(file)}.`);
  });
  const dataDir = path.resolve(process.env.DATA_DIR ?? './data');
  const owner = await findOwner(dataDir);
  if (owner) {
    const holder = owner.info ? `process ${owner.info.pid} (${owner.info.command})` : 'another process';
    throw new Error(`The store in ${dataDir} is in use by ${holder}: stop it first.`);
  }
  if (!(await isEmptyDir(path.join(dataDir, 'pglite')))) {
    throw new Error(
      `${path.join(dataDir, 'pglite')} is not empty: restore loads into an empty DATA_DIR; move the current store away first.`,
    );
  }
  await checkBackup(path.resolve(file));
  const loaded = await startOwner({ dataDir, restoreFrom: path.resolve(file) });
  await loaded.close();
  const database = await openDatabase({ dataDir, migrate: false });
  try {
    const applied = await database.migrate();
    const users = await database.prisma.user.count();
    const events = await database.prisma.auditEvent.count();
    console.log(`Restored ${path.resolve(file)} into ${dataDir}: ${users} users, ${events} audit events.`);
    if (applied.length > 0) console.log(`Applied newer migrations: ${applied.join(', ')}.`);
  } finally {
    await database.close();
  }
}

restore().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error((error as Error).message);
    process.exit(1);
  },
);
