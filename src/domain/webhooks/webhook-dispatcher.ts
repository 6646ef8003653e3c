/**
 * Delivers every account's audit events to its webhook endpoints: in order per endpoint, at least
 * once, one delivery at a time per endpoint across all replicas. Each replica polls the store for
 * endpoints with events after their cursor and leases a few; for each it reads the events after the
 * cursor, sends those its patterns take (signed, Standard Webhooks) and moves the cursor past each
 * one only once the endpoint answered 2xx. A failure keeps the cursor where it is and schedules the
 * next attempt (webhook-retries.ts); after 24 hours of failures the endpoint is paused and the owner
 * told. Everything lives in the store, so a restart or another replica picks up where one stopped.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import type { Logger } from 'pino';
import { readAuditPage } from '../../store/audit/audit-pages';
import { type Store, transaction } from '../../store/tx';
import {
  advanceWebhook,
  claimDueWebhooks,
  recordWebhookFailure,
  releaseWebhook,
  type WebhookLease,
  type WebhookRow,
} from '../../store/webhooks/webhook-rows';
import { systemActor } from '../access/actor';
import { createAuditService } from '../audit/audit-service';
import type { Clock } from '../clock';
import { forEachLimited } from '../for-each-limited';
import type { WebhookAnswer, WebhookPoster } from '../ports';
import { eventMessage, matchesEvents } from './webhook-events';
import { afterFailure } from './webhook-retries';
import { type SecretKeys, signedHeaders } from './webhook-signing';

/** How long a replica holds an endpoint without renewing its lease (each delivery renews it). */
export const LEASE_MS = 60_000;
/** Endpoints one poll leases, all served at once: a lease never waits in a queue while it runs down. */
const ENDPOINTS_AT_ONCE = 4;
/** One endpoint's turn ends after this many deliveries or this long, and it goes behind the others due. */
const TURN_DELIVERIES = 1000;
const TURN_MS = 15_000;
/** Events read after a cursor at a time. */
const EVENTS_PER_READ = 200;
/** The cursor is stored after this many events, or this long, whichever comes first. */
const CURSOR_EVERY = 50n;
const CURSOR_EVERY_MS = 1000;

/** What one poll did, for tests and logs. */
export interface DispatchReport {
  delivered: number;
  failed: number;
  paused: number;
}

/** Told once when an endpoint is paused (the pause and its audit event are recorded): the owner hears of it. */
export type PausedNotice = (endpoint: { accountId: string; url: string; lastError: string }) => Promise<void>;

export type WebhookDispatcher = ReturnType<typeof createWebhookDispatcher>;

