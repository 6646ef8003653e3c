/**
 * Reading approval requests (SPEC §5): one request with its decisions, the pending ones, and the
 * number of approvals a request has collected.
 */
import type { Prisma } from '../generated/client';
import type { ApprovalRequest } from '../records';
import type { Db, Tx } from '../tx';

/** A request with its decisions, oldest decision first. */
export type ApprovalRequestWithDecisions = Prisma.ApprovalRequestGetPayload<{
  include: { decisions: { orderBy: { createdAt: 'asc' } } };
}>;

/** A pending request as the list of pending requests needs it: enough to tell who may decide it. */
export type PendingApprovalRequest = Pick<ApprovalRequest, 'id' | 'requesterId' | 'action' | 'targetVersions'>;

/** The account's request `id` with its decisions, oldest first; null when there is none. */
export function findApprovalRequestWithDecisions(
  db: Db,
  accountId: string,
  id: string,
): Promise<ApprovalRequestWithDecisions | null> {
  return db.approvalRequest.findFirst({
    where: { id, accountId },
    include: { decisions: { orderBy: { createdAt: 'asc' } } },
  });
}

/** The request `id`; throws when there is none. */
export function getApprovalRequest(tx: Tx, id: string): Promise<ApprovalRequest> {
  return tx.approvalRequest.findUniqueOrThrow({ where: { id } });
}

/** The account's pending requests not expired at `now`, newest first, at most `limit`. */
export function listPendingApprovalRequests(
  db: Db,
  accountId: string,
  now: Date,
  limit: number,
): Promise<PendingApprovalRequest[]> {
  return db.approvalRequest.findMany({
    where: { accountId, status: 'pending', expiresAt: { gt: now } },
    orderBy: { createdAt: 'desc' },
    take: limit,
    select: { id: true, requesterId: true, action: true, targetVersions: true },
  });
}

/** How many approving decisions request `requestId` has. */
export function countApprovals(db: Db, requestId: string): Promise<number> {
  return db.approvalDecision.count({ where: { requestId, approve: true } });
}

/** The pending requests `requesterId` made, newest first, up to `limit`: what they wait on. */
export function findPendingRequestsBy(
  db: Db,
  accountId: string,
  requesterId: string,
  limit: number,
): Promise<Pick<ApprovalRequest, 'id' | 'summary' | 'createdAt' | 'expiresAt'>[]> {
  return db.approvalRequest.findMany({
    where: { accountId, requesterId, status: 'pending' },
    select: { id: true, summary: true, createdAt: true, expiresAt: true },
    orderBy: { createdAt: 'desc' },
    take: limit,
  });
}
