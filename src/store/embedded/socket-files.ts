/**
 * The Unix sockets of the embedded store in DATA_DIR: made so that only this user can use them from
 * the moment they have their names, and talked to only when they are this user's.
 */
import { randomBytes } from 'node:crypto';
import { chmod, link, lstat, rename, unlink } from 'node:fs/promises';
import { createConnection } from 'node:net';
import path from 'node:path';
import { ConfigError } from '../../errors';

/** Something in DATA_DIR that Roster will not talk to: another user's socket, or not a socket at all. */
export class UntrustedStoreError extends ConfigError {
  override name = 'UntrustedStoreError';
}

/**
 * Whether `file` is a socket of this user; `false` when nothing is there. Throws when something else
 * is: Roster sends nothing (no query, no token) to a socket it did not make.
 */
export async function ownSocket(file: string): Promise<boolean> {
  const stats = await lstat(file).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  if (!stats) return false;
  if (!stats.isSocket()) {
    throw new UntrustedStoreError(
      `${file} is not a socket: Roster reaches its store only through its own sockets, so remove it and try again.`,
    );
  }
  const uid = process.getuid?.();
  if (uid !== undefined && stats.uid !== uid) {
    throw new UntrustedStoreError(
      `${file} belongs to uid ${stats.uid}, not to you (uid ${uid}): Roster reaches its store only through sockets of its own user, so find out who made it, remove it and try again.`,
    );
  }
  return true;
}

/** Whether a process accepts connections on this user's socket `file` (see `ownSocket`); it is sent nothing. */
export async function answers(file: string): Promise<boolean> {
  if (!(await ownSocket(file))) return false;
  return new Promise((resolve) => {
    const socket = createConnection(file, () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      // Refused: its process has ended. Anything else (a full backlog) is a process that is there.
      resolve(error.code !== 'ECONNREFUSED' && error.code !== 'ENOENT');
    });
  });
}

/**
 * Serves on the socket `file` through `listen`, 0600 from the moment it has that name: it listens on
 * a temporary name, is made 0600, then takes `file`. (Worker threads cannot set the umask, and the
 * umask is the whole process's.) `exclusive` takes `file` only when nothing is there (link(2)) and
 * resolves `false` when something is, leaving the caller to close its server; `replace` replaces
 * whatever is there.
 */
export async function bindSocket(
  file: string,
  listen: (temporary: string) => Promise<void>,
  how: 'exclusive' | 'replace',
): Promise<boolean> {
  const temporary = path.join(path.dirname(file), `.s.new.${randomBytes(4).toString('hex')}`);
  await listen(temporary);
  try {
    await chmod(temporary, 0o600);
    if (how === 'replace') {
      await rename(temporary, file);
      return true;
    }
    await link(temporary, file);
    return true;
  } catch (error) {
    if (how === 'exclusive' && (error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    if (how === 'exclusive') await unlink(temporary).catch(() => undefined);
  }
}
