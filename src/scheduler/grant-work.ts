/**
 * The scheduler's part in time-bound access: recording the end of grants that ended, warning holders
 * before the end, raising unreviewed break-glass uses again each day (each a change of its own kind,
 * src/domain/changes/grant-scheduler-changes.ts), and sending what those queued.
 */
import { systemActor } from '../domain/access/actor';
import type { ChangeOf } from '../domain/changes/directory-change';
import { grantNotice } from '../domain/grants/grant-notice';
import type { DmRecipient } from '../domain/ports';
import type { GrantService } from '../domain/grants/grant-service';
import { findGrantForNotice } from '../store/grants/grant-reads';
import { BATCH, type DueWorkDeps } from './due-work';
import { type SendDeps, sendClaimed } from './send-notices';

const SCHEDULER = systemActor('scheduler');

type GrantBatchKind = 'grant-expiry' | 'grant-warnings' | 'break-glass-raise';

async function batchOf(deps: DueWorkDeps, kind: GrantBatchKind): Promise<number> {
  const change = { kind, batch: deps.batchSize ?? BATCH } as ChangeOf<GrantBatchKind>;
  const done = await deps.changes.submit(SCHEDULER, change);
  if (done.status !== 'done') throw new Error('a scheduler change waits for approval');
  const result = done.result as { ended?: number; warned?: number; raised?: number };
  return result.ended ?? result.warned ?? result.raised ?? 0;
}

/** Grants that ended and are not recorded yet: one batch, a `grant-expiry` change. Returns how many. */
export const recordGrantEnds = (deps: DueWorkDeps) => batchOf(deps, 'grant-expiry');

/** Holders of grants ending within the warning time: one batch, a `grant-warnings` change. */
export const warnGrantHolders = (deps: DueWorkDeps) => batchOf(deps, 'grant-warnings');

/** Break-glass uses unreviewed for a day: one batch, a `break-glass-raise` change. */
export const raiseBreakGlass = (deps: DueWorkDeps) => batchOf(deps, 'break-glass-raise');

const NOTICE_BATCH = 100;

/** At most this many holders told at once get their App Home redrawn with the DM. */
const HOME_REFRESHES = 20;

/** What sending the grants' notices needs besides the other sends'. */
export type GrantSendDeps = SendDeps & { grants: Pick<GrantService, 'breakGlassAudience'> };

/** Sends what grants queued: holders told of ends and of ends coming, unreviewed break-glass raised. */
export async function sendGrantNotices(deps: GrantSendDeps): Promise<number> {
  let sent = 0;
  const told: DmRecipient[] = [];
  sent += await sendClaimed(deps, 'grant-ended', NOTICE_BATCH, async (notice) => {
    const grant = await findGrantForNotice(deps.prisma, notice.subjectId);
    if (grant?.user.status !== 'active') return;
    if (await deps.notifier.grantEnded(grant.user, grantNotice(grant))) told.push(grant.user);
  });
  // Their App Home is redrawn too, when a few ended; after a mass end (Slack takes about 100 redraws a
  // minute, and 10 000 took the pass past its minute) it shows the end when next opened, as Slack then asks
  // Roster to draw it.
  if (told.length <= HOME_REFRESHES) for (const holder of told) await deps.notifier.refreshHome(holder);
  sent += await sendClaimed(deps, 'grant-warning', NOTICE_BATCH, async (notice) => {
    const grant = await findGrantForNotice(deps.prisma, notice.subjectId);
    // Ended or extended since it was queued: the warning would be wrong.
    if (!grant || grant.endedAt || grant.warnedAt === null || grant.user.status !== 'active') return;
    await deps.notifier.grantEnding(grant.user, grantNotice(grant));
  });
  sent += await sendClaimed(deps, 'break-glass-raise', NOTICE_BATCH, async (notice) => {
    const grant = await findGrantForNotice(deps.prisma, notice.subjectId);
    if (!grant || grant.reviewedAt) return;
    await deps.notifier.breakGlassUnreviewed(grantNotice(grant), await deps.grants.breakGlassAudience(grant.user.email));
  });
  return sent;
}
