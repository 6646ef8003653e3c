/**
 * The one path every directory change takes, from any entry point: the permission check (before
 * any lookup), then in one transaction under the account lock the change itself, the directory's
 * rules, the version bump and the audit trail; then the approval policy decides whether it commits
 * now or is rolled back and stored as a request that an approver replays through the same path.
 */
import { fail } from '../../errors';
import type { Json } from '../../store/records';
import { CHANGE_TRANSACTION, lockAccount, type Store, type Tx, transaction } from '../../store/tx';
import { bumpUserVersions } from '../../store/users/user-writes';
import { type Actor, requirePermission, systemActor } from '../access/actor';
import type { ApprovalRequestView, ApprovalService, Approver } from '../approvals/approval-service';
import type { AuditService } from '../audit/audit-service';
import { countSeats } from '../directory/directory-service';
import type { Policy } from '../roles/catalog';
import { assertDirectoryRules, assertSeatsWithinLimit } from '../users/directory-rules';
import { decideApproval, neverWaits, type RequiredApproval, refuseSelfGrant, targetsMayNotDecide } from './approval-policy';
import type { Applied, ChangeEnv, ChangeHandler } from './change-handler';
import { CHANGE_HANDLERS, type ChangeResult } from './change-handlers';
import { type ChangeKind, type ChangeOf, type DirectoryChange, directoryChangeSchema } from './directory-change';

/** What submitting a change came to: done (with its result), or waiting for approval. */
export type Submission<R> =
  | { status: 'done'; result: R }
  | { status: 'awaiting'; request: ApprovalRequestView; approvers: Approver[] };

/** A change an approval ran inside its decision's transaction; `deliver` runs after the commit. */
export interface ApprovedRun {
  outcome: string;
  deliver?: () => Promise<unknown>;
}

/** Thrown inside a transaction to roll it back while keeping what was applied. */
class RolledBack extends Error {
  constructor(
    readonly applied: Applied<unknown>,
    readonly approval: RequiredApproval | null,
  ) {
    super('rolled back');
  }
}

export type ChangeService = ReturnType<typeof createChangeService>;

/** The change layer's own follow-ups, which it gives its handlers itself. */
type FollowUps = 'endScimToken' | 'activateCredential';

/**
 * Builds the change layer over the store, the audit trail, the approval service (which stores and
 * settles requests; the change layer replays approved ones) and the handlers' ports.
 */
