/**
 * The accounts a scheduler pass visits: one query, over every account at once, for those with anything
 * due — invites to expire, remind or warn about, passcodes to expire or warn about, approval requests
 * past their time, notices waiting in the outbox, SCIM events not yet in a digest, credential hand-offs
 * to prune — and what is due in each, so that the pass runs only those steps there. It errs on the side
 * of running a step (one with nothing to do costs a statement or a few); it never leaves out a step
 * with something due. Then the claims through which the replicas running a pass share it, account by
 * account.
 */
import type { Db } from '../tx';

/** The horizons of the account work a pass does, the widest any account's policy has. */
export interface DueHorizons {
  now: Date;
  /** Invites last sent before this, with reminders left, are due a reminder. */
  remindBefore: Date;
  /** The most reminders any policy sends. */
  maxResends: number;
  /** Invites expiring by this are due a warning, once. */
  inviteWarnUntil: Date;
  /** Passcodes expiring by this are due a warning, once per expiry. */
  passcodeWarnUntil: Date;
  /** Notices claimed before this and not sent are claimable again. */
  noticeLeaseCutoff: Date;
  /** Pending credentials created before this are stranded deliveries. */
  strandedBefore: Date;
  /** Whether accounts without a notices channel of their own have the deployment's (they get SCIM digests). */
  defaultNoticesChannel: boolean;
  /** Time-bound grants ending by this, not yet warned of, are due a warning. */
  grantWarnUntil: Date;
  /** Unreviewed break-glass uses started or last raised before this are raised again. */
  breakGlassRaiseBefore: Date;
  /** The period keys (`name@period`) of every scheduled review any policy has now: an account without a campaign for one is due. */
  reviewPeriodKeys: string[];
}

/**
 * What is due in an account, so that a pass runs only those steps: invites to expire, remind or warn
 * about, passcodes to expire or warn about, approval requests to expire, credential hand-offs to prune,
 * SCIM events for a digest, and notices waiting in the outbox, by rule (`notice:<rule>`).
 */
export type DueWork =
  | 'invites-expire'
  | 'invites-remind'
  | 'invites-warn'
  | 'passcodes'
  | 'approvals'
  | 'handoffs'
  | 'scim-digest'
  | 'reviews'
  | 'review-schedule'
  | 'grants-end'
  | 'grants-warn'
  | 'break-glass'
  | `notice:${string}`;

