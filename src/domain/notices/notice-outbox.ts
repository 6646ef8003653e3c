/**
 * The notice outbox (table SentNotice): a notice is queued once per de-duplication key (rule +
 * subject + occasion), claimed by one scheduler pass at a time with a lease, and marked sent.
 * A pass that dies after claiming leaves the lease to run out; the next pass sends it then.
 * Notices queued with a group key (one inviter's expired invites) are claimed a group at a time.
 */
import {
  claimNoticeGroup,
  claimNotices,
  countClaimableInGroup,
  findFreeNoticeGroup,
  isNoticeGroupClaimed,
  lockNoticeGroup,
  markNoticesFailed,
  markNoticesSent,
  queueNotices,
} from '../../store/notices/notice-outbox-rows';
import { type Store, type Tx, transaction } from '../../store/tx';
import type { Clock } from '../clock';

export interface QueuedNotice {
  rule: string;
  subjectId: string;
  occasion?: string;
  /** Notices of a rule with the same group key are claimed together (see `claimGroup`). */
  groupKey?: string;
}

export interface ClaimedNotice {
  id: string;
  subjectId: string;
  dedupeKey: string;
}

/** Notices of one group claimed together, and how many more of the group are waiting. */
export interface ClaimedGroup {
  groupKey: string;
  notices: ClaimedNotice[];
  more: number;
}

export const LEASE_MINUTES = 10;

/** How often `claimGroup` looks for another group after losing one to a concurrent pass. */
const GROUP_ATTEMPTS = 5;

export function dedupeKey(notice: QueuedNotice): string {
  return [notice.rule, notice.subjectId, notice.occasion].filter(Boolean).join(':');
}

export type NoticeOutbox = ReturnType<typeof createNoticeOutbox>;

export function createNoticeOutbox(deps: { prisma: Store; accountId: string; clock: Clock }) {
  const { prisma, accountId, clock } = deps;
  return {
    /** Queues notices inside the caller's transaction; a key already queued or sent is skipped. */
    async queue(tx: Tx, notices: QueuedNotice[]): Promise<void> {
      if (notices.length === 0) return;
      const rows = notices.map((n) => ({
        dedupeKey: dedupeKey(n),
        rule: n.rule,
        subjectId: n.subjectId,
        groupKey: n.groupKey ?? null,
      }));
      await queueNotices(tx, accountId, rows, clock.now());
    },

    /** Claims up to `limit` notices of a rule: queued ones, and claims whose lease ran out. */
    async claim(rule: string, limit: number): Promise<ClaimedNotice[]> {
      const now = clock.now();
      const leaseCutoff = new Date(now.getTime() - LEASE_MINUTES * 60_000);
      return claimNotices(prisma, accountId, rule, { now, leaseCutoff, limit });
    },

    /**
     * Claims up to `limit` notices of a rule from one group, the group waiting longest first. A group
     * has one claim at a time (taken under a lock on the group): while its notices are out under a
     * live lease, the rest of it waits, so its messages go out in order and each is as full as it can be.
     * Null when no group is free.
     */
    async claimGroup(rule: string, limit: number): Promise<ClaimedGroup | null> {
      for (let attempt = 0; attempt < GROUP_ATTEMPTS; attempt++) {
        const now = clock.now();
        const leaseCutoff = new Date(now.getTime() - LEASE_MINUTES * 60_000);
        const claimed = await transaction(prisma, async (tx) => {
          const groupKey = await findFreeNoticeGroup(tx, accountId, rule, leaseCutoff);
          if (groupKey === null) return null;
          // Two passes may pick the same group at once; the lock lets one claim, the other sees it claimed.
          await lockNoticeGroup(tx, accountId, rule, groupKey);
          if (await isNoticeGroupClaimed(tx, accountId, rule, groupKey, leaseCutoff)) return 'taken';
          const notices = await claimNoticeGroup(tx, accountId, rule, groupKey, { now, leaseCutoff, limit });
          if (notices.length === 0) return 'taken';
          const more = await countClaimableInGroup(tx, accountId, rule, groupKey, leaseCutoff);
          return { groupKey, notices, more };
        });
        if (claimed !== 'taken') return claimed;
      }
      return null;
    },

    async markSent(ids: string[]): Promise<void> {
      if (ids.length === 0) return;
      await markNoticesSent(prisma, ids, clock.now());
    },

    /** A notice Slack refused for good (e.g. channel_not_found): kept, with the reason, never retried. */
    async markFailed(ids: string[], error: string): Promise<void> {
      if (ids.length === 0) return;
      await markNoticesFailed(prisma, ids, error.slice(0, 500));
    },
  };
}
