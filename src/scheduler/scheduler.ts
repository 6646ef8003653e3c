/**
 * The scheduler: one pass finds the accounts with anything due (one query over every account) and,
 * for each (a few at a time), claims it, changes what is due (batch by batch) and then sends what its
 * outbox holds, with that account's Slack token only. An idle account costs nothing.
 * Passes run on CRON_SCHEDULE in every replica: each account's part goes to the replica that claims it
 * first, and the database keeps the work itself from doubling up.
 */
import { randomUUID } from 'node:crypto';
import cron, { type ScheduledTask } from 'node-cron';
import type { Logger } from 'pino';
import { forEachLimited } from '../domain/for-each-limited';
import type { Metrics } from '../metrics/metrics-port';
import { claimAccountPass, type DueWork, releaseAccountPass } from '../store/scheduler/due-accounts';
import { type AccountWork, emptyReport, type PassReport, runAccountSteps } from './account-steps';
import { type DueWorkDeps, pruneRateLimits } from './due-work';

export type { AccountWork, PassReport } from './account-steps';

/**
 * Accounts served at once in a pass: an account's part is a few short statements per step due, mostly
 * round trips, so a few at a time keep a pass over many workspaces short (see the README's bench row).
 */
const ACCOUNTS_IN_FLIGHT = 4;

/** An account a pass visits; its work (services, Slack client) is built only once its claim is held. */
export interface AccountRef {
  accountId: string;
  /** What is due in it (due-accounts.ts): the steps of its part of the pass. */
  due: ReadonlySet<DueWork>;
  /** Null when the account is no longer served (uninstalled since). */
  work(): Promise<AccountWork | null>;
}

/** How long a replica holds an account's part of a pass before another may take it (a replica that died). */
const CLAIM_MS = 15 * 60_000;

export type Scheduler = ReturnType<typeof createScheduler>;

export function createScheduler(deps: {
  /** The accounts with anything due at the pass's start, asked afresh each pass (src/store/scheduler/due-accounts.ts). */
  accounts: (now: Date) => Promise<AccountRef[]>;
  /** The deployment's own housekeeping, once a pass whatever accounts are installed (rate limits belong to none). */
  housekeeping: Pick<DueWorkDeps, 'prisma' | 'clock'>;
  logger: Logger;
  cronSchedule: string;
  /** Times each pass and counts what it did. */
  metrics?: Pick<Metrics, 'schedulerPass'>;
}) {
  let task: ScheduledTask | null = null;
  // Names this scheduler's claims: another replica's are not its to release.
  const owner = randomUUID();
  let running: Promise<PassReport> | null = null;
  // Stopping the process stops a pass between batches; what it did is committed, the next pass goes on.
  const shutdown = new AbortController();

  async function pass(signal?: AbortSignal): Promise<PassReport> {
    const report = emptyReport();
    // A pass asked for once stopping began (a cron tick racing `stop`) does nothing: the store is about to close.
    if (signal?.aborted) return { ...report, stopped: true };
    const failures: unknown[] = [];
    const { prisma, clock } = deps.housekeeping;
    const passStart = clock.now();
    // Replicas running the same pass walk the accounts in different orders and claim each before its work,
    // so they share it rather than queue behind each other's claims.
    const accounts = shuffled(await deps.accounts(passStart));
    await forEachLimited(accounts, ACCOUNTS_IN_FLIGHT, async ({ accountId, due, work }) => {
      if (signal?.aborted) return;
      const now = clock.now();
      let done = false;
      try {
        const until = new Date(now.getTime() + CLAIM_MS);
        if (!(await claimAccountPass(prisma, { accountId, owner, now, until, passStart }))) return;
        try {
          const account = await work();
          if (account) add(report, await runAccountSteps(account, due, signal));
          done = !signal?.aborted;
        } finally {
          await releaseAccountPass(prisma, { accountId, owner, doneAt: done ? clock.now() : null });
        }
      } catch (err) {
        // One account's failure (its Slack, its data) does not hold up the others; the next pass retries it.
        deps.logger.error({ err, accountId }, 'scheduler pass failed for an account');
        failures.push(err);
      }
    });
    if (!signal?.aborted) await pruneRateLimits(deps.housekeeping);
    if (failures.length > 0) throw failures[0];
    report.stopped = signal?.aborted ?? false;
    return report;
  }

  /** Reports a pass's duration and items to the metrics (real time: the injected clock is the directory's time). */
  async function measured(running: Promise<PassReport>): Promise<PassReport> {
    const started = performance.now();
    const seconds = () => (performance.now() - started) / 1000;
    try {
      const report = await running;
      deps.metrics?.schedulerPass(seconds(), report.stopped ? 'stopped' : 'ok', { ...report, stopped: 0 });
      return report;
    } catch (error) {
      deps.metrics?.schedulerPass(seconds(), 'failed', {});
      throw error;
    }
  }

  return {
    /** Runs one pass; a pass already running in this process is joined rather than doubled. */
    async runOnce(signal?: AbortSignal): Promise<PassReport> {
      running ??= measured(pass(signal ? AbortSignal.any([signal, shutdown.signal]) : shutdown.signal)).finally(() => {
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

    /** Stops the schedule and a running pass after the batch it is in (which commits); resolves once that batch is done. */
    async stop(): Promise<void> {
      shutdown.abort();
      await task?.stop();
      task = null;
      await running?.catch(() => undefined);
    },
  };
}

/** A copy of `items` in random order. */
function shuffled<T>(items: readonly T[]): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  }
  return copy;
}

function add(total: PassReport, part: PassReport): void {
  for (const key of Object.keys(total) as (keyof PassReport)[]) {
    if (key !== 'stopped') total[key] += part[key];
  }
}
