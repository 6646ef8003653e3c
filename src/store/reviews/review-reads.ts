/**
 * Reading access reviews: who in the directory is under a scope and what they hold (a campaign's
 * rows as it starts), campaigns by id or number, a reviewer's page of rows, progress per reviewer,
 * and every row of a campaign for its report.
 */
import type { Prisma, ReviewCampaign, ReviewRow } from '../generated/client';
import type { Db } from '../tx';

export type { ReviewCampaign, ReviewRow };

/** One user's access under a scope, as it stands: what a review row is made of. */
export interface ReviewSubject {
  userId: string;
  email: string;
  name: string | null;
  access: string;
  /** The group's or partner's id behind a group or partner-scoped row. */
  accessId: string | null;
  lastLoginAt: Date | null;
  invitedById: string | null;
  invitedByEmail: string | null;
  invitedAt: Date | null;
}

/** A campaign's row as `createCampaign` inserts it: a subject as found, its place, and its reviewer. */
export type NewReviewRow = Omit<ReviewSubject, 'invitedById'> & { position: number; reviewerId: string; reviewerEmail: string };

/** The scope as the store matches it (keys and names lower-cased by the caller where case does not count). */
export interface SubjectScope {
  roles: string[];
  perms: string[];
  /** Lower-cased group names. */
  groups: string[];
  /** Lower-cased partner names: holders of a scoped role with that scope. */
  partners: string[];
  everyone: boolean;
}

/**
 * Every active user's access under `scope`, by e-mail then access: each role (with its
 * scope) among `roles` or scoped to one of `partners`, each extra permission among `perms`, each
 * membership of a group among `groups`, and with `everyone` the account access of every such user.
 * One statement, over the indexes of what it asks for.
 */
export function findReviewSubjects(db: Db, accountId: string, scope: SubjectScope): Promise<ReviewSubject[]> {
  return db.$queryRaw<ReviewSubject[]>`
    WITH subject AS (
      SELECT ur."userId", 'role:' || r."key" || CASE WHEN ur."scope" IS NULL THEN '' ELSE '=' || ur."scope" END AS "access",
        (SELECT p."id" FROM "Partner" p WHERE ur."scope" IS NOT NULL AND p."accountId" = r."accountId" AND p."nameKey" = ur."scopeKey") AS "accessId"
      FROM "Role" r JOIN "UserRole" ur ON ur."roleId" = r."id"
      WHERE r."accountId" = ${accountId}
        AND (r."key" = ANY(${scope.roles}::text[]) OR (ur."scope" IS NOT NULL AND ur."scopeKey" = ANY(${scope.partners}::text[])))
      UNION ALL
      SELECT u."id", 'perm:' || p.perm, NULL::text FROM "User" u CROSS JOIN LATERAL unnest(u."extraPermissions") AS p(perm)
      WHERE cardinality(${scope.perms}::text[]) > 0 AND u."accountId" = ${accountId} AND p.perm = ANY(${scope.perms}::text[])
      UNION ALL
      SELECT m."userId", 'group:' || g."name", g."id" FROM "Group" g JOIN "GroupMembership" m ON m."groupId" = g."id"
      WHERE g."accountId" = ${accountId} AND lower(g."name") = ANY(${scope.groups}::text[])
      UNION ALL
      SELECT u."id", 'account', NULL::text FROM "User" u WHERE ${scope.everyone} AND u."accountId" = ${accountId}
    )
    SELECT u."id" AS "userId", u."email", u."name", s."access", s."accessId", u."lastLoginAt", u."invitedById",
      i."email" AS "invitedByEmail", u."invitedAt"
    FROM subject s
    -- Each subject's user by primary key, in a subquery the planner keeps: without statistics (the
    -- embedded store is never analysed; PostgreSQL right after a bulk load) it would otherwise expect one
    -- active user and run the whole subject query once per user (227 s at 10 000 users, 0.1 s so).
    CROSS JOIN LATERAL (SELECT * FROM "User" x WHERE x."id" = s."userId" OFFSET 0) u
    LEFT JOIN "User" i ON i."id" = u."invitedById"
    WHERE u."accountId" = ${accountId} AND u."status" = 'active'
    ORDER BY u."email", s."access"`;
}

/** The account's campaign with this id or number; null when there is none. */
export function findCampaign(
  db: Db,
  accountId: string,
  key: { id: string } | { number: number },
): Promise<ReviewCampaign | null> {
  return db.reviewCampaign.findFirst({ where: { accountId, ...key } });
}

