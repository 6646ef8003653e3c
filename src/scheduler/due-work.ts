/**
 * The scheduler's state changes, each a set-based statement in batches that locks what it takes
 * (`FOR UPDATE SKIP LOCKED`) and queues its notices in the same transaction, so that two passes
 * — or two replicas — never do the same work and a crash between batches loses nothing. Those that
 * change the directory (reminders counted, invites and passcodes expired) are changes of their own
 * kinds through the change layer (src/domain/changes/scheduler-changes.ts).
 */

import type { Logger } from 'pino';
import { systemActor } from '../domain/access/actor';
import type { AuditService } from '../domain/audit/audit-service';
import type { ChangeResult } from '../domain/changes/change-handlers';
import type { ChangeService } from '../domain/changes/change-service';
import type { ChangeOf } from '../domain/changes/directory-change';
import type { Clock } from '../domain/clock';
import { addHours, DAY_MS } from '../domain/clock';
import type { NoticeOutbox } from '../domain/notices/notice-outbox';
import type { Policy } from '../domain/roles/catalog';
import {
  awaitDueInvitesUnlocked,
  deleteIdleSignInThrottles,
  deleteRateLimitWindowsBefore,
  deleteStrandedPendingCredentials,
  eraseExpiredRevealSecrets,
  expireDueApprovals,
  queueInviteExpiryWarnings,
  queuePasscodeExpiryWarnings,
} from '../store/scheduler/due-work-rows';
import { type Store, transaction } from '../store/tx';

export const BATCH = 500;

/** How old a pending credential is when its delivery is taken as never finished: pruned (due-horizons.ts looks for it). */
export const STRANDED_HOURS = 1;

const SCHEDULER = systemActor('scheduler');

export interface DueWorkDeps {
  /** Rows changed per statement (default 500): bounds memory and lock time. */
  batchSize?: number;
  prisma: Store;
  /** The change layer: the scheduler's directory writes are changes of their own kinds. */
  changes: ChangeService;
  audit: AuditService;
  accountId: string;
  clock: Clock;
  outbox: NoticeOutbox;
  policy: Policy;
  /** Where channel digests go; without one the SCIM digest is not queued. */
  noticesChannel?: string;
  /** Says what the scheduler could not do that nobody asked for (a scheduled review that did not start). */
  logger?: Pick<Logger, 'warn'>;
}

/** Invites sent `remindAfterHours` ago and reminded fewer than `maxResends` times: one batch, an `invite-reminders` change. */
export async function queueReminders(deps: DueWorkDeps): Promise<number> {
  const { reminded } = await scheduled(deps, { kind: 'invite-reminders', batch: deps.batchSize ?? BATCH });
  return reminded;
}

/** Invites past their expiry: invite and user become `expired`, audited; DM and digest queued. One batch, an `invite-expiry` change. */
export async function expireInvites(deps: DueWorkDeps): Promise<number> {
  const { expired } = await scheduled(deps, { kind: 'invite-expiry', batch: deps.batchSize ?? BATCH });
  return expired;
}

/**
 * Waits until no other pass is still expiring invites that were due at `dueAt` (their rows are locked
 * until that pass commits), so that the inviter DMs sent next list all of them, not some now and the
 * rest in another DM.
 */
export async function awaitExpiriesInFlight(deps: DueWorkDeps, dueAt: Date): Promise<void> {
  const { prisma, accountId } = deps;
  await awaitDueInvitesUnlocked(prisma, accountId, dueAt);
}

/** Invites expiring within `warnHours` are queued for the warning digest, each once ever. */
export async function queueExpiringSoon(deps: DueWorkDeps): Promise<number> {
  const { prisma, accountId, clock, policy } = deps;
  const now = clock.now();
  return queueInviteExpiryWarnings(prisma, accountId, now, addHours(now, policy.invites.warnHours));
}

/** Passcodes expiring within `passcodeWarnDays` get a warning DM queued, once per passcode and expiry. */
export async function queuePasscodeWarnings(deps: DueWorkDeps): Promise<number> {
  const { prisma, accountId, clock, policy } = deps;
  const now = clock.now();
  const warnBefore = new Date(now.getTime() + policy.passcodeWarnDays * DAY_MS);
  return queuePasscodeExpiryWarnings(prisma, accountId, now, warnBefore);
}

/** Passcodes past their expiry are marked expired and audited. One batch, a `passcode-expiry` change. */
export async function expirePasscodes(deps: DueWorkDeps): Promise<number> {
  const { expired } = await scheduled(deps, { kind: 'passcode-expiry', batch: deps.batchSize ?? BATCH });
  return expired;
}

/** Submits one of the scheduler's changes (scheduler-changes.ts), which never wait for approval. */
async function scheduled<K extends 'invite-reminders' | 'invite-expiry' | 'passcode-expiry'>(
  deps: DueWorkDeps,
  change: ChangeOf<K>,
): Promise<ChangeResult<K>> {
  const submitted = await deps.changes.submit(SCHEDULER, change);
  if (submitted.status !== 'done') throw new Error('a scheduler change waits for approval');
  return submitted.result;
}

/** Approval requests past their TTL: expired, and their channel message queued for an update. */
export async function expireApprovals(deps: DueWorkDeps): Promise<number> {
  const { prisma, accountId, clock, outbox } = deps;
  const now = clock.now();
  return transaction(prisma, async (tx) => {
    const expired = await expireDueApprovals(tx, accountId, now, deps.batchSize ?? BATCH);
    await outbox.queue(
      tx,
      expired.map((e) => ({ rule: 'approval-expired', subjectId: e.id })),
    );
    return expired.length;
  });
}

/**
 * Rate-limit windows older than an hour are of no use to anyone; the table would otherwise only grow.
 * Sign-in throttles without a failure for a day and no lockout running are forgotten too.
 */
export async function pruneRateLimits(deps: Pick<DueWorkDeps, 'prisma' | 'clock'>): Promise<number> {
  const now = deps.clock.now();
  const windows = await deleteRateLimitWindowsBefore(deps.prisma, addHours(now, -1));
  const throttles = await deleteIdleSignInThrottles(deps.prisma, addHours(now, -24), now);
  return windows + throttles;
}

/**
 * Reveal links past their expiry lose their sealed secret (nobody can be shown it any more), and a
 * pending credential older than an hour is one whose delivery never finished (the process stopped):
 * its holder's current credential stays, as after a failed delivery.
 */
export async function pruneCredentialHandoffs(deps: DueWorkDeps): Promise<number> {
  const now = deps.clock.now();
  const erased = await eraseExpiredRevealSecrets(deps.prisma, deps.accountId, now);
  const stranded = await deleteStrandedPendingCredentials(deps.prisma, deps.accountId, addHours(now, -STRANDED_HOURS));
  return erased + stranded;
}
