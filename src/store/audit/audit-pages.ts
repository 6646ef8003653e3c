/**
 * The audit trail read in order of `accountSeq` (each account's events numbered in commit order by a
 * trigger, migration 20261206150000), a page after a cursor at a time: what the audit API pages and
 * streams. Keyset pages over the unique (accountId, accountSeq) index, so each costs the same however
 * deep into the trail it starts.
 */
import { Prisma } from '../generated/client';
import type { AuditSource } from '../records';
import type { Db } from '../tx';

const sql = Prisma.sql;

/** Which events to read: all of them unless narrowed. */
export interface AuditFilter {
  /** Events at or after this time. */
  since?: Date;
  /** Events before this time. */
  until?: Date;
  /** One action (`user.invited`), or with `prefix` every action that starts with it (`user.`). */
  action?: { value: string; prefix: boolean };
  /** Who acted: their e-mail (as recorded) or user id. */
  actor?: string;
  /** Whom it was about: their e-mail (as recorded) or user id. */
  target?: string;
}

/** An event as the audit API gives it. */
export interface AuditRecord {
  accountSeq: bigint;
  id: string;
  at: Date;
  action: string;
  actorUserId: string | null;
  actorEmail: string | null;
  actorSlackId: string | null;
  targetUserId: string | null;
  targetEmail: string | null;
  targetName: string | null;
  before: unknown;
  after: unknown;
  source: AuditSource;
  clientAddress: string | null;
}

/** Escapes LIKE's wildcards, so a prefix matches only itself. */
function likePrefix(prefix: string): string {
  return `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

function conditions(filter: AuditFilter): Prisma.Sql[] {
  const terms: Prisma.Sql[] = [];
  if (filter.since) terms.push(sql`"at" >= CAST(${filter.since.toISOString()} AS timestamp(3))`);
  if (filter.until) terms.push(sql`"at" < CAST(${filter.until.toISOString()} AS timestamp(3))`);
  if (filter.action) {
    terms.push(
      filter.action.prefix ? sql`"action" LIKE ${likePrefix(filter.action.value)}` : sql`"action" = ${filter.action.value}`,
    );
  }
  if (filter.actor) terms.push(sql`("actorEmail" = ${filter.actor} OR "actorUserId" = ${filter.actor})`);
  if (filter.target) terms.push(sql`("targetEmail" = ${filter.target} OR "targetUserId" = ${filter.target})`);
  return terms;
}

/**
 * The first `limit` events of the account with `after < accountSeq <= upTo` (no upper bound without
 * `upTo`) that pass `filter`, in order.
 */
export function readAuditPage(
  db: Db,
  accountId: string,
  page: { after: bigint; upTo?: bigint; limit: number; filter: AuditFilter },
): Promise<AuditRecord[]> {
  const terms = [
    sql`"accountId" = ${accountId}`,
    sql`"accountSeq" > ${page.after}`,
    ...(page.upTo === undefined ? [] : [sql`"accountSeq" <= ${page.upTo}`]),
    ...conditions(page.filter),
  ];
  return db.$queryRaw<AuditRecord[]>`
    SELECT "accountSeq", "id", "at", "action", "actorUserId", "actorEmail", "actorSlackId", "targetUserId",
      "targetEmail", "targetName", "before", "after", "source", "clientAddress"
    FROM "AuditEvent"
    WHERE ${Prisma.join(terms, ' AND ')}
    ORDER BY "accountSeq"
    LIMIT ${page.limit}`;
}

/** The number of the account's last audit event (0 before the first); committed events only. */
export async function lastAuditSeq(db: Db, accountId: string): Promise<bigint> {
  const [row] = await db.$queryRaw<{ last: bigint }[]>`SELECT "auditSeq" AS "last" FROM "Account" WHERE "id" = ${accountId}`;
  return row?.last ?? 0n;
}
