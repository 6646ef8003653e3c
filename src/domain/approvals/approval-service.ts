/**
 * Approvals (SPEC §5): a sensitive change is validated, stored as a request, and run as the
 * requester once enough other approvers approve. Decisions are claimed with conditional updates
 * so the first decision wins and a change runs exactly once, even across replicas.
 */

import { fail, RosterError } from '../../errors';
import {
  countApprovals,
  findApprovalRequestWithDecisions,
  getApprovalRequest,
  listPendingApprovalRequests,
} from '../../store/approvals/approval-request-reads';
import {
  attachApprovalMessage,
  expirePendingApprovalRequest,
  insertApprovalDecision,
  insertApprovalRequest,
  lockApprovalRequest,
  markApprovedChangeStart,
  rejectPendingApprovalRequest,
  settleApprovalRequest,
  undoApprovedChange,
} from '../../store/approvals/approval-request-updates';
import type { Json } from '../../store/records';
import { CHANGE_TRANSACTION, isUniqueViolation, type Store, type Tx, transaction } from '../../store/tx';
import { findApproverCandidates, findUserEmail, findUserVersions } from '../../store/users/approver-reads';
import { type Actor, can, requirePermission } from '../access/actor';
import type { AuditService } from '../audit/audit-service';
import { onlyAdminsDecide, targetsMayNotDecide } from '../changes/approval-policy';
import { addHours, type Clock } from '../clock';
import { formatWhen } from '../format-when';
import { ADMIN_ROLE, type ApprovalAction } from '../roles/catalog';
import type { MultipleRoles } from '../roles/precedence';
import { mayApprove } from './may-approve';

/** Someone who may decide a request, and how to mention them. */
export interface Approver {
  email: string;
  slackUserId: string | null;
}

/** A validated change to store as a request: what it is, what the approver reads, whom it touches. */
export interface NewRequest {
  action: ApprovalAction;
  requiredApprovals: number;
  payload: Json;
  summary: string;
  /** Users the change touches; a change to any of them before the decision makes the request stale. */
  targetUserIds: string[];
  /** Users who may not decide it: the requester, and the targets of a grant of admin permissions. */
  excludedApprovers: string[];
  reason: string | null;
}

/** Runs an approved change inside the decision's transaction; `deliver` runs after the commit. */
export type ApprovedChangeRunner = (
  tx: Tx,
  requesterId: string,
  payload: unknown,
) => Promise<{ outcome: string; deliver?: () => Promise<unknown> }>;

export interface ApprovalRequestView {
  id: string;
  action: string;
  summary: string;
  reason: string | null;
  requesterEmail: string;
  requesterSlackId: string | null;
  requiredApprovals: number;
  approvals: { email: string; at: Date }[];
  status: string;
  outcome: string | null;
  createdAt: Date;
  expiresAt: Date;
  decidedAt: Date | null;
  channelId: string | null;
  messageTs: string | null;
}

export type DecisionResult =
  | { kind: 'waiting'; request: ApprovalRequestView }
  | { kind: 'rejected'; request: ApprovalRequestView }
  | { kind: 'stale'; request: ApprovalRequestView }
  | { kind: 'executed'; request: ApprovalRequestView; outcome: string }
  | { kind: 'failed'; request: ApprovalRequestView; outcome: string };

export type ApprovalService = ReturnType<typeof createApprovalService>;

