/**
 * One owning process per embedded data directory.
 *
 * The lock is a listening socket inside DATA_DIR, which only this user may enter (0700, see
 * `data-dir.ts`): no other user can take it first or answer in its place. Each owner takes the next
 * generation, `.s.lock.<n>`, with link(2), which fails when another process took that generation
 * first. A lock whose process has ended, however it ended (`kill -9` included), refuses connections;
 * the next owner then takes generation n + 1, so nothing has to be cleaned up before a start and no
 * two processes can both remove a dead lock and both take its place. The newest generation is the
 * lock: a process that looked long ago and took an older one gives it back.
 *
 * The lock says nothing to whoever connects. What the owner says about itself, for "in use by …"
 * messages, is in a file only this user can read.
 */
import { lstat, open, readdir, readFile, rename, unlink } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import path from 'node:path';
import { answers, bindSocket } from './socket-files';

/** What the owner of a data directory says about itself (to this user only). */
export interface OwnerInfo {
  pid: number;
  command: string;
  since: string;
}

/** A held lock. */
export interface OwnerLock {
  release(): Promise<void>;
}

const LOCK_NAME = /^\.s\.lock\.(\d{1,10})$/;
const INFO_FILE = 'owner.json';

/** The newest lock in `dataDir`, if any. */
async function newestLock(dataDir: string): Promise<{ generation: number; file: string } | undefined> {
  const entries = await readdir(dataDir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [];
    throw error;
  });
  let newest = 0;
  for (const name of entries) newest = Math.max(newest, Number(LOCK_NAME.exec(name)?.[1] ?? 0));
  return newest > 0 ? { generation: newest, file: lockFile(dataDir, newest) } : undefined;
}

function lockFile(dataDir: string, generation: number): string {
  return path.join(dataDir, `.s.lock.${generation}`);
}

function listen(server: Server, file: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(file, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

/** Writes `info` for the lock's `generation`, readable by this user only. */
async function writeInfo(dataDir: string, generation: number, info: OwnerInfo): Promise<void> {
  const file = path.join(dataDir, INFO_FILE);
  const temporary = `${file}.${generation}`;
  const handle = await open(temporary, 'w', 0o600);
  try {
    await handle.writeFile(JSON.stringify({ generation, ...info }));
  } finally {
    await handle.close();
  }
  await rename(temporary, file);
}

/** What the holder of the lock's `generation` wrote about itself; `undefined` before it has. */
async function readInfo(dataDir: string, generation: number): Promise<OwnerInfo | undefined> {
  const file = path.join(dataDir, INFO_FILE);
  try {
    const stats = await lstat(file);
    if (!stats.isFile() || stats.uid !== process.getuid?.()) return undefined;
    const {
      generation: written,
      pid,
      command,
      since,
    } = JSON.parse(await readFile(file, 'utf8')) as OwnerInfo & {
      generation: number;
    };
    return written === generation ? { pid, command, since } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Takes the lock of `dataDir` (secured, see `secureDataDir`), or resolves `undefined` when another
 * process holds it. Throws `UntrustedStoreError` when the lock there is another user's.
 */
export async function acquireOwnerLock(dataDir: string, info: OwnerInfo): Promise<OwnerLock | undefined> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const newest = await newestLock(dataDir);
    if (newest && (await answers(newest.file))) return undefined;
    const generation = (newest?.generation ?? 0) + 1;
    const file = lockFile(dataDir, generation);
    // The lock says nothing: whoever connects learns only that it is held.
    const server = createServer((socket) => socket.destroy());
    if (!(await bindSocket(file, (temporary) => listen(server, temporary), 'exclusive'))) {
      await close(server); // another process took this generation first: look again
      continue;
    }
    if ((await newestLock(dataDir))?.generation !== generation) {
      // A newer generation is there: we looked long ago, and it is the lock.
      await unlink(file).catch(() => undefined);
      await close(server);
      continue;
    }
    for (const name of await readdir(dataDir)) {
      const older = Number(LOCK_NAME.exec(name)?.[1] ?? generation);
      if (older < generation) await unlink(path.join(dataDir, name)).catch(() => undefined);
    }
    await writeInfo(dataDir, generation, info);
    return {
      async release() {
        // The information first: once the lock is closed, the next owner writes its own.
        await unlink(path.join(dataDir, INFO_FILE)).catch(() => undefined);
        await close(server);
      },
    };
  }
  throw new Error(`Could not take the lock of the embedded store in ${dataDir}: other processes kept taking it first.`);
}

/**
 * Whether a process holds the lock of `dataDir`: `undefined` when none does, else what it wrote
 * about itself (`info`, once it has). Throws `UntrustedStoreError` when the lock there is another user's.
 */
export async function findOwner(dataDir: string): Promise<{ info?: OwnerInfo } | undefined> {
  const newest = await newestLock(dataDir);
  if (!newest || !(await answers(newest.file))) return undefined;
  return { info: await readInfo(dataDir, newest.generation) };
}
