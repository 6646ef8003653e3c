/**
 * The scheduler: one pass changes what is due (batch by batch) and then sends what the outbox
 * holds. Passes run on CRON_SCHEDULE in every replica; the database keeps them from doubling up.
 */
import cron, { type ScheduledTask } from 'node-cron';
import type { Logger } from 'pino';
import {
  awaitExpiriesInFlight,
  type DueWorkDeps,
  expireApprovals,
  expireInvites,
  expirePasscodes,
  pruneCredentialHandoffs,
  pruneRateLimits,
  queueExpiringSoon,
  queuePasscodeWarnings,
  queueReminders,
} from './due-work';
import { queueScimDigest } from './scim-digest';
import {
  type SendDeps,
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
  sent: number;
  stopped: boolean;
}

const SEND_BATCH = 100;

export type Scheduler = ReturnType<typeof createScheduler>;

export function createScheduler(deps: { due: DueWorkDeps; send: SendDeps; logger: Logger; cronSchedule: string }) {
  let task: ScheduledTask | null = null;
  let running: Promise<PassReport> | null = null;
  // Stopping the process stops a pass between batches; what it did is committed, the next pass goes on.
  const shutdown = new AbortController();

  /** Repeats a batch until it finds nothing (or the pass is stopped); returns the total. */
  async function drain(signal: AbortSignal | undefined, batch: () => Promise<number>): Promise<number> {
    let total = 0;
    while (!signal?.aborted) {
      const done = await batch();
      total += done;
      if (done === 0) break;
    }
    return total;
  }

  async function pass(signal?: AbortSignal): Promise<PassReport> {
    const report: PassReport = {
      reminded: 0,
      expired: 0,
      expiringSoon: 0,
      passcodesWarned: 0,
      passcodesExpired: 0,
      approvalsExpired: 0,
      scimDigests: 0,
      sent: 0,
      stopped: false,
    };
    const startedAt = deps.due.clock.now();
    report.expired = await drain(signal, () => expireInvites(deps.due));
    report.reminded = await drain(signal, () => queueReminders(deps.due));
    if (!signal?.aborted) report.expiringSoon = await queueExpiringSoon(deps.due);
    if (!signal?.aborted) report.passcodesWarned = await queuePasscodeWarnings(deps.due);
    report.passcodesExpired = await drain(signal, () => expirePasscodes(deps.due));
    report.approvalsExpired = await drain(signal, () => expireApprovals(deps.due));
    if (!signal?.aborted) report.scimDigests = await queueScimDigest(deps.due);
    if (!signal?.aborted) await pruneRateLimits(deps.due);
    if (!signal?.aborted) await pruneCredentialHandoffs(deps.due);
    report.sent += await drain(signal, () => sendReminders(deps.send, SEND_BATCH));
    if (!signal?.aborted) await awaitExpiriesInFlight(deps.due, startedAt);
    report.sent += await drain(signal, () => sendExpiryDms(deps.send));
    report.sent += await drain(signal, () => sendDigest(deps.send, 'expiry-digest'));
    report.sent += await drain(signal, () => sendDigest(deps.send, 'expiring-soon'));
    report.sent += await drain(signal, () => sendPasscodeWarnings(deps.send, SEND_BATCH));
    report.sent += await drain(signal, () => sendApprovalExpiries(deps.send, SEND_BATCH));
    report.sent += await drain(signal, () => sendScimDigest(deps.send));
    report.stopped = signal?.aborted ?? false;
    return report;
  }

  return {
    /** Runs one pass; a pass already running in this process is joined rather than doubled. */
    async runOnce(signal?: AbortSignal): Promise<PassReport> {
      running ??= pass(signal ? AbortSignal.any([signal, shutdown.signal]) : shutdown.signal).finally(() => {
        running = null;
      });
      const report = await running;
      deps.logger.info({ report }, 'scheduler pass done');
      return report;
    },

    /** Starts the cron schedule. */
    start(): void {
      task = cron.schedule(deps.cronSchedule, () => {
        this.runOnce().catch((err: unknown) => deps.logger.error({ err }, 'scheduler pass failed'));
      });
    },

    async stop(): Promise<void> {
      shutdown.abort();
      await task?.stop();
      task = null;
      await running?.catch(() => undefined);
    },
  };
}