export function createApprovalService(deps: {
  prisma: Store;
  accountId: string;
  clock: Clock;
  audit: AuditService;
  ttlHours: number;
  /** How several roles combine (catalog policy); decides who may approve. */
  multipleRoles?: MultipleRoles;
}) {
  const { prisma, accountId, clock, audit } = deps;

  async function view(id: string): Promise<ApprovalRequestView> {
    const request = await findApprovalRequestWithDecisions(prisma, accountId, id);
    if (!request) throw fail.notFound('That approval request no longer exists.');
    const requester = await findUserEmail(prisma, request.requesterId);
    return {
      id: request.id,
      action: request.action,
      summary: request.summary,
      reason: request.reason,
      requesterEmail: requester?.email ?? 'a deleted user',
      requesterSlackId: request.requesterSlackId,
      requiredApprovals: request.requiredApprovals,
      approvals: request.decisions.filter((d) => d.approve).map((d) => ({ email: d.approverEmail, at: d.createdAt })),
      status: request.status,
      outcome: request.outcome,
      createdAt: request.createdAt,
      expiresAt: request.expiresAt,
      decidedAt: request.decidedAt,
      channelId: request.channelId,
      messageTs: request.messageTs,
    };
  }

  /** Active users other than `except` who hold approvals:approve (and, for `action`s only Admins decide, are Admins). */
  async function approversOtherThan(except: string[], action?: string): Promise<Approver[]> {
    const candidates = await findApproverCandidates(prisma, accountId, {
      except,
      ...(action && onlyAdminsDecide(action) ? { withRole: ADMIN_ROLE } : {}),
    });
    return candidates
      .filter((user) => mayApprove(user, deps.multipleRoles ?? 'highest'))
      .map(({ email, slackUserId }) => ({ email, slackUserId }));
  }

  /** Whether `userId` may not decide the request: its requester, or a user a grant of admin permissions empowers. */
  function excludes(request: { requesterId: string; action: string; targetVersions: unknown }, userId: string | null): boolean {
    if (!userId || request.requesterId === userId) return true;
    return targetsMayNotDecide(request.action) && userId in (request.targetVersions as Record<string, number>);
  }

  async function alreadyDecided(id: string): Promise<RosterError> {
    const request = await view(id);
    const last = request.approvals.at(-1);
    const who =
      request.status === 'approved' && last
        ? `approved by ${last.email} at ${formatWhen(last.at)}`
        : request.status === 'expired'
          ? `expired at ${formatWhen(request.expiresAt)}`
          : `${request.status}${request.decidedAt ? ` at ${formatWhen(request.decidedAt)}` : ''}`;
    return new RosterError('already_decided', `This request was already ${who}.`);
  }

  async function versionsOf(userIds: string[]): Promise<Record<string, number>> {
    const users = await findUserVersions(prisma, userIds);
    return Object.fromEntries(users.map((u) => [u.id, u.version]));
  }

  /** Refuses the requester, non-approvers and late clicks; returns the request to show in the modal. */
  async function prepareDecision(approver: Actor, id: string): Promise<ApprovalRequestView> {
    requirePermission(approver, 'approvals:approve');
    const request = await findApprovalRequestWithDecisions(prisma, accountId, id);
    if (!request) throw fail.notFound('That approval request no longer exists.');
    if (request.requesterId === approver.userId) {
      throw fail.forbidden('You asked for this change, so someone else must decide on it.');
    }
    if (request.status !== 'pending') throw await alreadyDecided(id);
    if (request.requesterId !== approver.userId && excludes(request, approver.userId)) {
      throw fail.forbidden(
        request.action === 'grant-admin'
          ? 'This request grants you admin permissions, so someone else must decide on it.'
          : 'This request changes who owns the account, and you are one of the two owners, so someone else must decide on it.',
      );
    }
    if (onlyAdminsDecide(request.action) && !approver.roleKeys.includes(ADMIN_ROLE)) {
      throw fail.forbidden('Only an Admin can decide on this request.');
    }
    if (request.decisions.some((d) => d.approverId === approver.userId)) {
      throw new RosterError('already_decided', 'You already approved this request; it is waiting for another approver.');
    }
    return view(id);
  }

  return {
    view,
    approversOtherThan,
    /** Stores a validated change as a pending request; the caller posts it to the channel. */
    async request(requester: Actor, input: NewRequest): Promise<{ request: ApprovalRequestView; approvers: Approver[] }> {
      const approvers = await approversOtherThan(input.excludedApprovers, input.action);
      if (approvers.length < input.requiredApprovals) {
        throw fail.forbidden(
          onlyAdminsDecide(input.action)
            ? `This change needs the approval of ${input.requiredApprovals === 1 ? 'a second active Admin' : `${input.requiredApprovals} other active Admins`}, and there is none. On the server, run \`npm run recover-owner -- --email <address>\` instead.`
            : 'This change needs approval, but nobody else may approve it. The account owner can make one first co-approver (an Admin) without an approval, once: `/users first-approver <who>`; it is announced in the approvals channel.',
        );
      }
      const { action, summary, reason } = input;
      const now = clock.now();
      const targetVersions = await versionsOf(input.targetUserIds);
      const created = await transaction(prisma, async (tx) => {
        const request = await insertApprovalRequest(tx, {
          accountId,
          action,
          payload: input.payload,
          targetVersions,
          summary,
          reason,
          requesterId: requester.userId as string,
          requesterSlackId: requester.slackUserId ?? null,
          requiredApprovals: input.requiredApprovals,
          createdAt: now,
          expiresAt: addHours(now, deps.ttlHours),
        });
        await audit.record(tx, requester, {
          action: 'approval.requested',
          after: { request: request.id, action, summary, reason },
        });
        return request;
      });
      return { request: await view(created.id), approvers };
    },

    /** Remembers where the request was posted, so decisions and expiry can update it. */
    async attachMessage(id: string, channelId: string, messageTs: string): Promise<void> {
      await attachApprovalMessage(prisma, id, channelId, messageTs);
    },

    prepareDecision,

    /**
     * Records a decision; the first that settles the request wins, and an approved change runs once,
     * by `run` (the change layer's replay, which calls this: `changes.decide`).
     */
    async decide(
      approver: Actor,
      id: string,
      decision: { approve: boolean; reason?: string | null },
      run: ApprovedChangeRunner,
    ): Promise<DecisionResult> {
      await prepareDecision(approver, id);
      const reason = decision.reason?.trim() || null;
      if (!decision.approve && !reason) {
        throw fail.badInput('Say why you reject it; the requester will read it.', { field: 'reason' });
      }
      const now = clock.now();
      const settled = await transaction(
        prisma,
        async (tx) => {
          // Serialise decisions on one request: the count of approvals and the claim must see each other.
          await lockApprovalRequest(tx, id);
          const request = await getApprovalRequest(tx, id);
          if (request.status !== 'pending') return 'lost' as const;
          if (request.expiresAt <= now) {
            await expirePendingApprovalRequest(tx, id, now);
            return 'expired' as const;
          }
          try {
            await insertApprovalDecision(tx, {
              requestId: id,
              approverId: approver.userId as string,
              approverEmail: approver.email,
              approve: decision.approve,
              reason,
            });
          } catch (error) {
            if (isUniqueViolation(error)) return 'duplicate' as const;
            throw error;
          }
          await audit.record(tx, approver, {
            action: decision.approve ? 'approval.approved' : 'approval.rejected',
            after: { request: id, action: request.action, summary: request.summary, reason },
          });
          if (!decision.approve) {
            const claimed = await rejectPendingApprovalRequest(tx, id, now, `Rejected by ${approver.email}: ${reason}`);
            return claimed === 1 ? ('rejected' as const) : ('lost' as const);
          }
          const approvals = await countApprovals(tx, id);
          if (approvals < request.requiredApprovals) return 'waiting' as const;
          const versions = request.targetVersions as Record<string, number>;
          const current = await findUserVersions(tx, Object.keys(versions));
          const stale =
            current.length !== Object.keys(versions).length || current.some((user) => versions[user.id] !== user.version);
          if (stale) {
            await settleApprovalRequest(tx, id, {
              status: 'stale',
              decidedAt: now,
              outcome: 'The users it touches changed after the request; nothing was run.',
            });
            return 'stale' as const;
          }
          // The change runs in this transaction: approved and executed commit together, or neither does.
          // A refusal rolls back to the savepoint and leaves the request failed with the reason.
          await markApprovedChangeStart(tx);
          try {
            const ran = await run(tx, request.requesterId, request.payload);
            await settleApprovalRequest(tx, id, { status: 'approved', decidedAt: now, outcome: ran.outcome });
            return { deliver: ran.deliver };
          } catch (error) {
            if (!(error instanceof RosterError)) throw error;
            await undoApprovedChange(tx);
            await settleApprovalRequest(tx, id, { status: 'failed', decidedAt: now, outcome: error.message });
            return 'failed' as const;
          }
        },
        CHANGE_TRANSACTION,
      );

      if (settled === 'expired' || settled === 'lost') throw await alreadyDecided(id);
      if (settled === 'duplicate') throw new RosterError('already_decided', 'You already decided on this request.');
      if (settled === 'waiting') return { kind: 'waiting', request: await view(id) };
      if (settled === 'rejected') return { kind: 'rejected', request: await view(id) };
      if (settled === 'stale') return { kind: 'stale', request: await view(id) };
      if (settled === 'failed') {
        const request = await view(id);
        return { kind: 'failed', request, outcome: request.outcome ?? '' };
      }
      // Deliveries (a passcode's DM) happen after the commit and never undo it.
      await settled.deliver?.().catch(() => undefined);
      const request = await view(id);
      return { kind: 'executed', request, outcome: request.outcome ?? '' };
    },

    /** Pending requests, newest first; with `approver`, only those they may decide. */
    async pending(approver?: Actor): Promise<ApprovalRequestView[]> {
      const rows = await listPendingApprovalRequests(prisma, accountId, clock.now(), 50);
      const mayDecide = (approver: Actor, row: (typeof rows)[number]) =>
        can(approver, 'approvals:approve') &&
        !excludes(row, approver.userId) &&
        (!onlyAdminsDecide(row.action) || approver.roleKeys.includes(ADMIN_ROLE));
      const visible = approver ? rows.filter((row) => mayDecide(approver, row)) : rows;
      return Promise.all(visible.map((r) => view(r.id)));
    },
  };
}
