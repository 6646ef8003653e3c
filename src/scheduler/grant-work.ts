/**
 * The scheduler's part in time-bound access: recording the end of grants that ended, warning holders
 * before the end, raising unreviewed break-glass uses again each day (each a change of its own kind,
 * src/domain/changes/grant-scheduler-changes.ts), and sending what those queued.
 */
import { systemActor } from '../domain/access/actor';
import type { ChangeResult } from '../domain/changes/change-handlers';
import type { ChangeOf } from '../domain/changes/directory-change';
import { grantNotice } from '../domain/grants/grant-notice';
import type { GrantService } from '../domain/grants/grant-service';
import type { DmRecipient } from '../domain/ports';
import { findGrantsForNotice, type GrantForNotice } from '../store/grants/grant-reads';
import { BATCH, type DueWorkDeps } from './due-work';
import { type SendDeps, settle } from './send-notices';

const SCHEDULER = systemActor('scheduler');

/** Submits one of the scheduler's grant batches (grant-scheduler-changes.ts), which never waits for approval. */
async function submitted<K extends 'grant-expiry' | 'grant-warnings' | 'break-glass-raise'>(
  deps: DueWorkDeps,
  kind: K,
): Promise<ChangeResult<K>> {
  const done = await deps.changes.submit(SCHEDULER, { kind, batch: deps.batchSize ?? BATCH } as ChangeOf<K>);
  if (done.status !== 'done') throw new Error('a scheduler change waits for approval');
  return done.result;
}

/** Grants that ended and are not recorded yet: one batch, a `grant-expiry` change. Returns how many. */
export const recordGrantEnds = async (deps: DueWorkDeps) => (await submitted(deps, 'grant-expiry')).ended;

/** Holders of grants ending within the warning time: one batch, a `grant-warnings` change. */
export const warnGrantHolders = async (deps: DueWorkDeps) => (await submitted(deps, 'grant-warnings')).warned;

/** Break-glass uses unreviewed for a day: one batch, a `break-glass-raise` change. */
export const raiseBreakGlass = async (deps: DueWorkDeps) => (await submitted(deps, 'break-glass-raise')).raised;

const NOTICE_BATCH = 500;

/** At most this many holders told at once get their App Home redrawn with the DM. */
const HOME_REFRESHES = 20;

/** What sending the grants' notices needs besides the other sends'. */
export type GrantSendDeps = SendDeps & { grants: Pick<GrantService, 'breakGlassAudience'> };

/**
 * Claims up to NOTICE_BATCH notices of `rule`, reads their grants in one query, and sends each with
 * `send` (a grant gone meanwhile is settled as sent: there is nobody to tell). Returns how many were sent.
 */
async function sendForGrants(deps: GrantSendDeps, rule: string, send: (grant: GrantForNotice) => Promise<void>): Promise<number> {
  const claimed = await deps.outbox.claim(rule, NOTICE_BATCH);
  if (claimed.length === 0) return 0;
  const grants = new Map(
    (
      await findGrantsForNotice(
        deps.prisma,
        claimed.map((n) => n.subjectId),
      )
    ).map((g) => [g.id, g]),
  );
  return settle(deps, claimed, async (notice) => {
    const grant = grants.get(notice.subjectId);
    if (grant) await send(grant);
  });
}

/** Sends what grants queued: holders told of ends and of ends coming, unreviewed break-glass raised. */
export async function sendGrantNotices(deps: GrantSendDeps): Promise<number> {
  let sent = 0;
  const told: DmRecipient[] = [];
  sent += await sendForGrants(deps, 'grant-ended', async (grant) => {
    if (grant.user.status !== 'active') return;
    if (await deps.notifier.grantEnded(grant.user, grantNotice(grant))) told.push(grant.user);
  });
  // Their App Home is redrawn too, when a few ended; after a mass end (Slack takes about 100 redraws a
  // minute, and 10 000 took the pass past its minute) it shows the end when next opened, as Slack then asks
  // Roster to draw it.
  if (told.length <= HOME_REFRESHES) for (const holder of told) await deps.notifier.refreshHome(holder);
  sent += await sendForGrants(deps, 'grant-warning', async (grant) => {
    // Ended or extended since it was queued: the warning would be wrong.
    if (grant.endedAt || grant.warnedAt === null || grant.user.status !== 'active') return;
    await deps.notifier.grantEnding(grant.user, grantNotice(grant));
  });
  sent += await sendBreakGlassNotices(deps);
  return sent;
}

/**
 * Break-glass uses just taken (queued by the change itself, sent at once by the listener that took it and
 * otherwise by the next pass) and those raised again while nobody has reviewed them.
 */
export async function sendBreakGlassNotices(deps: GrantSendDeps): Promise<number> {
  let sent = 0;
  for (const [rule, why] of [
    ['break-glass-used', 'used'],
    ['break-glass-raise', 'unreviewed'],
  ] as const) {
    sent += await sendForGrants(deps, rule, async (grant) => {
      if (why === 'unreviewed' && grant.reviewedAt) return;
      await deps.notifier.breakGlass(grantNotice(grant), await deps.grants.breakGlassAudience(grant.user.email), why);
    });
  }
  return sent;
}
