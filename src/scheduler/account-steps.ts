/**
 * One account's part of a scheduler pass, as a list of steps each run only when what it serves is due
 * there (the pass's query says what, src/store/scheduler/due-accounts.ts): the state changes first, then
 * the sends of the notices they queue. A notice already waiting in the outbox (`notice:<rule>`, one a
 * stopped pass or a failed send left) is sent by the same step as the change that queues its rule.
 * A due account thus costs the statements of what is due in it, not of every step (a dozen or more).
 */
import type { DueWork } from '../store/scheduler/due-accounts';
import {
  awaitExpiriesInFlight,
  BATCH,
  type DueWorkDeps,
  expireApprovals,
  expireInvites,
  expirePasscodes,
  pruneCredentialHandoffs,
  queueExpiringSoon,
  queuePasscodeWarnings,
  queueReminders,
} from './due-work';
import { type GrantSendDeps, raiseBreakGlass, recordGrantEnds, sendGrantNotices, warnGrantHolders } from './grant-work';
import {
  actOnOverdueReviews,
  type ReviewSendDeps,
  remindReviewers,
  sendReviewNotices,
  startScheduledReviews,
} from './review-work';
import { queueScimDigest, SCIM_DIGEST_RULE } from './scim-digest';
import {
  sendApprovalExpiries,
  sendDigest,
  sendExpiryDms,
  sendPasscodeWarnings,
  sendReminders,
  sendScimDigest,
} from './send-notices';

/** What one pass did, for logs and tests. */
export interface PassReport {
  reminded: number;
  expired: number;
  expiringSoon: number;
  passcodesWarned: number;
  passcodesExpired: number;
  approvalsExpired: number;
  /** SCIM digests queued (0 or 1). */
  scimDigests: number;
  /** Access reviews the catalog's schedule started. */
  reviewsStarted: number;
  /** Reviewers reminded of open rows. */
  reviewersReminded: number;
  /** Rows of overdue `revoke-access` reviews whose access was removed. */
  reviewRowsRemoved: number;
  /** Time-bound grants whose end was recorded. */
  grantsEnded: number;
  /** Holders warned that a grant ends soon. */
  grantsWarned: number;
  /** Unreviewed break-glass uses raised again. */
  breakGlassRaised: number;
  sent: number;
  stopped: boolean;
}

/** One account's part of a pass: its store scope and its Slack. */
export interface AccountWork {
  due: DueWorkDeps;
  send: ReviewSendDeps & GrantSendDeps;
}

const SEND_BATCH = 100;

/** Rows a state change takes per batch (due-work.ts). */
const batchOf = (due: DueWorkDeps) => due.batchSize ?? BATCH;

/** A step: what makes it due, and what it does (adding to the account's report). */
export interface Step {
  name: string;
  when: readonly DueWork[];
  run(account: AccountWork, report: PassReport, drain: Drain, startedAt: Date, signal?: AbortSignal): Promise<void>;
}

/**
 * Repeats a batch until it finds nothing, or fewer than `limit` when the batch takes at most `limit`
 * of what is due (skipping rows another pass holds: what it found short was all there was), or the pass
 * is stopped; returns the total.
 */
type Drain = (batch: () => Promise<number>, limit?: number) => Promise<number>;

