/**
 * One owning process per embedded data directory.
 *
 * The lock is a listening socket named after the directory. On Linux it lives in the abstract
 * socket namespace, so the kernel releases it the moment its process ends, however it ends
 * (`kill -9` included): nothing is left behind to block the next start. Elsewhere it is a socket
 * file in the directory, taken over when nothing answers on it. The socket also tells whoever asks
 * which process holds the directory and where its store is served.
 */
import { createHash } from 'node:crypto';
import { unlink } from 'node:fs/promises';
import { createConnection, createServer, type Server } from 'node:net';
import path from 'node:path';

/** What the owner of a data directory says about itself. */
export interface OwnerInfo {
  pid: number;
  command: string;
  since: string;
  /** Directory of the PostgreSQL wire socket (`.s.PGSQL.5432`), for `pg`'s `host`. */
  socketDir: string;
}

/** A held lock. */
export interface OwnerLock {
  release(): Promise<void>;
}

/** Where the lock of `dataDir` listens. */
function lockAddress(dataDir: string): string {
  if (process.platform === 'linux') {
    const digest = createHash('sha256').update(path.resolve(dataDir)).digest('hex').slice(0, 32);
    return `\0roster-store-${digest}`;
  }
  return path.join(path.resolve(dataDir), '.roster-owner.sock');
}

/** Takes the lock of `dataDir`, or resolves `undefined` when another process holds it. */
export async function acquireOwnerLock(dataDir: string, info: OwnerInfo): Promise<OwnerLock | undefined> {
  const address = lockAddress(dataDir);
  const server = createServer((socket) => {
    socket.end(`${JSON.stringify(info)}\n`);
    socket.on('error', () => socket.destroy());
  });
  let listening = await listen(server, address);
  if (!listening && !address.startsWith('\0') && !(await findOwner(dataDir))) {
    // A socket file that nobody answers on was left by a process that died.
    await unlink(address).catch(() => undefined);
    listening = await listen(server, address);
  }
  if (!listening) return undefined;
  return {
    release: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function listen(server: Server, address: string): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') resolve(false);
      else reject(error);
    };
    server.once('error', onError);
    server.listen(address, () => {
      server.off('error', onError);
      resolve(true);
    });
  });
}

/** Asks the owner of `dataDir` who it is; `undefined` when nothing owns it. */
export function findOwner(dataDir: string): Promise<OwnerInfo | undefined> {
  return new Promise((resolve) => {
    const socket = createConnection(lockAddress(dataDir));
    let text = '';
    socket.setEncoding('utf8');
    socket.setTimeout(2_000, () => socket.destroy());
    socket.on('data', (chunk: string) => {
      text += chunk;
    });
    socket.on('error', () => resolve(undefined));
    socket.on('close', () => {
      try {
        resolve(JSON.parse(text) as OwnerInfo);
      } catch {
        resolve(undefined);
      }
    });
  });
}
