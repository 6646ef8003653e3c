/**
 * The embedded store as the rest of Roster sees it: a PostgreSQL wire socket. Either this process
 * owns the data directory (PGlite runs in a worker thread that serves the socket), or another
 * process of this user owns it and this one connects to that owner's socket in the data directory.
 * Where the store is follows from DATA_DIR alone; nothing a socket says moves it elsewhere.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { ConfigError } from '../../errors';
import { writeBackup } from './backup-file';
import { secureDataDir, WIRE_SOCKET } from './data-dir';
import { findOwner, type OwnerInfo } from './owner-lock';
import { answers, UntrustedStoreError } from './socket-files';
import { requestBackup } from './store-control';
import type { StoreWorkerData, WorkerReply, WorkerRequest } from './store-protocol';
import type { UnitStats } from './wire-server';

export { UntrustedStoreError } from './socket-files';

/** A reachable embedded store. */
export interface EmbeddedStore {
  /** Directory of the wire socket this process connects to, for `pg`'s `host`. */
  socketDir: string;
  /** Whether this process owns the store (rather than reaching another process's). */
  owned: boolean;
  /** What was done to DATA_DIR to make it safe (its mode tightened), for the log. */
  notice?: string;
  /** Lets other processes reach an owned store on disk (call once it is migrated). */
  publish(): Promise<void>;
  /** Writes a consistent backup of the data directory to `file` (through its owner), checked whole and loadable (see `writeBackup`). */
  backup(file: string): Promise<number>;
  /** How long single units of work held the store (owner only; `undefined` when reached); `reset` starts a new window. */
  stats(reset?: boolean): Promise<UnitStats | undefined>;
  /** Closes the store if this process owns it. */
  close(): Promise<void>;
}

/** The data directory is owned by another process. */
export class StoreInUseError extends ConfigError {
  constructor(
    readonly dataDir: string,
    readonly owner: OwnerInfo | undefined,
  ) {
    const holder = owner ? `process ${owner.pid} (${owner.command}), since ${owner.since}` : 'another process';
    super(
      `The embedded store in ${dataDir} is in use by ${holder}. Stop that process first, or set DATABASE_URL to a PostgreSQL database to run several replicas.`,
    );
    this.name = 'StoreInUseError';
  }
}

const ENTRY = new URL('./store-worker-entry.mjs', import.meta.url);
/** Longest directory for this process's own wire socket (Unix socket paths are short), less room for its name. */
const MAX_PRIVATE_DIR = 90;

/** Starts the store thread for `dataDir` (or in memory) and waits until it serves. */
export async function startOwner(options: { dataDir: string | null; restoreFrom?: string }): Promise<EmbeddedStore> {
  const dataDir = options.dataDir ? path.resolve(options.dataDir) : null;
  const notice = dataDir ? await secureDataDir(dataDir) : undefined;
  const privateDir = await mkdtemp(path.join(tmpdir(), 'roster-store-'));
  if (privateDir.length > MAX_PRIVATE_DIR) {
    await rm(privateDir, { recursive: true, force: true });
    throw new ConfigError(`The temporary directory ${tmpdir()} is too long for a socket path: set TMPDIR to a shorter one.`);
  }
  const workerData: StoreWorkerData = {
    dataDir,
    privateDir,
    command: [path.basename(process.argv[1] ?? 'node'), ...process.argv.slice(2)].join(' '),
    restoreFrom: options.restoreFrom,
  };
  const worker = new Worker(ENTRY, { workerData });
  const next = () =>
    new Promise<WorkerReply>((resolve, reject) => {
      const onExit = (code: number) => reject(new Error(`the embedded store's thread stopped (exit code ${code})`));
      worker.once('exit', onExit);
      worker.once('error', reject);
      worker.once('message', (reply: WorkerReply) => {
        worker.off('exit', onExit);
        worker.off('error', reject);
        resolve(reply);
      });
    });
  const ask = async (request: WorkerRequest) => {
    const answer = next();
    worker.postMessage(request);
    return answer;
  };

  const first = await next().catch(async (error: Error) => {
    await rm(privateDir, { recursive: true, force: true });
    throw error;
  });
  if (first.type !== 'ready') {
    await worker.terminate();
    await rm(privateDir, { recursive: true, force: true });
    if (first.type === 'in-use') throw new StoreInUseError(dataDir ?? '', first.owner);
    if (first.type === 'untrusted') throw new UntrustedStoreError(first.message);
    throw new Error(first.type === 'failed' ? first.message : `unexpected reply ${first.type}`);
  }
  let closed = false;
  let published = false;
  return {
    socketDir: privateDir,
    owned: true,
    notice,
    async publish() {
      if (!dataDir || published) return;
      const reply = await ask({ type: 'publish' });
      if (reply.type !== 'published') throw new Error(reply.type === 'failed' ? reply.message : 'publish failed');
      published = true;
    },
    async backup(file) {
      const reply = await ask({ type: 'backup' });
      if (reply.type !== 'backed-up') throw new Error(reply.type === 'failed' ? reply.message : 'backup failed');
      return writeBackup(file, [new Uint8Array(reply.data)], reply);
    },
    async stats(reset = false) {
      const reply = await ask({ type: 'stats', reset });
      return reply.type === 'stats' ? reply.stats : undefined;
    },
    async close() {
      if (closed) return;
      closed = true;
      await ask({ type: 'close' }).catch(() => undefined);
      await worker.terminate();
      await rm(privateDir, { recursive: true, force: true });
    },
  };
}

/**
 * Reaches the process that owns `dataDir` through this user's sockets there; `undefined` when none
 * does (or it is not serving other processes yet). Throws `UntrustedStoreError`, having sent
 * nothing, when a socket there is another user's.
 */
export async function reachOwner(dataDir: string): Promise<EmbeddedStore | undefined> {
  const dir = path.resolve(dataDir);
  const notice = await secureDataDir(dir);
  if (!(await findOwner(dir)) || !(await answers(path.join(dir, WIRE_SOCKET)))) return undefined;
  return {
    socketDir: dir,
    owned: false,
    notice,
    publish: async () => undefined,
    stats: async () => undefined,
    backup: (file) => requestBackup(dir, file),
    close: async () => undefined,
  };
}

/**
 * Reaches the owner of `dataDir` or, when nothing owns it, becomes the owner (for CLIs: a running
 * Roster keeps its store and the CLI goes through it).
 */
export async function reachOrOwn(dataDir: string, patienceMs = 60_000): Promise<EmbeddedStore> {
  // An owner that is still migrating, or closing, holds the lock without serving: try again.
  const deadline = Date.now() + patienceMs;
  while (Date.now() < deadline) {
    const reached = await reachOwner(dataDir);
    if (reached) return reached;
    try {
      return await startOwner({ dataDir });
    } catch (error) {
      if (!(error instanceof StoreInUseError)) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  throw new StoreInUseError(path.resolve(dataDir), (await findOwner(path.resolve(dataDir)))?.info);
}