/** The account's campaigns, newest first: the open ones, or the latest `take` of all. */
export function listCampaigns(db: Db, accountId: string, options: { open?: boolean; take: number }): Promise<ReviewCampaign[]> {
  return db.reviewCampaign.findMany({
    where: { accountId, ...(options.open ? { status: 'open' } : {}) },
    orderBy: { number: 'desc' },
    take: options.take,
  });
}

/** The next campaign number of the account (under the account lock). */
export async function nextCampaignNumber(db: Db, accountId: string): Promise<number> {
  const last = await db.reviewCampaign.aggregate({ where: { accountId }, _max: { number: true } });
  return (last._max.number ?? 0) + 1;
}

/** How far one reviewer of a campaign is: rows in all, still open, and open ones waiting for an approval. */
export interface ReviewerProgress {
  reviewerId: string | null;
  reviewerEmail: string;
  total: number;
  open: number;
  awaiting: number;
}

/** Progress per reviewer of a campaign, by reviewer e-mail. */
export async function findReviewerProgress(db: Db, campaignId: string): Promise<ReviewerProgress[]> {
  const rows = await db.$queryRaw<
    { reviewerId: string | null; reviewerEmail: string; total: bigint; open: bigint; awaiting: bigint }[]
  >`
    SELECT r."reviewerId", r."reviewerEmail", count(*) AS "total",
      count(*) FILTER (WHERE r."decision" IS NULL) AS "open",
      count(*) FILTER (WHERE r."decision" IS NULL AND a."status" = 'pending') AS "awaiting"
    FROM "ReviewRow" r LEFT JOIN "ApprovalRequest" a ON a."id" = r."requestId"
    WHERE r."campaignId" = ${campaignId}
    GROUP BY r."reviewerId", r."reviewerEmail" ORDER BY r."reviewerEmail"`;
  return rows.map((row) => ({ ...row, total: Number(row.total), open: Number(row.open), awaiting: Number(row.awaiting) }));
}

/** A row with the state of the approval request it waits for, if any. */
export type ReviewRowView = ReviewRow & { requestStatus: string | null };

const withRequest = (rows: ReviewRow[], statuses: Map<string, string>): ReviewRowView[] =>
  rows.map((row) => ({ ...row, requestStatus: row.requestId ? (statuses.get(row.requestId) ?? null) : null }));

async function requestStatuses(db: Db, rows: ReviewRow[]): Promise<Map<string, string>> {
  const ids = rows.flatMap((row) => (row.requestId ? [row.requestId] : []));
  if (ids.length === 0) return new Map();
  const requests = await db.approvalRequest.findMany({ where: { id: { in: ids } }, select: { id: true, status: true } });
  return new Map(requests.map((request) => [request.id, request.status]));
}

/** One page of a reviewer's open rows in a campaign, in campaign order, and how many are open in all. */
export async function findReviewerPage(
  db: Db,
  campaignId: string,
  reviewerId: string,
  page: { skip: number; take: number },
): Promise<{ rows: ReviewRowView[]; open: number }> {
  const where: Prisma.ReviewRowWhereInput = { campaignId, reviewerId, decision: null };
  const [rows, open] = await Promise.all([
    db.reviewRow.findMany({ where, orderBy: { position: 'asc' }, skip: page.skip, take: page.take }),
    db.reviewRow.count({ where }),
  ]);
  return { rows: withRequest(rows, await requestStatuses(db, rows)), open };
}

/** The open campaigns in which `reviewerId` has open rows, with how many. */
export async function findCampaignsWaitingFor(
  db: Db,
  accountId: string,
  reviewerId: string,
): Promise<(ReviewCampaign & { open: number })[]> {
  const counts = await db.reviewRow.groupBy({
    by: ['campaignId'],
    where: { accountId, reviewerId, decision: null, campaign: { status: 'open' } },
    _count: { _all: true },
  });
  if (counts.length === 0) return [];
  const campaigns = await db.reviewCampaign.findMany({
    where: { id: { in: counts.map((c) => c.campaignId) } },
    orderBy: { dueAt: 'asc' },
  });
  const open = new Map(counts.map((c) => [c.campaignId, c._count._all]));
  return campaigns.map((campaign) => ({ ...campaign, open: open.get(campaign.id) ?? 0 }));
}

/** These rows of a campaign, in campaign order. */
export function findRows(db: Db, campaignId: string, ids: string[]): Promise<ReviewRow[]> {
  return db.reviewRow.findMany({ where: { campaignId, id: { in: ids } }, orderBy: { position: 'asc' } });
}

