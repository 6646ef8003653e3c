/**
 * The one path every directory change takes, from any entry point: the permission check (before
 * any lookup), then in one transaction under the account lock the change itself, the directory's
 * rules, the version bump and the audit trail; then the approval policy decides whether it commits
 * now or is rolled back and stored as a request that an approver replays through the same path.
 */
import { fail, isRosterError } from '../../errors';
import { type Metrics, noMetrics } from '../../metrics/metrics-port';
import type { Json } from '../../store/records';
import {
  type AccountLock,
  CHANGE_TRANSACTION,
  inSavepoint,
  isSavepointLost,
  lockAccount,
  type Store,
  type Tx,
  transaction,
} from '../../store/tx';
import { closeChange } from '../../store/users/change-close-writes';
import { type Actor, requirePermission, systemActor } from '../access/actor';
import type { ApprovalRequestView, ApprovalService, Approver } from '../approvals/approval-service';
import type { AuditService } from '../audit/audit-service';
import { ADMIN_ROLE, type Policy } from '../roles/catalog';
import { createRoleCache } from '../roles/role-cache';
import { assertDirectoryRules } from '../users/directory-rules';
import { decideApproval, neverWaits, type RequiredApproval, refuseSelfGrant, targetsMayNotDecide } from './approval-policy';
import type { Applied, ChangeContext, ChangeEnv, ChangeHandler } from './change-handler';
import { CHANGE_HANDLERS, type ChangeResult } from './change-handlers';
import { type ChangeKind, type ChangeOf, type DirectoryChange, directoryChangeSchema } from './directory-change';

/** What submitting a change came to: done (with its result), or waiting for approval. */
export type Submission<R> =
  | { status: 'done'; result: R }
  | { status: 'awaiting'; request: ApprovalRequestView; approvers: Approver[] };

