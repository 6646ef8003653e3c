/** Messages between Roster's main thread and the embedded store's thread, and the owner's control socket. */
import { z } from 'zod';
import type { BackupSummary } from './backup-file';
import type { OwnerInfo } from './owner-lock';
import type { UnitStats } from './wire-server';

/** What the store thread is started with. */
export interface StoreWorkerData {
  /** Absolute data directory (secured, see `secureDataDir`), or `null` for an in-memory store. */
  dataDir: string | null;
  /** Where the wire socket for this process's own connections listens (private, from the start). */
  privateDir: string;
  /** How the owning process was started, for "in use by …" messages (to this user only). */
  command: string;
  /** A backup (gzipped tar) to load into an empty data directory, or into the in-memory store. */
  restoreFrom?: string;
}

/** Requests from the main thread. */
export type WorkerRequest = { type: 'publish' } | { type: 'close' } | { type: 'backup' } | { type: 'stats'; reset: boolean };

/** Replies from the store thread. */
export type WorkerReply =
  | { type: 'ready' }
  | { type: 'published' }
  | { type: 'in-use'; owner: OwnerInfo | undefined }
  /** Something in the data directory is not this user's (see `UntrustedStoreError`). */
  | { type: 'untrusted'; message: string }
  /** A backup: the gzipped tar (transferred, not copied) and what it is. */
  | ({ type: 'backed-up'; data: ArrayBuffer } & BackupSummary)
  | { type: 'closed' }
  | { type: 'stats'; stats: UnitStats }
  | { type: 'failed'; message: string };

/**
 * The owner's control socket: a client sends one JSON line, `{"op":"backup"}`; the owner answers
 * with one JSON line (`BackupHeader`) and, when it is `ok`, that many bytes of backup.
 */
export const BackupHeader = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), bytes: z.number().int().nonnegative(), sha256: z.string().regex(/^[0-9a-f]{64}$/) }),
  z.object({ ok: z.literal(false), error: z.string() }),
]);
export type BackupHeader = z.infer<typeof BackupHeader>;