const STEPS: readonly Step[] = [
  {
    name: 'record the end of time-bound grants',
    when: ['grants-end'],
    run: async ({ due }, report, drain) => {
      report.grantsEnded += await drain(() => recordGrantEnds(due), batchOf(due));
    },
  },
  {
    name: 'warn holders of grants ending soon',
    when: ['grants-warn'],
    run: async ({ due }, report, drain) => {
      report.grantsWarned += await drain(() => warnGrantHolders(due), batchOf(due));
    },
  },
  {
    name: 'raise unreviewed break-glass uses',
    when: ['break-glass'],
    run: async ({ due }, report, drain) => {
      report.breakGlassRaised += await drain(() => raiseBreakGlass(due), batchOf(due));
    },
  },
  {
    name: 'expire invites',
    when: ['invites-expire'],
    run: async ({ due }, report, drain) => {
      report.expired += await drain(() => expireInvites(due), batchOf(due));
    },
  },
  {
    name: 'remind invitees',
    when: ['invites-remind'],
    run: async ({ due }, report, drain) => {
      report.reminded += await drain(() => queueReminders(due), batchOf(due));
    },
  },
  {
    name: 'queue invite expiry warnings',
    when: ['invites-warn'],
    run: async ({ due }, report) => {
      report.expiringSoon += await queueExpiringSoon(due);
    },
  },
  {
    name: 'warn of and expire passcodes',
    when: ['passcodes'],
    run: async ({ due }, report, drain) => {
      report.passcodesWarned += await queuePasscodeWarnings(due);
      report.passcodesExpired += await drain(() => expirePasscodes(due), batchOf(due));
    },
  },
  {
    name: 'expire approval requests',
    when: ['approvals'],
    run: async ({ due }, report, drain) => {
      report.approvalsExpired += await drain(() => expireApprovals(due), batchOf(due));
    },
  },
  {
    name: 'queue the SCIM digest',
    when: ['scim-digest'],
    run: async ({ due }, report) => {
      report.scimDigests += await queueScimDigest(due);
    },
  },
  {
    name: 'start scheduled access reviews',
    when: ['review-schedule'],
    run: async ({ due }, report) => {
      report.reviewsStarted += await startScheduledReviews(due);
    },
  },
  {
    name: 'remind reviewers and act on overdue access reviews',
    when: ['reviews'],
    run: async ({ due }, report, _drain, _startedAt, signal) => {
      report.reviewersReminded += await remindReviewers(due);
      report.reviewRowsRemoved += await actOnOverdueReviews(due, signal);
    },
  },
  {
    name: 'prune credential hand-offs',
    when: ['handoffs'],
    run: async ({ due }) => {
      await pruneCredentialHandoffs(due);
    },
  },
  {
    name: 'send reminders',
    when: ['invites-remind', 'notice:reminder'],
    run: async ({ send }, report, drain) => {
      report.sent += await drain(() => sendReminders(send, SEND_BATCH));
    },
  },
  {
    name: 'send expiry DMs and digest',
    when: ['invites-expire', 'notice:expiry-dm', 'notice:expiry-digest'],
    run: async ({ due, send }, report, drain, startedAt, signal) => {
      // Another pass still expiring invites due at the start of this one: its DMs list all of them.
      await awaitExpiriesInFlight(due, startedAt);
      report.sent += await sendExpiryDms(send, signal);
      report.sent += await drain(() => sendDigest(send, 'expiry-digest'));
    },
  },
  {
    name: 'send the expiring-soon digest',
    when: ['invites-warn', 'notice:expiring-soon'],
    run: async ({ send }, report, drain) => {
      report.sent += await drain(() => sendDigest(send, 'expiring-soon'));
    },
  },
  {
    name: 'send passcode warnings',
    when: ['passcodes', 'notice:passcode-warning'],
    run: async ({ send }, report, drain) => {
      report.sent += await drain(() => sendPasscodeWarnings(send, SEND_BATCH));
    },
  },
  {
    name: 'update expired approval requests',
    when: ['approvals', 'notice:approval-expired'],
    run: async ({ send }, report, drain) => {
      report.sent += await drain(() => sendApprovalExpiries(send, SEND_BATCH));
    },
  },
  {
    name: 'send access review notices',
    when: [
      'reviews',
      'review-schedule',
      'notice:review-assigned',
      'notice:review-reminder',
      'notice:review-overdue',
      'notice:review-report',
    ],
    run: async ({ send }, report, drain) => {
      report.sent += await drain(() => sendReviewNotices(send));
    },
  },
  {
    name: 'send time-bound access notices',
    when: [
      'grants-end',
      'grants-warn',
      'break-glass',
      'notice:grant-ended',
      'notice:grant-warning',
      'notice:break-glass-used',
      'notice:break-glass-raise',
    ],
    run: async ({ send }, report, drain) => {
      report.sent += await drain(() => sendGrantNotices(send));
    },
  },
  {
    name: 'send the SCIM digest',
    when: ['scim-digest', `notice:${SCIM_DIGEST_RULE}`],
    run: async ({ send }, report, drain) => {
      report.sent += await drain(() => sendScimDigest(send));
    },
  },
];

/** The steps a pass runs in an account where `due` is due, in order. */
export function dueSteps(due: ReadonlySet<DueWork>): readonly Step[] {
  return STEPS.filter((step) => step.when.some((kind) => due.has(kind)));
}

/** Runs the steps for what is `due` in `account`; a stopped pass stops between batches. */
export async function runAccountSteps(
  account: AccountWork,
  due: ReadonlySet<DueWork>,
  signal?: AbortSignal,
): Promise<PassReport> {
  const report = emptyReport();
  const startedAt = account.due.clock.now();
  const drain: Drain = async (batch, limit = 1) => {
    let total = 0;
    while (!signal?.aborted) {
      const done = await batch();
      total += done;
      if (done < limit) break;
    }
    return total;
  };
  for (const step of dueSteps(due)) {
    if (signal?.aborted) break;
    await step.run(account, report, drain, startedAt, signal);
  }
  return report;
}

export function emptyReport(): PassReport {
  return {
    reminded: 0,
    expired: 0,
    expiringSoon: 0,
    passcodesWarned: 0,
    passcodesExpired: 0,
    approvalsExpired: 0,
    scimDigests: 0,
    reviewsStarted: 0,
    reviewersReminded: 0,
    reviewRowsRemoved: 0,
    grantsEnded: 0,
    grantsWarned: 0,
    breakGlassRaised: 0,
    sent: 0,
    stopped: false,
  };
}
