/**
 * Approvals (SPEC §5): a sensitive change is validated, stored as a request, and run as the
 * requester once enough other approvers approve. Decisions are claimed with conditional updates
 * so the first decision wins and a change runs exactly once, even across replicas.
 */

import { fail, RosterError } from '../../errors';
import type { Prisma, PrismaClient } from '../../store/generated/client';
import { type Actor, can, requirePermission } from '../access/actor';
import type { AuditService } from '../audit/audit-service';
import { addHours, type Clock } from '../clock';
import { formatWhen } from '../format-when';
import { ALL_PERMISSIONS, type ApprovalAction, type Policy } from '../roles/catalog';

/** A change that can wait for approval: how to check it now and how to run it later. */
export interface ApprovalExecutor {
  /** Refuses (throws a RosterError) if the change would fail now; otherwise describes it. */
  check(requester: Actor, input: Prisma.InputJsonValue): Promise<ChangePreview>;
  /** Runs the change as the requester; returns the sentence that reports the result. */
  run(requester: Actor, input: Prisma.InputJsonValue): Promise<string>;
}

/** What an approver reads: what changes (before → after) and whom it touches. */
export interface ChangePreview {
  summary: string;
  /** Users the change touches; a change to any of them before the decision makes the request stale. */
  targetUserIds: string[];
}

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
  prisma: PrismaClient;
  accountId: string;
  clock: Clock;
  audit: AuditService;
  policy: Policy['approvals'];
  /** Approvals are off without a channel. */
  enabled: boolean;
  executors: Partial<Record<ApprovalAction, ApprovalExecutor>>;
  /** Re-resolves the requester as the directory has them now. */
  actorById: (userId: string) => Promise<Actor>;
}) {
  const { prisma, accountId, clock, audit } = deps;
  const include = { decisions: { orderBy: { createdAt: 'asc' } } } as const;

  function executor(action: string): ApprovalExecutor {
    const found = deps.executors[action as ApprovalAction];
    if (!found) throw fail.invalidState(`Roster cannot run \`${action}\` approvals.`);
    return found;
  }

  async function view(id: string): Promise<ApprovalRequestView> {
    const request = await prisma.approvalRequest.findFirst({ where: { id, accountId }, include });
    if (!request) throw fail.notFound('That approval request no longer exists.');
    const requester = await prisma.user.findUnique({ where: { id: request.requesterId }, select: { email: true } });
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

  /** Active users other than `exceptUserId` who hold approvals:approve. */
  async function approversOtherThan(exceptUserId: string | null): Promise<{ email: string; slackUserId: string | null }[]> {
    const candidates = await prisma.user.findMany({
      where: { accountId, status: 'active', ...(exceptUserId ? { id: { not: exceptUserId } } : {}) },
      select: {
        email: true,
        slackUserId: true,
        extraPermissions: true,
        roles: { select: { role: { select: { permissions: true } } } },
      },
    });
    return candidates
      .filter(
        (user) =>
          user.extraPermissions.includes('approvals:approve') ||
          user.roles.some(
            ({ role }) => role.permissions.includes(ALL_PERMISSIONS) || role.permissions.includes('approvals:approve'),
          ),
      )
      .map(({ email, slackUserId }) => ({ email, slackUserId }));
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
    const users = await prisma.user.findMany({ where: { id: { in: userIds } }, select: { id: true, version: true } });
    return Object.fromEntries(users.map((u) => [u.id, u.version]));
  }

  /** Refuses the requester, non-approvers and late clicks; returns the request to show in the modal. */
  async function prepareDecision(approver: Actor, id: string): Promise<ApprovalRequestView> {
    requirePermission(approver, 'approvals:approve');
    const request = await prisma.approvalRequest.findFirst({ where: { id, accountId }, include });
    if (!request) throw fail.notFound('That approval request no longer exists.');
    if (request.requesterId === approver.userId) {
      throw fail.forbidden('You asked for this change, so someone else must decide on it.');
    }
    if (request.status !== 'pending') throw await alreadyDecided(id);
    if (request.decisions.some((d) => d.approverId === approver.userId)) {
      throw new RosterError('already_decided', 'You already approved this request; it is waiting for another approver.');
    }
    return view(id);
  }

  async function execute(requestId: string): Promise<DecisionResult> {
    const request = await prisma.approvalRequest.findUniqueOrThrow({ where: { id: requestId } });
    let outcome: string;
    let status: 'approved' | 'failed';
    try {
      const requester = await deps.actorById(request.requesterId);
      outcome = await executor(request.action).run(
        { ...requester, source: 'approval' },
        request.payload as Prisma.InputJsonValue,
      );
      status = 'approved';
    } catch (error) {
      outcome = error instanceof RosterError ? error.message : 'The change failed unexpectedly; nothing was changed.';
      status = 'failed';
    }
    await prisma.approvalRequest.update({ where: { id: requestId }, data: { status, outcome } });
    return status === 'approved'
      ? { kind: 'executed', request: await view(requestId), outcome }
      : { kind: 'failed', request: await view(requestId), outcome };
  }

  return {
    view,
    approversOtherThan,
    /** Bulk changes touching more users than this need approval (when `bulk` is in the policy). */
    bulkThreshold: deps.policy.bulkThreshold,
    /** Passcodes longer than this many days need approval (when `passcode-long` is in the policy). */
    passcodeMaxDays: deps.policy.passcodeMaxDays,

    /** Whether an action must wait for approval (off without an approvals channel). */
    required(action: ApprovalAction): boolean {
      return deps.enabled && deps.policy.actions[action] !== undefined;
    },

    /** Checks the change now, then stores it as a pending request; the caller posts it to the channel. */
    async request(
      requester: Actor,
      action: ApprovalAction,
      input: Prisma.InputJsonValue,
      reason: string | null,
    ): Promise<{ request: ApprovalRequestView; approvers: { email: string; slackUserId: string | null }[] }> {
      const preview = await executor(action).check(requester, input);
      const approvers = await approversOtherThan(requester.userId);
      if (approvers.length === 0) {
        throw fail.forbidden(
          'This change needs approval, but nobody else may approve it. Ask an Admin to grant `approvals:approve` to a second person.',
        );
      }
      const now = clock.now();
      const targetVersions = await versionsOf(preview.targetUserIds);
      const created = await prisma.$transaction(async (tx) => {
        const request = await tx.approvalRequest.create({
          data: {
            accountId,
            action,
            payload: input,
            targetVersions,
            summary: preview.summary,
            reason,
            requesterId: requester.userId as string,
            requesterSlackId: requester.slackUserId ?? null,
            requiredApprovals: deps.policy.actions[action]?.approvals ?? 1,
            createdAt: now,
            expiresAt: addHours(now, deps.policy.ttlHours),
          },
        });
        await audit.record(tx, requester, {
          action: 'approval.requested',
          after: { request: request.id, action, summary: preview.summary, reason },
        });
        return request;
      });
      return { request: await view(created.id), approvers };
    },

    /** Remembers where the request was posted, so decisions and expiry can update it. */
    async attachMessage(id: string, channelId: string, messageTs: string): Promise<void> {
      await prisma.approvalRequest.update({ where: { id }, data: { channelId, messageTs } });
    },

    prepareDecision,

    /** Records a decision; the first that settles the request wins, and an approved change runs once. */
    async decide(approver: Actor, id: string, decision: { approve: boolean; reason?: string | null }): Promise<DecisionResult> {
      await prepareDecision(approver, id);
      const reason = decision.reason?.trim() || null;
      if (!decision.approve && !reason) {
        throw fail.badInput('Say why you reject it; the requester will read it.', { field: 'reason' });
      }
      const now = clock.now();
      const settled = await prisma.$transaction(async (tx) => {
        // Serialise decisions on one request: the count of approvals and the claim must see each other.
        await tx.$queryRaw`SELECT id FROM "ApprovalRequest" WHERE id = ${id} FOR UPDATE`;
        const request = await tx.approvalRequest.findUniqueOrThrow({ where: { id } });
        if (request.status !== 'pending') return 'lost' as const;
        if (request.expiresAt <= now) {
          await tx.approvalRequest.updateMany({ where: { id, status: 'pending' }, data: { status: 'expired', decidedAt: now } });
          return 'expired' as const;
        }
        try {
          await tx.approvalDecision.create({
            data: {
              requestId: id,
              approverId: approver.userId as string,
              approverEmail: approver.email,
              approve: decision.approve,
              reason,
            },
          });
        } catch (error) {
          if ((error as { code?: string }).code === 'P2002') return 'duplicate' as const;
          throw error;
        }
        await audit.record(tx, approver, {
          action: decision.approve ? 'approval.approved' : 'approval.rejected',
          after: { request: id, action: request.action, summary: request.summary, reason },
        });
        if (!decision.approve) {
          const claimed = await tx.approvalRequest.updateMany({
            where: { id, status: 'pending' },
            data: { status: 'rejected', decidedAt: now, outcome: `Rejected by ${approver.email}: ${reason}` },
          });
          return claimed.count === 1 ? ('rejected' as const) : ('lost' as const);
        }
        const approvals = await tx.approvalDecision.count({ where: { requestId: id, approve: true } });
        if (approvals < request.requiredApprovals) return 'waiting' as const;
        const versions = request.targetVersions as Record<string, number>;
        const current = await tx.user.findMany({
          where: { id: { in: Object.keys(versions) } },
          select: { id: true, version: true },
        });
        const stale =
          current.length !== Object.keys(versions).length || current.some((user) => versions[user.id] !== user.version);
        const claimed = await tx.approvalRequest.updateMany({
          where: { id, status: 'pending' },
          data: stale
            ? { status: 'stale', decidedAt: now, outcome: 'The users it touches changed after the request; nothing was run.' }
            : { status: 'approved', decidedAt: now },
        });
        if (claimed.count === 0) return 'lost' as const;
        return stale ? ('stale' as const) : ('approved' as const);
      });

      if (settled === 'expired' || settled === 'lost') throw await alreadyDecided(id);
      if (settled === 'duplicate') throw new RosterError('already_decided', 'You already decided on this request.');
      if (settled === 'waiting') return { kind: 'waiting', request: await view(id) };
      if (settled === 'rejected') return { kind: 'rejected', request: await view(id) };
      if (settled === 'stale') return { kind: 'stale', request: await view(id) };
      return execute(id);
    },

    /** Pending requests, newest first; with `approver`, only those they may decide. */
    async pending(approver?: Actor): Promise<ApprovalRequestView[]> {
      const rows = await prisma.approvalRequest.findMany({
        where: { accountId, status: 'pending', expiresAt: { gt: clock.now() } },
        orderBy: { createdAt: 'desc' },
        take: 50,
        select: { id: true, requesterId: true },
      });
      const visible = approver
        ? rows.filter((r) => r.requesterId !== approver.userId && can(approver, 'approvals:approve'))
        : rows;
      return Promise.all(visible.map((r) => view(r.id)));
    },

    /** Marks requests past their TTL expired, a batch at a time; returns them so their messages can be updated. */
    async expireDue(limit = 100): Promise<ApprovalRequestView[]> {
      const now = clock.now();
      const due = await prisma.approvalRequest.findMany({
        where: { accountId, status: 'pending', expiresAt: { lte: now } },
        select: { id: true },
        take: limit,
      });
      const expired: ApprovalRequestView[] = [];
      for (const { id } of due) {
        const claimed = await prisma.approvalRequest.updateMany({
          where: { id, status: 'pending' },
          data: { status: 'expired', decidedAt: now, outcome: 'Expired without a decision.' },
        });
        if (claimed.count === 1) expired.push(await view(id));
      }
      return expired;
    },
  };
}
