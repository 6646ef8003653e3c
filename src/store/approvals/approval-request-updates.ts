/**
 * Storing approval requests and their decisions (SPEC §5). Decisions on one request are serialised
 * by a row lock, and a request is settled by conditional updates, so the first decision wins.
 */
import type { ApprovalDecision, ApprovalRequest, ApprovalStatus, Json } from '../records';
import type { Db, Tx } from '../tx';

/** What a new request holds; it starts pending. */
export interface NewApprovalRequest {
  accountId: string;
  action: string;
  payload: Json;
  /** Target user id → version at request time. */
  targetVersions: Record<string, number>;
  summary: string;
  reason: string | null;
  requesterId: string;
  requesterSlackId: string | null;
  requiredApprovals: number;
  createdAt: Date;
  expiresAt: Date;
}

/** One approver's decision on a request. */
export interface NewApprovalDecision {
  requestId: string;
  approverId: string;
  approverEmail: string;
  approve: boolean;
  reason: string | null;
}

/** Stores a new pending request and returns it. */
export function insertApprovalRequest(db: Db, request: NewApprovalRequest): Promise<ApprovalRequest> {
  return db.approvalRequest.create({ data: request });
}

/** Remembers the channel and message a request was posted as. */
export async function attachApprovalMessage(db: Db, id: string, channelId: string, messageTs: string): Promise<void> {
  await db.approvalRequest.update({ where: { id }, data: { channelId, messageTs } });
}

/** Locks request `id` until the transaction ends, so decisions on it run one after another. */
export async function lockApprovalRequest(tx: Tx, id: string): Promise<void> {
  await tx.$queryRaw`SELECT id FROM "ApprovalRequest" WHERE id = ${id} FOR UPDATE`;
}

/** Marks request `id` expired at `now` if it is still pending. */
export async function expirePendingApprovalRequest(db: Db, id: string, now: Date): Promise<void> {
  await db.approvalRequest.updateMany({ where: { id, status: 'pending' }, data: { status: 'expired', decidedAt: now } });
}

/** Records a decision; fails on a unique violation when the approver already decided this request. */
export function insertApprovalDecision(db: Db, decision: NewApprovalDecision): Promise<ApprovalDecision> {
  return db.approvalDecision.create({ data: decision });
}

/** Rejects request `id` if it is still pending; how many requests it rejected (0 or 1). */
export async function rejectPendingApprovalRequest(db: Db, id: string, now: Date, outcome: string): Promise<number> {
  const { count } = await db.approvalRequest.updateMany({
    where: { id, status: 'pending' },
    data: { status: 'rejected', decidedAt: now, outcome },
  });
  return count;
}

/** Settles request `id` as `status` at `decidedAt`, with the outcome the requester reads. */
export async function settleApprovalRequest(
  db: Db,
  id: string,
  settlement: { status: ApprovalStatus; decidedAt: Date; outcome: string },
): Promise<void> {
  await db.approvalRequest.update({ where: { id }, data: settlement });
}

/** Marks where an approved change starts in the decision's transaction. */
export async function markApprovedChangeStart(tx: Tx): Promise<void> {
  await tx.$executeRawUnsafe('SAVEPOINT approved_change');
}

/** Undoes an approved change's writes back to its start, keeping the decision's transaction open. */
export async function undoApprovedChange(tx: Tx): Promise<void> {
  await tx.$executeRawUnsafe('ROLLBACK TO SAVEPOINT approved_change');
}