export function createChangeService(
  deps: Omit<ChangeEnv, FollowUps> & {
    prisma: Store;
    audit: AuditService;
    policy: Policy['approvals'];
    /** Approvals are off without an approvals channel. */
    approvalsEnabled: boolean;
    approvals: ApprovalService;
    /** The requester as the directory has them now, read inside the decision's transaction. */
    actorById: (userId: string, db: Tx) => Promise<Actor>;
  },
) {
  const { prisma, accountId, audit } = deps;
  // What a change does after its commit that changes the directory again is a change of its own kind.
  const env: ChangeEnv = {
    ...deps,
    async endScimToken(tokenHash) {
      await service.submit(systemActor('system'), { kind: 'scim-token-end', tokenHash });
    },
    async activateCredential(actor, pending, reveal) {
      const done = await service.submit(actor, { kind: 'credential-activate', pending, reveal });
      return done.status === 'done' && done.result;
    },
  };

  function handlerOf(kind: ChangeKind): ChangeHandler<ChangeKind, unknown> {
    return CHANGE_HANDLERS[kind] as unknown as ChangeHandler<ChangeKind, unknown>;
  }

  /** Checks permissions, then applies, checks, bumps and records inside `tx`. */
  async function applyIn(tx: Tx, actor: Actor, change: DirectoryChange): Promise<Applied<unknown>> {
    const handler = handlerOf(change.kind);
    await lockAccount(tx, accountId);
    const seatsBefore = await countSeats(tx, accountId);
    const applied = await handler.apply({ ...env, tx, actor }, change as ChangeOf<ChangeKind>);
    refuseSelfGrant(actor.userId, applied.gains);
    if (applied.touched.length > 0) {
      await bumpUserVersions(tx, applied.touched);
    }
    await assertDirectoryRules(tx, accountId, applied.touched);
    await assertSeatsWithinLimit(tx, accountId, { kind: change.kind, seatsBefore, seatLimit: deps.seatLimit });
    await audit.record(tx, actor, ...applied.audit);
    return applied;
  }

  function permitted(actor: Actor, change: DirectoryChange): void {
    for (const permission of handlerOf(change.kind).permissions(change as ChangeOf<ChangeKind>)) {
      requirePermission(actor, permission);
    }
  }

  /** The approval the change needs, or none; the policy's refusals are thrown (`decideApproval`). */
  function approvalFor(actor: Actor, change: DirectoryChange, applied: Applied<unknown>): RequiredApproval | null {
    const asker = { userId: actor.userId, source: actor.source, approvalsEnabled: deps.approvalsEnabled };
    return decideApproval(deps.policy, asker, { kind: change.kind, grantsAdmin: false, ...applied.facts }, applied.gains);
  }

  /** Runs `work` in a transaction that commits, or rolls back keeping the would-be result. */
  async function attempt(
    work: (tx: Tx) => Promise<Applied<unknown>>,
    rollBack: (applied: Applied<unknown>) => RequiredApproval | null | false,
  ): Promise<{ applied: Applied<unknown>; approval: RequiredApproval | null; committed: boolean }> {
    try {
      const applied = await transaction(
        prisma,
        async (tx) => {
          const applied = await work(tx);
          const approval = rollBack(applied);
          if (approval !== false) throw new RolledBack(applied, approval);
          return applied;
        },
        CHANGE_TRANSACTION,
      );
      return { applied, approval: null, committed: true };
    } catch (error) {
      if (error instanceof RolledBack) return { applied: error.applied, approval: error.approval, committed: false };
      throw error;
    }
  }

  const service = {
    /** Submits a change: done now, or stored as an approval request when the policy says so. */
    async submit<K extends ChangeKind>(
      actor: Actor,
      input: ChangeOf<K>,
      options: { reason?: string | null } = {},
    ): Promise<Submission<ChangeResult<K>>> {
      const change = directoryChangeSchema.parse(input);
      permitted(actor, change);
      const { applied, approval, committed } = await attempt(
        (tx) => applyIn(tx, actor, change),
        (applied) => approvalFor(actor, change, applied) ?? false,
      );
      if (committed || !approval) {
        const result = applied.deliver ? await applied.deliver(applied.result) : applied.result;
        return { status: 'done', result: result as ChangeResult<K> };
      }
      const excluded = [actor.userId, ...(targetsMayNotDecide(approval.action) ? applied.targets : [])];
      const created = await deps.approvals.request(actor, {
        action: approval.action,
        requiredApprovals: approval.approvals,
        payload: applied.stored as Json,
        summary: applied.summary,
        targetUserIds: applied.targets,
        excludedApprovers: excluded.filter((id): id is string => id !== null),
        reason: options.reason?.trim() || null,
      });
      return { status: 'awaiting', ...created };
    },

    /** Applies a change and rolls it back: what it would do now, and whether it would wait for approval. */
    async preview<K extends ChangeKind>(
      actor: Actor,
      input: ChangeOf<K>,
    ): Promise<{ result: ChangeResult<K>; approval: RequiredApproval | null }> {
      const change = directoryChangeSchema.parse(input);
      permitted(actor, change);
      const { applied } = await attempt(
        (tx) => applyIn(tx, actor, change),
        () => null,
      );
      return { result: applied.result as ChangeResult<K>, approval: approvalFor(actor, change, applied) };
    },

    /** Replays a stored change as its requester inside an approval decision's transaction. */
    async runApproved(tx: Tx, requesterId: string, payload: unknown): Promise<ApprovedRun> {
      const requester = { ...(await deps.actorById(requesterId, tx)), source: 'approval' as const };
      const change = directoryChangeSchema.parse(payload);
      // Only a change that waits for approval is ever stored; a link's change in a request is not one of ours.
      if (neverWaits(change.kind)) throw fail.invalidState('That request holds a change that never waits for approval.');
      permitted(requester, change);
      const applied = await applyIn(tx, requester, change);
      const deliver = applied.deliver;
      return { outcome: applied.outcome, deliver: deliver ? () => deliver(applied.result) : undefined };
    },

    /** Records an approver's decision on a request; an approved change is replayed here, as its requester, once. */
    decide(approver: Actor, id: string, decision: { approve: boolean; reason?: string | null }) {
      return deps.approvals.decide(approver, id, decision, (tx, requesterId, payload) =>
        service.runApproved(tx, requesterId, payload),
      );
    },
  };
  return service;
}
