/**
 * The audit trail's rows: recording events, and reading the newest ones back.
 */
import type { AuditSource, Json } from '../records';
import type { Db } from '../tx';

/** One event to record, with names kept as text. */
export interface NewAuditEvent {
  accountId: string;
  at: Date;
  actorUserId: string | null;
  actorEmail: string;
  actorSlackId: string | null;
  action: string;
  targetUserId: string | null;
  targetEmail: string | null;
  targetName: string | null;
  before?: Json;
  after?: Json;
  source: AuditSource;
  clientAddress: string | null;
}

/** An event as the audit list shows it. */
export interface AuditEventLine {
  at: Date;
  action: string;
  actorEmail: string | null;
  actorSlackId: string | null;
  targetEmail: string | null;
  targetName: string | null;
  before: unknown;
  after: unknown;
  source: AuditSource;
}

/** Records `events`, in the caller's transaction when `db` is one. */
export async function insertAuditEvents(db: Db, events: NewAuditEvent[]): Promise<void> {
  await db.auditEvent.createMany({ data: events });
}

/** The account's newest `limit` events, newest first; with `targetEmail`, only those about that address. */
export function listAuditEvents(
  db: Db,
  accountId: string,
  options: { targetEmail?: string; limit: number },
): Promise<AuditEventLine[]> {
  return db.auditEvent.findMany({
    where: { accountId, ...(options.targetEmail ? { targetEmail: options.targetEmail } : {}) },
    orderBy: [{ at: 'desc' }, { id: 'desc' }],
    take: options.limit,
    select: {
      at: true,
      action: true,
      actorEmail: true,
      actorSlackId: true,
      targetEmail: true,
      targetName: true,
      before: true,
      after: true,
      source: true,
    },
  });
}
