/**
 * DATA_DIR as the embedded store keeps it: this user's alone (0700). The owner lock, the sockets
 * other processes reach the store through and the data all live inside it, so the directory's mode
 * is what keeps other local users from taking the lock first, answering in the owner's place or
 * reading the data.
 */
import { chmod, mkdir, stat } from 'node:fs/promises';
import { ConfigError } from '../../errors';

/** The PostgreSQL wire socket other processes reach the store through (`pg`'s `host` is DATA_DIR). */
export const WIRE_SOCKET = '.s.PGSQL.5432';
/** The owner's control socket (backups). */
export const CONTROL_SOCKET = '.s.roster.ctl';

/** The longest name Roster gives a socket in DATA_DIR: an owner lock, `.s.lock.` and up to ten digits. */
const LONGEST_SOCKET_NAME = 18;
/** The longest Unix socket path: 108 bytes with its terminating zero on Linux, 104 on macOS and the BSDs. */
const SOCKET_PATH_MAX = process.platform === 'linux' ? 107 : 103;
/** The longest DATA_DIR (in bytes) whose sockets fit. */
export const MAX_DATA_DIR = SOCKET_PATH_MAX - 1 - LONGEST_SOCKET_NAME;

function octal(mode: number): string {
  return `0${mode.toString(8).padStart(3, '0')}`;
}

/**
 * Makes `dataDir` (an absolute path) ready for the store: creates it 0700 when missing; refuses one
 * of another user, or one other users may write to (they could have put their own lock, sockets
 * or links in it); tightens one others may only read to 0700, and says so (the returned notice).
 */
export async function secureDataDir(dataDir: string): Promise<string | undefined> {
  const length = Buffer.byteLength(dataDir);
  if (length > MAX_DATA_DIR) {
    throw new ConfigError(
      `DATA_DIR ${dataDir} is too long for the sockets Roster keeps in it (${length} bytes, at most ${MAX_DATA_DIR}): choose a shorter path.`,
    );
  }
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const stats = await stat(dataDir);
  if (!stats.isDirectory()) throw new ConfigError(`DATA_DIR ${dataDir} is not a directory: name a directory for the store.`);
  const uid = process.getuid?.();
  if (uid !== undefined && stats.uid !== uid) {
    throw new ConfigError(
      `DATA_DIR ${dataDir} belongs to uid ${stats.uid}, not to the user running Roster (uid ${uid}): run Roster as that user, or give it a directory of its own.`,
    );
  }
  const mode = stats.mode & 0o777;
  if (mode & 0o022) {
    throw new ConfigError(
      `DATA_DIR ${dataDir} is writable by other users (mode ${octal(mode)}), so what is in it cannot be trusted: check its contents, then run chmod 700 ${dataDir}.`,
    );
  }
  if (mode & 0o077) {
    await chmod(dataDir, 0o700);
    return `DATA_DIR ${dataDir} was readable by other users (mode ${octal(mode)}); it is now 0700, as the embedded store's lock, sockets and data need.`;
  }
  return undefined;
}
