/** Messages between Roster's main thread and the embedded store's thread. */
import type { OwnerInfo } from './owner-lock';
import type { UnitStats } from './wire-server';

/** What the store thread is started with. */
export interface StoreWorkerData {
  /** Absolute data directory, or `null` for an in-memory store. */
  dataDir: string | null;
  /** Where the wire socket for this process's own connections listens (private, from the start). */
  privateDir: string;
  /** Where other processes find the wire and control sockets once the store is published. */
  socketDir: string;
  /** How the owning process was started, for "in use by …" messages. */
  command: string;
  /** A backup (gzipped tar) to load into an empty data directory, or into the in-memory store. */
  restoreFrom?: string;
}

/** Requests from the main thread. */
export type WorkerRequest =
  | { type: 'publish' }
  | { type: 'close' }
  | { type: 'backup'; file: string }
  | { type: 'stats'; reset: boolean };

/** Replies from the store thread. */
export type WorkerReply =
  | { type: 'ready' }
  | { type: 'published' }
  | { type: 'in-use'; owner: OwnerInfo | undefined }
  | { type: 'backed-up'; bytes: number }
  | { type: 'closed' }
  | { type: 'stats'; stats: UnitStats }
  | { type: 'failed'; message: string };
