/**
 * Webhook endpoints (table WebhookEndpoint): the owner's registrations, and the delivery state each
 * one keeps — the cursor into the account's audit trail, the failed attempts and the lease that lets
 * one replica at a time deliver to it. Every write of a delivery is conditional on holding the lease,
 * so a replica that lost it (it ran out, the endpoint was rewound or removed) changes nothing.
 */
import type { Prisma } from '../generated/client';
import type { Db } from '../tx';

export type WebhookRow = Prisma.WebhookEndpointGetPayload<object>;

/** An endpoint as `list` shows it, with how many events wait after its cursor (of every action). */
export interface WebhookListing extends WebhookRow {
  waiting: bigint;
}

export function countWebhooks(db: Db, accountId: string): Promise<number> {
  return db.webhookEndpoint.count({ where: { accountId } });
}

export function findWebhookByUrl(db: Db, accountId: string, url: string): Promise<WebhookRow | null> {
  return db.webhookEndpoint.findUnique({ where: { accountId_url: { accountId, url } } });
}

export function insertWebhook(
  db: Db,
  row: Pick<WebhookRow, 'id' | 'accountId' | 'url' | 'events' | 'secretSealed' | 'secretPrefix' | 'cursor' | 'createdById'> & {
    nextAttemptAt: Date;
    createdAt: Date;
  },
): Promise<WebhookRow> {
  return db.webhookEndpoint.create({ data: row });
}

/** Deletes an endpoint; false when it was already gone. */
export async function deleteWebhook(db: Db, accountId: string, id: string): Promise<boolean> {
  const { count } = await db.webhookEndpoint.deleteMany({ where: { accountId, id } });
  return count > 0;
}

/** The account's endpoints, oldest first, each with the events after its cursor. */
export async function listWebhooks(db: Db, accountId: string): Promise<WebhookListing[]> {
  const [rows, account] = await Promise.all([
    db.webhookEndpoint.findMany({ where: { accountId }, orderBy: { createdAt: 'asc' } }),
    db.account.findUnique({ where: { id: accountId }, select: { auditSeq: true } }),
  ]);
  const last = account?.auditSeq ?? 0n;
  return rows.map((row) => ({ ...row, waiting: last > row.cursor ? last - row.cursor : 0n }));
}

/**
 * Moves endpoints' cursors back to `cursor` (never forward) and makes them due now, unpausing them. The
 * lease stays with whoever holds it; the new generation refuses the holder's next write, so it stops
 * and gives the lease back, and the next holder starts from here.
 */
export async function rewindWebhooks(db: Db, accountId: string, ids: string[], cursor: bigint, now: Date): Promise<void> {
  await db.$executeRaw`
    UPDATE "WebhookEndpoint"
    SET "cursor" = LEAST("cursor", ${cursor}), "attempts" = 0, "failingSince" = NULL, "nextAttemptAt" = ${now},
      "pausedAt" = NULL, "generation" = "generation" + 1
    WHERE "accountId" = ${accountId} AND "id" = ANY(${ids}::text[])`;
}

/** Ends an endpoint's pause or wait: the next attempt is now, at the event it stopped on (a new generation, as a rewind). */
export async function resumeWebhook(db: Db, accountId: string, id: string, now: Date): Promise<void> {
  await db.webhookEndpoint.updateMany({
    where: { accountId, id },
    data: { pausedAt: null, attempts: 0, failingSince: null, nextAttemptAt: now, generation: { increment: 1 } },
  });
}

/** The number of the last event before `since` (0 when none): a cursor from which a replay sends what happened since. */
export async function lastEventBefore(db: Db, accountId: string, since: Date): Promise<bigint> {
  const [row] = await db.$queryRaw<{ first: bigint | null }[]>`
    SELECT min("accountSeq") AS "first" FROM "AuditEvent"
    WHERE "accountId" = ${accountId} AND "at" >= CAST(${since.toISOString()} AS timestamp(3))`;
  if (row?.first != null) return row.first - 1n;
  const [account] = await db.$queryRaw<{ last: bigint }[]>`SELECT "auditSeq" AS "last" FROM "Account" WHERE "id" = ${accountId}`;
  return account?.last ?? 0n;
}