/** What one change of a batch came to: done (with its result), or failed with its error and undone. */
export type BatchOutcome<R = unknown> =
  | { status: 'done'; result: R }
  | { status: 'failed'; error: unknown }
  /** Not run: `stopAfterErrors` changes before it had failed. */
  | { status: 'skipped' };

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
type FollowUps = 'endScimToken' | 'endWebhook' | 'activateCredential';

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
    /** Counts changes by kind and outcome, and times approval decisions. */
    metrics?: Pick<Metrics, 'changeApplied' | 'approvalDecided'>;
  },
) {
  const { prisma, accountId, audit } = deps;
  const metrics = deps.metrics ?? noMetrics;
  // What a change does after its commit that changes the directory again is a change of its own kind.
  const env: ChangeEnv = {
    ...deps,
    async endScimToken(tokenHash) {
      await service.submit(systemActor('system'), { kind: 'scim-token-end', tokenHash });
    },
    async endWebhook(id) {
      await service.submit(systemActor('system'), { kind: 'webhook-end', id });
    },
    async activateCredential(actor, pending, reveal) {
      const done = await service.submit(actor, { kind: 'credential-activate', pending, reveal });
      return done.status === 'done' && done.result;
    },
  };

  const roleCache = createRoleCache(accountId);

  /** A handler's context in `tx`, which holds the account lock `lock`. */
  function contextOf(tx: Tx, actor: Actor, lock: AccountLock): ChangeContext {
    return { ...env, tx, actor, roles: () => roleCache.at(tx, lock.catalogVersion) };
  }

  function handlerOf(kind: ChangeKind): ChangeHandler<ChangeKind, unknown> {
    return CHANGE_HANDLERS[kind] as unknown as ChangeHandler<ChangeKind, unknown>;
  }

  /** Checks permissions, then applies, checks, bumps and records inside `tx`. */
  async function applyIn(tx: Tx, actor: Actor, change: DirectoryChange): Promise<Applied<unknown>> {
    const lock = await lockAccount(tx, accountId);
    return (await applyLocked(tx, actor, change, lock)).applied;
  }

  /**
   * Applies `change` in `tx`, which holds the account lock `lock` (its `seatsUsed` the seats in use
   * before), and closes it. Answers the seats in use after.
   */
  async function applyLocked(
    tx: Tx,
    actor: Actor,
    change: DirectoryChange,
    lock: AccountLock,
  ): Promise<{ applied: Applied<unknown>; seatsAfter: number }> {
    const handler = handlerOf(change.kind);
    const applied = await handler.apply(contextOf(tx, actor, lock), change as ChangeOf<ChangeKind>);
    return { applied, seatsAfter: await close(tx, actor, change.kind, [applied], lock.seatsUsed) };
  }

  /**
   * Closes changes of `kind` by `actor` applied in `tx` (one, or a run applied together): refuses a
   * self-grant, then in one statement bumps the touched users' versions, records the audit trail and
   * reads what the rules judge, and checks the rules (every rule after every change or run, whatever it
   * touched: they cost a few index lookups). Answers the seats in use after.
   */
  async function close(
    tx: Tx,
    actor: Actor,
    kind: ChangeKind,
    applied: Applied<unknown>[],
    seatsBefore: number,
  ): Promise<number> {
    for (const one of applied) if (!one.selfGrant) refuseSelfGrant(actor.userId, one.gains);
    const now = new Date();
    for (const one of applied) one.closedAt = now;
    const standing = await closeChange(tx, {
      accountId,
      touched: applied.flatMap((one) => one.touched),
      events: audit.rows(actor, ...applied.flatMap((one) => one.audit)),
      adminRole: ADMIN_ROLE,
      now,
    });
    assertDirectoryRules(standing, { kind, seatsBefore, seatLimit: deps.seatLimit });
    return standing.seatsUsed;
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

  /** Applies `items` in one transaction, each in a savepoint (see `submitBatch`); one outcome per item. */
  async function runBatch(
    items: readonly { actor: Actor; input: unknown }[],
    stopAfterErrors = Number.POSITIVE_INFINITY,
  ): Promise<BatchOutcome[]> {
    const outcomes: BatchOutcome[] = items.map(() => ({ status: 'failed', error: null }));
    const ready: { index: number; actor: Actor; change: DirectoryChange }[] = [];
    const refused: number[] = [];
    for (const [index, { actor, input }] of items.entries()) {
      try {
        const change = directoryChangeSchema.parse(input);
        permitted(actor, change);
        ready.push({ index, actor, change });
      } catch (error) {
        outcomes[index] = { status: 'failed', error };
        refused.push(index);
      }
    }
    // With `stopAfterErrors`, the changes from the one that would follow that many failures on are not run.
    let failures = 0;
    const mayRun = (index: number) => failures + refused.filter((i) => i < index).length < stopAfterErrors;
    const done = new Set<number>();
    const skipAfterStop = () => {
      let failed = 0;
      for (const [index, outcome] of outcomes.entries()) {
        // Only what was not run: a change whose `deliver` failed after its commit stays as it is.
        if (failed >= stopAfterErrors && !done.has(index)) outcomes[index] = { status: 'skipped' };
        else if (outcome.status === 'failed') failed += 1;
      }
      return outcomes;
    };
    if (ready.length === 0) return skipAfterStop();
    const committed = await transaction(
      prisma,
      async (tx) => {
        const applied: { index: number; applied: Applied<unknown> }[] = [];
        const lock = await lockAccount(tx, accountId);
        changes: for (let at = 0; at < ready.length; ) {
          // A run of changes of one kind by one actor whose handler can apply them together goes together
          // (one savepoint, the rules judged once); on any error it is undone and runs one by one below.
          const first = ready[at] as (typeof ready)[number];
          const handler = handlerOf(first.change.kind);
          let end = at + 1;
          while (
            handler.applyMany &&
            ready[end]?.change.kind === first.change.kind &&
            ready[end]?.actor === first.actor &&
            mayRun((ready[end] as (typeof ready)[number]).index)
          )
            end++;
          const group = ready.slice(at, end);
          at = end;
          if (group.length > 1 && handler.applyMany) {
            const applyMany = handler.applyMany.bind(handler);
            try {
              const together = await inSavepoint(tx, 'batch_run', async () => {
                const many = await applyMany(
                  contextOf(tx, first.actor, lock),
                  group.map((r) => r.change as ChangeOf<ChangeKind>),
                );
                const seatsAfter = await close(tx, first.actor, first.change.kind, many, lock.seatsUsed);
                if (many.some((one, i) => approvalFor(first.actor, (group[i] as (typeof group)[number]).change, one))) {
                  throw fail.forbidden('That change needs approval, which a batch never waits for; submit it on its own.');
                }
                return { many, seatsAfter };
              });
              lock.seatsUsed = together.seatsAfter;
              for (const [i, one] of together.many.entries())
                applied.push({ index: (group[i] as (typeof group)[number]).index, applied: one });
              continue;
            } catch (error) {
              if (isSavepointLost(error)) throw error;
            }
          }
          for (const { index, actor, change } of group) {
            if (!mayRun(index)) break changes;
            try {
              const run = await inSavepoint(tx, 'batch_change', async () => {
                const run = await applyLocked(tx, actor, change, lock);
                if (approvalFor(actor, change, run.applied)) {
                  throw fail.forbidden('That change needs approval, which a batch never waits for; submit it on its own.');
                }
                return run;
              });
              lock.seatsUsed = run.seatsAfter;
              // A settings change may have written the catalog in this transaction: the rest read it from the store.
              if (change.kind === 'settings') lock.catalogVersion = Number.NaN;
              applied.push({ index, applied: run.applied });
            } catch (error) {
              if (isSavepointLost(error)) throw error;
              outcomes[index] = { status: 'failed', error };
              failures += 1;
            }
          }
        }
        return applied;
      },
      CHANGE_TRANSACTION,
    );
    for (const { index, applied } of committed) {
      done.add(index);
      try {
        const result = applied.deliver ? await applied.deliver(applied.result) : applied.result;
        outcomes[index] = { status: 'done', result };
      } catch (error) {
        outcomes[index] = { status: 'failed', error };
      }
    }
    return skipAfterStop();
  }

  /** Counts what a change of `kind` came to: a RosterError is a refusal, any other error a failure. */
  async function counted<T>(kind: unknown, outcomeOf: (done: T) => 'done' | 'awaiting', run: () => Promise<T>): Promise<T> {
    try {
      const done = await run();
      metrics.changeApplied(String(kind), outcomeOf(done));
      return done;
    } catch (error) {
      metrics.changeApplied(String(kind), isRosterError(error) ? 'refused' : 'failed');
      throw error;
    }
  }

  /** Submits a change now (see `service.submit`, which counts what it came to). */
  async function submitNow<K extends ChangeKind>(
    actor: Actor,
    input: ChangeOf<K>,
    options: { reason?: string | null },
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
    const targetsExcluded = targetsMayNotDecide(approval.action) || applied.targetsMayNotDecide === true;
    const excluded = [actor.userId, ...(targetsExcluded ? applied.targets : [])];
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
  }

  const service = {
    /** Submits a change: done now, or stored as an approval request when the policy says so. */
    submit<K extends ChangeKind>(
      actor: Actor,
      input: ChangeOf<K>,
      options: { reason?: string | null } = {},
    ): Promise<Submission<ChangeResult<K>>> {
      return counted(
        (input as { kind?: unknown } | null)?.kind,
        (done) => (done.status === 'awaiting' ? 'awaiting' : 'done'),
        () => submitNow(actor, input, options),
      );
    },

    /**
     * Applies several changes by `actor` in one transaction under one account lock, in order, each in a
     * savepoint: a change that fails (a refusal, a broken rule, a clash in the store) is undone alone and
     * the others stay. Every change is checked, bumped and recorded as `submit` does; one that would
     * wait for approval is refused here (`forbidden`), since a batch never waits. Each done change's
     * `deliver` runs after the commit. Answers one outcome per change, in order. `stopAfterErrors`
     * (SCIM /Bulk's failOnErrors): once that many changes failed, the rest are not run (`skipped`).
     */
    async submitBatch(
      actor: Actor,
      inputs: readonly unknown[],
      options: { stopAfterErrors?: number } = {},
    ): Promise<BatchOutcome[]> {
      const outcomes = await runBatch(
        inputs.map((input) => ({ actor, input })),
        options.stopAfterErrors,
      );
      for (const [index, outcome] of outcomes.entries()) {
        const kind = String((inputs[index] as { kind?: unknown } | null)?.kind);
        if (outcome.status !== 'failed') metrics.changeApplied(kind, outcome.status);
        else metrics.changeApplied(kind, isRosterError(outcome.error) ? 'refused' : 'failed');
      }
      return outcomes;
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
      return counted(
        (payload as { kind?: unknown } | null)?.kind,
        () => 'done',
        () => replay(tx, requesterId, payload),
      );
    },

    /** Records an approver's decision on a request; an approved change is replayed here, as its requester, once. */
    async decide(approver: Actor, id: string, decision: { approve: boolean; reason?: string | null }) {
      const result = await deps.approvals.decide(approver, id, decision, (tx, requesterId, payload) =>
        service.runApproved(tx, requesterId, payload),
      );
      const { createdAt, decidedAt } = result.request;
      if (result.kind !== 'waiting' && decidedAt) {
        metrics.approvalDecided(result.kind, (decidedAt.getTime() - createdAt.getTime()) / 1000);
      }
      return result;
    },
  };

  /** Replays a stored change as its requester (see `service.runApproved`). */
  async function replay(tx: Tx, requesterId: string, payload: unknown): Promise<ApprovedRun> {
    const requester = { ...(await deps.actorById(requesterId, tx)), source: 'approval' as const };
    const change = directoryChangeSchema.parse(payload);
    // Only a change that waits for approval is ever stored; a link's change in a request is not one of ours.
    if (neverWaits(change.kind)) throw fail.invalidState('That request holds a change that never waits for approval.');
    permitted(requester, change);
    const applied = await applyIn(tx, requester, change);
    const deliver = applied.deliver;
    return { outcome: applied.outcome, deliver: deliver ? () => deliver(applied.result) : undefined };
  }

  return service;
}