export function createWebhookDispatcher(deps: {
  prisma: Store;
  clock: Clock;
  logger: Logger;
  poster: WebhookPoster;
  keys: SecretKeys;
  paused: PausedNotice;
  /** How often a running dispatcher looks for work. */
  pollMs?: number;
  /** Counts deliveries by outcome (src/metrics). */
  delivered?: (outcome: 'ok' | 'failed') => void;
}) {
  const { prisma, clock, logger } = deps;
  // Leases name the replica and the dispatcher, so a stale holder's writes are refused.
  const owner = randomUUID();
  const stopping = new AbortController();
  let running: Promise<DispatchReport> | null = null;
  let loop: Promise<void> | null = null;

  function failureOf(answer: WebhookAnswer): { status: number | null; error: string } | null {
    if ('error' in answer) return { status: null, error: answer.error };
    if (answer.status >= 200 && answer.status < 300) return null;
    return { status: answer.status, error: `answered ${answer.status}` };
  }

  /** Delivers what waits for one leased endpoint until it is done, fails, or the lease is lost. */
  async function serve(endpoint: WebhookRow, report: DispatchReport): Promise<void> {
    const lease: WebhookLease = { id: endpoint.id, owner, generation: endpoint.generation };
    const secret = deps.keys.open(endpoint.secretSealed, endpoint.id);
    const turnStart = performance.now();
    let turnDeliveries = 0;
    let cursor = endpoint.cursor;
    // The cursor as stored, and the last delivery not yet recorded with it.
    let stored = endpoint.cursor;
    let storedAt = performance.now();
    let lastDelivery: { at: Date; status: number } | undefined;
    // The failures in a row so far: the stored ones until a delivery succeeds.
    const failing = { attempts: endpoint.attempts, since: endpoint.failingSince };

    /** Stores the cursor and renews the lease; false when the lease or its generation was lost. */
    async function store(): Promise<boolean> {
      const kept = await advanceWebhook(prisma, lease, {
        cursor,
        leaseUntil: new Date(clock.now().getTime() + LEASE_MS),
        delivered: lastDelivery,
      });
      stored = cursor;
      storedAt = performance.now();
      lastDelivery = undefined;
      return kept;
    }

    /** Ends the turn: what was done is stored, and the lease given back with the endpoint behind the others due. */
    async function endTurn(): Promise<void> {
      if (cursor > stored && !(await store())) return release();
      await releaseWebhook(prisma, lease, clock.now());
    }

    // Lost: rewound, resumed or removed (the generation moved), or taken over after the lease ran out.
    // Whoever comes next starts from the endpoint as it is now.
    const release = () => releaseWebhook(prisma, lease);

    while (!stopping.signal.aborted) {
      const events = await readAuditPage(prisma, endpoint.accountId, { after: cursor, limit: EVENTS_PER_READ, filter: {} });
      if (events.length === 0) break;
      for (const event of events) {
        if (stopping.signal.aborted) break;
        if (!matchesEvents(endpoint.events, event.action)) {
          cursor = event.accountSeq;
          continue;
        }
        // A turn is bounded, so that other endpoints get theirs; the lease is renewed long before it could run out.
        if (turnDeliveries >= TURN_DELIVERIES || performance.now() - turnStart >= TURN_MS) return endTurn();
        if (performance.now() - storedAt >= LEASE_MS / 4 && !(await store())) return release();
        if (!secret) {
          // No attempt can succeed until the owner adds the endpoint again: paused at once, not retried for a day.
          const error =
            'its signing secret does not open with this ROSTER_SECRET (or ROSTER_SECRET_PREVIOUS); remove it and add it again';
          if (cursor > stored && !(await store())) return release();
          await fail(endpoint, lease, failing, { status: null, error }, report, true);
          return;
        }
        const message = eventMessage(endpoint.accountId, event);
        const answer = await deps.poster.post(
          endpoint.url,
          signedHeaders(secret, message, clock.now()),
          message.body,
          stopping.signal,
        );
        // Cut short because Roster is stopping: not the endpoint's failure; the event goes out after the restart.
        if (stopping.signal.aborted && 'error' in answer) return endTurn();
        const failure = failureOf(answer);
        if (failure) {
          deps.delivered?.('failed');
          report.failed++;
          // What was delivered or passed over before the failed event stays so.
          if (cursor > stored && !(await store())) return release();
          await fail(endpoint, lease, failing, failure, report);
          return;
        }
        deps.delivered?.('ok');
        report.delivered++;
        turnDeliveries++;
        failing.attempts = 0;
        failing.since = null;
        cursor = event.accountSeq;
        lastDelivery = { at: clock.now(), status: (answer as { status: number }).status };
        // The cursor is stored every few deliveries (a replica that dies in between sends those again, with
        // the same ids: at least once) and at least every second.
        if (cursor - stored >= CURSOR_EVERY || performance.now() - storedAt >= CURSOR_EVERY_MS) {
          if (!(await store())) return release();
        }
      }
      if (cursor > stored && !(await store())) return release();
      if (events.length < EVENTS_PER_READ) break;
    }
    await endTurn();
  }

  async function fail(
    endpoint: WebhookRow,
    lease: WebhookLease,
    failing: { attempts: number; since: Date | null },
    failure: { status: number | null; error: string },
    report: DispatchReport,
    pauseNow = false,
  ) {
    const now = clock.now();
    const failingSince = failing.since ?? now;
    const attempts = failing.attempts + 1;
    const next: ReturnType<typeof afterFailure> = pauseNow ? { pause: true } : afterFailure(attempts, failingSince, now);
    const paused = await transaction(prisma, async (tx) => {
      const recorded = await recordWebhookFailure(tx, lease, {
        attempts,
        failingSince,
        nextAttemptAt: next.pause ? now : next.next,
        status: failure.status,
        error: failure.error,
        pausedAt: next.pause ? now : null,
      });
      if (!recorded || !next.pause) return false;
      // Recorded with the pause itself: the trail never lacks it, whatever becomes of the owner's DM.
      await createAuditService({ db: tx, accountId: endpoint.accountId, clock }).record(tx, systemActor('system'), {
        action: 'webhook.paused',
        after: { url: endpoint.url, lastError: failure.error },
      });
      return true;
    });
    logger.warn({ endpoint: endpoint.id, attempts, err: failure.error }, 'a webhook delivery failed');
    if (!paused) return;
    report.paused++;
    await deps
      .paused({ accountId: endpoint.accountId, url: endpoint.url, lastError: failure.error })
      .catch((err: unknown) => logger.error({ err, endpoint: endpoint.id }, 'could not tell the owner of a paused webhook'));
  }

  async function poll(): Promise<DispatchReport> {
    const report: DispatchReport = { delivered: 0, failed: 0, paused: 0 };
    if (stopping.signal.aborted) return report;
    const now = clock.now();
    const leased = await claimDueWebhooks(prisma, {
      owner,
      now,
      leaseUntil: new Date(now.getTime() + LEASE_MS),
      limit: ENDPOINTS_AT_ONCE,
    });
    await forEachLimited(leased, ENDPOINTS_AT_ONCE, async (endpoint) => {
      try {
        await serve(endpoint, report);
      } catch (err) {
        // The store went away mid-delivery, say: the lease runs out and the next poll (here or elsewhere) goes on.
        logger.error({ err, endpoint: endpoint.id }, 'webhook delivery stopped');
      }
    });
    return report;
  }

  return {
    /** One poll: leases the endpoints with work and delivers what waits for them; joins a poll already running. */
    runOnce(): Promise<DispatchReport> {
      running ??= poll().finally(() => {
        running = null;
      });
      return running;
    },

    /** Polls until stopped; a poll that delivered something is followed at once by the next. */
    start(): void {
      const pollMs = deps.pollMs ?? 1000;
      loop ??= (async () => {
        while (!stopping.signal.aborted) {
          const report = await this.runOnce().catch((err: unknown) => {
            logger.error({ err }, 'webhook poll failed');
            return null;
          });
          if (report && report.delivered > 0) continue;
          await delay(pollMs, undefined, { signal: stopping.signal }).catch(() => undefined);
        }
      })();
    },

    /** Stops polling and cuts the delivery in flight short (not counted as a failure); resolves once the lease is given back. */
    async stop(): Promise<void> {
      stopping.abort();
      await loop;
      await running?.catch(() => undefined);
    },
  };
}
