/**
 * How far ahead a pass looks, for the query that finds the accounts with anything due: the widest of
 * every policy an account may have (the deployment's catalog and every preset), so no account with
 * something due under its own policy is left out.
 */
import { addHours, DAY_MS } from '../domain/clock';
import { LEASE_MINUTES } from '../domain/notices/notice-outbox';
import type { Policy } from '../domain/roles/catalog';
import type { DueHorizons } from '../store/scheduler/due-accounts';
import { STRANDED_HOURS } from './due-work';
import { reviewPeriodKey } from './review-work';

export function dueHorizons(now: Date, policies: readonly Policy[], defaultNoticesChannel: boolean): DueHorizons {
  const invites = policies.map((p) => p.invites);
  return {
    now,
    remindBefore: addHours(now, -Math.min(...invites.map((i) => i.remindAfterHours))),
    maxResends: Math.max(...invites.map((i) => i.maxResends)),
    inviteWarnUntil: addHours(now, Math.max(...invites.map((i) => i.warnHours))),
    passcodeWarnUntil: new Date(now.getTime() + Math.max(...policies.map((p) => p.passcodeWarnDays)) * DAY_MS),
    noticeLeaseCutoff: new Date(now.getTime() - LEASE_MINUTES * 60_000),
    strandedBefore: addHours(now, -STRANDED_HOURS),
    defaultNoticesChannel,
    grantWarnUntil: new Date(now.getTime() + Math.max(...policies.map((p) => p.grantWarningMinutes)) * 60_000),
    breakGlassRaiseBefore: new Date(now.getTime() - DAY_MS),
    reviewPeriodKeys: [...new Set(policies.flatMap((p) => p.reviews.map((review) => reviewPeriodKey(review, now))))],
  };
}
