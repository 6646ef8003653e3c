/**
 * `npm run backup [-- FILE]`: writes a consistent copy of the embedded store (a gzipped tar of
 * DATA_DIR/pglite) while Roster runs, through the process that owns the store; when nothing owns
 * it, this command opens it under the lock itself. It says it wrote the file only once the file is
 * there under its name, whole (the size and SHA-256 its owner announced) and loadable; otherwise it
 * exits 1 and leaves nothing.
 */
import path from 'node:path';
import { isPostgresUrl, memoryStoreSource } from './database';
import { reachOrOwn } from './embedded/embedded-store';

async function backup(): Promise<void> {
  if (isPostgresUrl(process.env.DATABASE_URL) || memoryStoreSource(process.env.DATABASE_URL)) {
    throw new Error('npm run backup copies the embedded store in DATA_DIR; for PostgreSQL use pg_dump.');
  }
  const dataDir = process.env.DATA_DIR ?? './data';
  const stamp = new Date().toISOString().replace(/\D/g, '').slice(0, 14);
  const file = path.resolve(process.argv[2] ?? `roster-backup-${stamp}.tar.gz`);
  const store = await reachOrOwn(dataDir);
  try {
    const bytes = await store.backup(file);
    const through = store.owned ? 'opened directly: no Roster was running' : 'through the running Roster';
    console.log(`Wrote ${file} (${(bytes / 1024 / 1024).toFixed(1)} MB) from ${path.resolve(dataDir)}, ${through}.`);
    console.log(`Restore it into an empty DATA_DIR with: npm run restore -- ${file}`);
  } finally {
    await store.close();
  }
}

backup().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error((error as Error).message);
    process.exit(1);
  },
);
