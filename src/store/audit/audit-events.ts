/**
 * The audit trail's rows (AuditEvent): recording events, reading the newest ones back, and reading
 * the events the identity provider caused (source `scim`) by position (`seq`) for the SCIM digest.
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

/**
 * Records `events`, in the caller's transaction when `db` is one. The store numbers each in its account
 * (`accountSeq`, a trigger: migration 20261206150000), which holds the account row until commit.
 */
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

/** A SCIM event as a digest line needs it. */
export interface ScimEventLine {
  action: string;
  targetEmail: string | null;
  before: unknown;
  after: unknown;
}

/** The position of the account's last SCIM event after `after`; null when there is none. */
export async function lastScimEventSeq(db: Db, accountId: string, after: bigint): Promise<bigint | null> {
  const [row] = await db.$queryRaw<{ last: bigint | null }[]>`
    SELECT max("seq") AS "last" FROM "AuditEvent" WHERE "accountId" = ${accountId} AND "source" = 'scim' AND "seq" > ${after}`;
  return row?.last ?? null;
}

/**
 * How many SCIM events of each kind lie in `from < seq <= to`, most first; a status change of
 * `user.updated` counts as `user.deactivated` or `user.reactivated`.
 */
export function countScimEventKinds(
  db: Db,
  accountId: string,
  range: { from: bigint; to: bigint },
): Promise<{ kind: string; count: number }[]> {
  const { from, to } = range;
  return db.$queryRaw<{ kind: string; count: number }[]>`
    SELECT CASE
        WHEN "action" = 'user.updated' AND "after"->>'status' = 'disabled' THEN 'user.deactivated'
        WHEN "action" = 'user.updated' AND "after"->>'status' = 'active' THEN 'user.reactivated'
        ELSE "action" END AS "kind",
      count(*)::int AS "count"
    FROM "AuditEvent"
    WHERE "accountId" = ${accountId} AND "source" = 'scim' AND "seq" > ${from} AND "seq" <= ${to}
    GROUP BY 1 ORDER BY 2 DESC, 1`;
}

/** The first `limit` SCIM events in `from < seq <= to`, in order. */
export function listScimEvents(
  db: Db,
  accountId: string,
  range: { from: bigint; to: bigint },
  limit: number,
): Promise<ScimEventLine[]> {
  const { from, to } = range;
  return db.$queryRaw<ScimEventLine[]>`
    SELECT "action", "targetEmail", "before", "after" FROM "AuditEvent"
    WHERE "accountId" = ${accountId} AND "source" = 'scim' AND "seq" > ${from} AND "seq" <= ${to}
    ORDER BY "seq" LIMIT ${limit}`;
}