/** The accounts with anything due at `due.now`, each with what is due in it. */
export async function findAccountsWithDueWork(db: Db, due: DueHorizons): Promise<Map<string, Set<DueWork>>> {
  const rows = await db.$queryRaw<{ accountId: string; work: DueWork }[]>`
    SELECT i."accountId", 'invites-expire' AS "work" FROM "Invite" i
    WHERE i."status" = 'pending' AND i."expiresAt" <= ${due.now}
    UNION
    SELECT i."accountId", 'invites-remind' FROM "Invite" i
    WHERE i."status" = 'pending' AND i."lastSentAt" <= ${due.remindBefore} AND i."resendCount" < ${due.maxResends}
    UNION
    SELECT i."accountId", 'invites-warn' FROM "Invite" i
    WHERE i."status" = 'pending' AND i."expiresAt" <= ${due.inviteWarnUntil}
      AND NOT EXISTS (SELECT 1 FROM "SentNotice" n
        WHERE n."accountId" = i."accountId" AND n."dedupeKey" = 'expiring-soon:' || i."id")
    UNION
    SELECT p."accountId", 'passcodes' FROM "Passcode" p
    WHERE p."status" = 'active' AND p."expiresAt" <= ${due.passcodeWarnUntil}
      AND (p."expiresAt" <= ${due.now} OR NOT EXISTS (SELECT 1 FROM "SentNotice" n
        WHERE n."accountId" = p."accountId"
          AND n."dedupeKey" = 'passcode-warning:' || p."id" || ':' || floor(extract(epoch FROM p."expiresAt"))::text))
    UNION
    SELECT r."accountId", 'approvals' FROM "ApprovalRequest" r WHERE r."status" = 'pending' AND r."expiresAt" <= ${due.now}
    UNION
    SELECT n."accountId", 'notice:' || n."rule" FROM "SentNotice" n WHERE n."status" = 'queued'
    UNION
    SELECT n."accountId", 'notice:' || n."rule" FROM "SentNotice" n
    WHERE n."status" = 'claimed' AND n."claimedAt" < ${due.noticeLeaseCutoff}
    UNION
    SELECT s."accountId", 'handoffs' FROM "SecretReveal" s WHERE s."sealed" IS NOT NULL AND s."expiresAt" <= ${due.now}
    UNION
    SELECT c."accountId", 'handoffs' FROM "PendingCredential" c WHERE c."createdAt" < ${due.strandedBefore}
    UNION
    SELECT c."accountId", 'reviews' FROM "ReviewCampaign" c
    WHERE c."status" = 'open' AND (c."nextReminderAt" <= ${due.now}
      OR (c."dueAt" <= ${due.now} AND (c."overdueAt" IS NULL OR c."onOverdue" = 'revoke-access')))
    UNION
    SELECT g."accountId", 'grants-end' FROM "TimedGrant" g WHERE g."endedAt" IS NULL AND g."endsAt" <= ${due.now}
    UNION
    SELECT g."accountId", 'grants-warn' FROM "TimedGrant" g
    WHERE g."endedAt" IS NULL AND g."warnedAt" IS NULL AND g."endsAt" > ${due.now} AND g."endsAt" <= ${due.grantWarnUntil}
    UNION
    SELECT g."accountId", 'break-glass' FROM "TimedGrant" g
    WHERE g."breakGlass" AND g."reviewedAt" IS NULL AND coalesce(g."raisedAt", g."startsAt") <= ${due.breakGlassRaiseBefore}
    UNION
    SELECT a."id", 'review-schedule' FROM "Account" a
    WHERE cardinality(${due.reviewPeriodKeys}::text[]) > 0 AND EXISTS (SELECT 1 FROM unnest(${due.reviewPeriodKeys}::text[]) AS k(key)
      WHERE NOT EXISTS (SELECT 1 FROM "ReviewCampaign" c WHERE c."accountId" = a."id" AND c."periodKey" = k.key))
    UNION
    SELECT a."id", 'scim-digest' FROM "Account" a
    WHERE (a."noticesChannel" IS NOT NULL OR ${due.defaultNoticesChannel})
      AND EXISTS (SELECT 1 FROM "AuditEvent" e
        WHERE e."accountId" = a."id" AND e."source" = 'scim'
          AND e."seq" > coalesce((SELECT c."position" FROM "NoticeCursor" c
            WHERE c."accountId" = a."id" AND c."name" = 'scim-digest'), 0))`;
  const accounts = new Map<string, Set<DueWork>>();
  for (const { accountId, work } of rows) {
    const due = accounts.get(accountId) ?? new Set<DueWork>();
    due.add(work);
    accounts.set(accountId, due);
  }
  return accounts;
}

/**
 * Claims an account's part of a pass that started at `passStart` for `owner` until `until`; false when
 * another replica holds it now, or finished it since this pass started.
 */
export async function claimAccountPass(
  db: Db,
  claim: { accountId: string; owner: string; now: Date; until: Date; passStart: Date },
): Promise<boolean> {
  const rows = await db.$queryRaw<{ accountId: string }[]>`
    INSERT INTO "SchedulerClaim" ("accountId", "owner", "until") VALUES (${claim.accountId}, ${claim.owner}, ${claim.until})
    ON CONFLICT ("accountId") DO UPDATE SET "owner" = EXCLUDED."owner", "until" = EXCLUDED."until"
    WHERE ("SchedulerClaim"."until" IS NULL OR "SchedulerClaim"."until" < ${claim.now})
      AND ("SchedulerClaim"."doneAt" IS NULL OR "SchedulerClaim"."doneAt" <= ${claim.passStart})
    RETURNING "accountId"`;
  return rows.length > 0;
}

/** Gives an account's claim back; `doneAt` when its part of the pass was done (not when it failed). */
export async function releaseAccountPass(
  db: Db,
  claim: { accountId: string; owner: string; doneAt: Date | null },
): Promise<void> {
  await db.schedulerClaim.updateMany({
    where: { accountId: claim.accountId, owner: claim.owner },
    data: { owner: null, until: null, ...(claim.doneAt ? { doneAt: claim.doneAt } : {}) },
  });
}
