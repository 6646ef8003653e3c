/**
 * What the metrics scrape reads from the store: backlogs and their oldest item, and the accounts
 * installed, across every account in one statement (a scrape every 15 s or so; no per-account loop).
 */
import type { Store } from './tx';

/** Backlogs and counts as the store has them now; ages are in seconds at the store's clock. */
export interface OperationalGauges {
  approvalsPending: number;
  approvalsOldestSeconds: number;
  noticesQueued: number;
  noticesOldestSeconds: number;
  /** Audit events after webhook endpoints' cursors, and the age of the oldest of them. */
  webhookBacklog: number;
  webhookOldestSeconds: number;
  /** Accounts with a Slack installation (distributed mode). */
  installations: number;
  /** Accounts tied to a Slack workspace or organization (single-workspace mode has no installation rows). */
  workspaceAccounts: number;
}

/** Reads the gauges in one round trip. */
export async function readOperationalGauges(db: Store): Promise<OperationalGauges> {
  const [row] = await db.$queryRaw<Record<keyof OperationalGauges, number>[]>`
    SELECT
      (SELECT count(*)::int FROM "ApprovalRequest" WHERE "status" = 'pending') AS "approvalsPending",
      (SELECT coalesce(extract(epoch FROM now() - min("createdAt")), 0)::float8
         FROM "ApprovalRequest" WHERE "status" = 'pending') AS "approvalsOldestSeconds",
      (SELECT count(*)::int FROM "SentNotice" WHERE "status" = 'queued') AS "noticesQueued",
      (SELECT coalesce(extract(epoch FROM now() - min("claimedAt")), 0)::float8
         FROM "SentNotice" WHERE "status" = 'queued') AS "noticesOldestSeconds",
      (SELECT coalesce(sum(a."auditSeq" - e."cursor"), 0)::float8 FROM "WebhookEndpoint" e
         JOIN "Account" a ON a."id" = e."accountId" WHERE a."auditSeq" > e."cursor") AS "webhookBacklog",
      (SELECT coalesce(extract(epoch FROM now() - min(ev."at")), 0)::float8 FROM "WebhookEndpoint" e
         JOIN "AuditEvent" ev ON ev."accountId" = e."accountId" AND ev."accountSeq" = e."cursor" + 1) AS "webhookOldestSeconds",
      (SELECT count(*)::int FROM "SlackInstallation") AS "installations",
      (SELECT count(*)::int FROM "Account"
         WHERE "slackTeamId" IS NOT NULL OR "slackEnterpriseId" IS NOT NULL) AS "workspaceAccounts"`;
  return {
    approvalsPending: Number(row?.approvalsPending ?? 0),
    approvalsOldestSeconds: Math.max(0, Number(row?.approvalsOldestSeconds ?? 0)),
    noticesQueued: Number(row?.noticesQueued ?? 0),
    noticesOldestSeconds: Math.max(0, Number(row?.noticesOldestSeconds ?? 0)),
    webhookBacklog: Number(row?.webhookBacklog ?? 0),
    webhookOldestSeconds: Math.max(0, Number(row?.webhookOldestSeconds ?? 0)),
    installations: Number(row?.installations ?? 0),
    workspaceAccounts: Number(row?.workspaceAccounts ?? 0),
  };
}