/** A campaign's open rows, in campaign order, from `after` on (keyset paging for the overdue rule). */
export function findOpenRows(db: Db, campaignId: string, after: number, take: number): Promise<ReviewRow[]> {
  return db.reviewRow.findMany({
    where: { campaignId, decision: null, position: { gt: after } },
    orderBy: { position: 'asc' },
    take,
  });
}

/** Whether a campaign still has an open row. */
export async function hasOpenRows(db: Db, campaignId: string): Promise<boolean> {
  return (await db.reviewRow.findFirst({ where: { campaignId, decision: null }, select: { id: true } })) !== null;
}

/** Every row of a campaign in order, with the state of the approval each waited for: the report. */
export async function findReportRows(db: Db, campaignId: string): Promise<ReviewRowView[]> {
  const rows = await db.reviewRow.findMany({ where: { campaignId }, orderBy: { position: 'asc' } });
  return withRequest(rows, await requestStatuses(db, rows));
}

/** A person who may review: id, address and Slack link. */
export interface ReviewerContact {
  id: string;
  email: string;
  slackUserId: string | null;
}

/** Those of `ids` who are active users of the account. */
export function findActiveContacts(db: Db, accountId: string, ids: string[]): Promise<ReviewerContact[]> {
  if (ids.length === 0) return Promise.resolve([]);
  return db.user.findMany({
    where: { accountId, id: { in: ids }, status: 'active' },
    select: { id: true, email: true, slackUserId: true },
  });
}

/** The account's active holders of the role `roleKey`, by e-mail. */
export function findActiveRoleHolders(db: Db, accountId: string, roleKey: string): Promise<ReviewerContact[]> {
  return db.user.findMany({
    where: { accountId, status: 'active', roles: { some: { role: { key: roleKey } } } },
    select: { id: true, email: true, slackUserId: true },
    orderBy: { email: 'asc' },
  });
}

/** The names of the account's groups. */
export async function listGroupNames(db: Db, accountId: string): Promise<string[]> {
  const groups = await db.group.findMany({ where: { accountId }, select: { name: true } });
  return groups.map((group) => group.name);
}

/** Every row still open for `reviewerId` in a campaign, in campaign order. */
export function findOpenRowsOf(db: Db, campaignId: string, reviewerId: string): Promise<ReviewRow[]> {
  return db.reviewRow.findMany({ where: { campaignId, reviewerId, decision: null }, orderBy: { position: 'asc' } });
}

/** Open campaigns past due whose rule removes what is still open. */
export function findOverdueRevokeCampaigns(db: Db, accountId: string, now: Date): Promise<ReviewCampaign[]> {
  return db.reviewCampaign.findMany({
    where: { accountId, status: 'open', onOverdue: 'revoke-access', dueAt: { lte: now } },
    orderBy: { dueAt: 'asc' },
  });
}

/** The account's campaign started for a scheduled review's period (`name@n`), if any. */
export function findCampaignOfPeriod(db: Db, accountId: string, periodKey: string): Promise<ReviewCampaign | null> {
  return db.reviewCampaign.findUnique({ where: { accountId_periodKey: { accountId, periodKey } } });
}

/** Those of these approval requests still pending. */
export async function findPendingRequestIds(db: Db, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const pending = await db.approvalRequest.findMany({ where: { id: { in: ids }, status: 'pending' }, select: { id: true } });
  return new Set(pending.map((request) => request.id));
}

/** The current name of the account's partner `id`; null when it is gone. */
export async function findPartnerName(db: Db, accountId: string, id: string): Promise<string | null> {
  return (await db.partner.findFirst({ where: { accountId, id }, select: { name: true } }))?.name ?? null;
}

/** The account's review row `id`; null when there is none. */
export function findRowById(db: Db, accountId: string, id: string): Promise<ReviewRow | null> {
  return db.reviewRow.findFirst({ where: { id, accountId } });
}

/** The reviewer (id and address as the rows keep them) of open rows at `email` in a campaign; null when none. */
export async function findReviewerOfOpenRows(
  db: Db,
  campaignId: string,
  email: string,
): Promise<{ id: string; email: string } | null> {
  const row = await db.reviewRow.findFirst({
    where: { campaignId, reviewerEmail: email, decision: null, reviewerId: { not: null } },
    select: { reviewerId: true, reviewerEmail: true },
  });
  return row?.reviewerId ? { id: row.reviewerId, email: row.reviewerEmail } : null;
}
