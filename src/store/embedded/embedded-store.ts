/**
 * The embedded store as the rest of Roster sees it: a PostgreSQL wire socket. Either this process
 * owns the data directory (PGlite runs in a worker thread that serves the socket), or another
 * process owns it and this one connects to that owner's socket.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { ConfigError } from '../../errors';
import { findOwner, type OwnerInfo } from './owner-lock';
import { requestBackup } from './store-control';
import type { StoreWorkerData, WorkerReply, WorkerRequest } from './store-protocol';
import type { UnitStats } from './wire-server';

/** A reachable embedded store. */
export interface EmbeddedStore {
  /** Directory of the wire socket this process connects to, for `pg`'s `host`. */
  socketDir: string;
  /** Whether this process owns the store (rather than reaching another process's). */
  owned: boolean;
  /** Lets other processes reach an owned store on disk (call once it is migrated). */
  publish(): Promise<void>;
  /** Writes a consistent backup of the data directory to `file` (through its owner). */
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
/** Longest Unix socket path Linux and macOS accept, less room for the file name. */
const MAX_SOCKET_DIR = 90;

/** Starts the store thread for `dataDir` (or in memory) and waits until it serves. */
export async function startOwner(options: { dataDir: string | null; restoreFrom?: string }): Promise<EmbeddedStore> {
  const dataDir = options.dataDir ? path.resolve(options.dataDir) : null;
  const privateDir = await mkdtemp(path.join(tmpdir(), 'roster-store-'));
  const socketDir = dataDir ?? privateDir;
  if (socketDir.length > MAX_SOCKET_DIR) {
    throw new Error(
      `DATA_DIR is too long for a socket path (${socketDir.length} characters, at most ${MAX_SOCKET_DIR}): choose a shorter one.`,
    );
  }
  const workerData: StoreWorkerData = {
    dataDir,
    privateDir,
    socketDir,
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

  const first = await next();
  if (first.type !== 'ready') {
    await worker.terminate();
    if (first.type === 'in-use') throw new StoreInUseError(dataDir ?? '', first.owner);
    throw new Error(first.type === 'failed' ? first.message : `unexpected reply ${first.type}`);
  }
  let closed = false;
  let published = false;
  return {
    socketDir: privateDir,
    owned: true,
    async publish() {
      if (!dataDir || published) return;
      const reply = await ask({ type: 'publish' });
      if (reply.type !== 'published') throw new Error(reply.type === 'failed' ? reply.message : 'publish failed');
      published = true;
    },
    async backup(file) {
      const reply = await ask({ type: 'backup', file: path.resolve(file) });
      if (reply.type !== 'backed-up') throw new Error(reply.type === 'failed' ? reply.message : 'backup failed');
      return reply.bytes;
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

/** Reaches the process that owns `dataDir`; `undefined` when none does. */
export async function reachOwner(dataDir: string): Promise<EmbeddedStore | undefined> {
  const owner = await findOwner(dataDir);
  if (!owner || !(await answers(path.join(owner.socketDir, '.s.PGSQL.5432')))) return undefined;
  return {
    socketDir: owner.socketDir,
    owned: false,
    publish: async () => undefined,
    stats: async () => undefined,
    backup: (file) => requestBackup(owner.socketDir, path.resolve(file)),
    close: async () => undefined,
  };
}

/** Whether something accepts connections on the socket `socketPath`. */
function answers(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection(socketPath, () => {
      socket.end();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
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
  throw new StoreInUseError(dataDir, await findOwner(dataDir));
}