/**
 * Leases up to `limit` endpoints with work: not paused, due, not leased by a live replica, and with
 * events after their cursor. Rows another replica is claiming are skipped, not waited for.
 */
export function claimDueWebhooks(
  db: Db,
  claim: { owner: string; now: Date; leaseUntil: Date; limit: number },
): Promise<WebhookRow[]> {
  return db.$queryRaw<WebhookRow[]>`
    UPDATE "WebhookEndpoint" w SET "leaseOwner" = ${claim.owner}, "leaseUntil" = ${claim.leaseUntil}
    WHERE w."id" IN (
      SELECT e."id" FROM "WebhookEndpoint" e JOIN "Account" a ON a."id" = e."accountId"
      WHERE e."pausedAt" IS NULL AND e."nextAttemptAt" <= ${claim.now}
        AND (e."leaseUntil" IS NULL OR e."leaseUntil" < ${claim.now}) AND a."auditSeq" > e."cursor"
      ORDER BY e."nextAttemptAt"
      LIMIT ${claim.limit}
      FOR UPDATE OF e SKIP LOCKED)
    RETURNING w.*`;
}

/** A replica's hold on an endpoint: its lease, for the generation it claimed. */
export interface WebhookLease {
  id: string;
  owner: string;
  generation: number;
}

/**
 * Records events up to `cursor` as delivered (or passed over) and renews the lease; false when the lease
 * was lost (it ran out and another replica took it) or the endpoint was rewound, resumed or removed.
 */
export async function advanceWebhook(
  db: Db,
  lease: WebhookLease,
  update: { cursor: bigint; leaseUntil: Date; delivered?: { at: Date; status: number } },
): Promise<boolean> {
  const { count } = await db.webhookEndpoint.updateMany({
    where: { id: lease.id, leaseOwner: lease.owner, generation: lease.generation },
    data: {
      cursor: update.cursor,
      leaseUntil: update.leaseUntil,
      attempts: 0,
      failingSince: null,
      lastError: null,
      ...(update.delivered ? { lastStatus: update.delivered.status, lastDeliveredAt: update.delivered.at } : {}),
    },
  });
  return count > 0;
}

/** Records a failed attempt and gives the lease back; with `pausedAt`, the endpoint is paused. False when the lease was lost. */
export async function recordWebhookFailure(
  db: Db,
  lease: WebhookLease,
  failure: {
    attempts: number;
    failingSince: Date;
    nextAttemptAt: Date;
    status: number | null;
    error: string;
    pausedAt: Date | null;
  },
): Promise<boolean> {
  const { count } = await db.webhookEndpoint.updateMany({
    where: { id: lease.id, leaseOwner: lease.owner, generation: lease.generation, pausedAt: null },
    data: {
      attempts: failure.attempts,
      failingSince: failure.failingSince,
      nextAttemptAt: failure.nextAttemptAt,
      lastStatus: failure.status,
      lastError: failure.error.slice(0, 500),
      pausedAt: failure.pausedAt,
      leaseOwner: null,
      leaseUntil: null,
    },
  });
  return count > 0;
}

/**
 * Gives a lease back, whatever the generation; `requeue` (a turn that ended with events left, or with
 * nothing left) puts the endpoint behind the others that are due, so every endpoint gets its turn.
 */
export async function releaseWebhook(db: Db, lease: WebhookLease, requeueAt?: Date): Promise<void> {
  await db.webhookEndpoint.updateMany({
    where: { id: lease.id, leaseOwner: lease.owner },
    data: { leaseOwner: null, leaseUntil: null, ...(requeueAt ? { nextAttemptAt: requeueAt } : {}) },
  });
}
