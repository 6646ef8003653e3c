/**
 * Webhooks: 10 000 audit events (`BENCH_WEBHOOK_EVENTS`) delivered to 3 endpoints on loopback while
 * one of them answers 503 for the first minute (`BENCH_WEBHOOK_DOWN_SECONDS`), on PostgreSQL when
 * `TEST_POSTGRES_URL` is set (else the embedded store). Reported: how long the healthy endpoints took
 * to receive everything next to a baseline of the same signed POSTs sent straight from memory in the
 * same run, their delivery lag p99, and for the endpoint that was down, when it had everything after
 * it came back (its retries wait 5 s, 30 s, 2 min, …) and the lag p99 of the events recorded after that.
 */
import pino from 'pino';
import { createWebhookPoster } from '../src/delivery/webhook-http';
import { systemClock } from '../src/domain/clock';
import { createWebhookDispatcher } from '../src/domain/webhooks/webhook-dispatcher';
import { secretKeys, signedHeaders } from '../src/domain/webhooks/webhook-signing';
import { LINK_SECRET, startDomainHarness } from '../test/support/domain-harness';
import { startWebhookReceiver } from '../test/support/webhook-receiver';
import { type BenchRow, percentile, ratio } from './bench-row';

const EVENTS = Number(process.env.BENCH_WEBHOOK_EVENTS ?? 10_000);
const DOWN_MS = Number(process.env.BENCH_WEBHOOK_DOWN_SECONDS ?? 60) * 1000;
const BATCH = 100;

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

async function until(done: () => boolean, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > end) throw new Error('webhook bench: deliveries did not finish in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export async function run(): Promise<BenchRow[]> {
  const target = process.env.TEST_POSTGRES_URL ? 'postgres' : 'embedded';
  const h = await startDomainHarness(target);
  const receivers = await Promise.all([startWebhookReceiver('/a'), startWebhookReceiver('/b'), startWebhookReceiver('/down')]);
  const [a, b, down] = receivers as [(typeof receivers)[0], (typeof receivers)[0], (typeof receivers)[0]];
  const poster = createWebhookPoster({ allowPrivate: true, timeoutMs: 10_000 });
  try {
    const services = h.services({ messenger: { send: async () => true } });
    for (const receiver of receivers) {
      await services.changes.submit(h.owner, { kind: 'webhook-add', url: receiver.url, events: ['user.*'] });
    }

    // Baseline: the same number of signed POSTs, one after another, straight to an endpoint.
    const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    const body = JSON.stringify({ type: 'user.updated', timestamp: new Date().toISOString(), data: { seq: 1 } });
    const baselineStart = performance.now();
    for (let i = 0; i < EVENTS; i++) {
      const message = { id: `msg_${i}`, at: new Date(), body };
      await poster.post(a.url, signedHeaders(secret, message, new Date()), body);
    }
    const baselineMs = performance.now() - baselineStart;
    a.deliveries.length = 0;

    const dispatcher = createWebhookDispatcher({
      prisma: h.db.prisma,
      clock: systemClock,
      logger: pino({ level: 'silent' }),
      poster,
      keys: secretKeys([LINK_SECRET]),
      paused: async () => undefined,
      pollMs: 100,
    });
    down.answer({ status: 503 });
    const started = Date.now();
    dispatcher.start();
    const audit = services.audit;
    for (let i = 0; i < EVENTS; i += BATCH) {
      // The harness's clock is a test clock: events are stamped with the time they are written.
      h.clock.set(new Date());
      const entries = Array.from({ length: Math.min(BATCH, EVENTS - i) }, (_, j) => ({
        action: 'user.updated',
        after: { n: i + j },
      }));
      await audit.record(h.db.prisma, h.owner, ...entries);
    }
    const written = Date.now();
    const healthy = () => a.accepted().length >= EVENTS && b.accepted().length >= EVENTS;
    await until(healthy, 600_000);
    const healthyMs = Math.max(...[a, b].map((r) => (r.accepted().at(-1)?.receivedAt ?? 0) - started));
    const lags = [a, b].flatMap((r) => r.accepted().map((d) => d.receivedAt - (d.eventAt ?? d.receivedAt)));

    await new Promise((resolve) => setTimeout(resolve, Math.max(0, started + DOWN_MS - Date.now())));
    down.answer({ status: 200 });
    const upAt = Date.now();
    await until(() => down.accepted().length >= EVENTS, 900_000);
    const caughtUpMs = (down.accepted().at(-1)?.receivedAt ?? 0) - upAt;
    const afterRecovery = down.accepted().map((d) => d.receivedAt - Math.max(d.eventAt ?? upAt, upAt));
    await dispatcher.stop();

    const ids = (r: typeof a) => r.accepted().map((d) => d.seq ?? 0);
    const inOrder = receivers.every((r) => ids(r).every((seq, i, all) => i === 0 || seq > (all[i - 1] ?? 0)));
    const attempts = down.deliveries.filter((d) => d.answered === 'refused').length;
    return [
      {
        benchmark: `webhooks: ${EVENTS} events to 3 endpoints, one down ${DOWN_MS / 1000} s (${target})`,
        measure: 'healthy endpoints have every event',
        value: seconds(healthyMs),
        baseline: `${seconds(baselineMs)} (same POSTs from memory)`,
        ratio: ratio(healthyMs, baselineMs),
        notes: `events written in ${seconds(written - started)}; lag p99 ${seconds(percentile(lags, 99))}, p50 ${seconds(percentile(lags, 50))}; in order, once each: ${inOrder && a.accepted().length === EVENTS && b.accepted().length === EVENTS}`,
      },
      {
        benchmark: `webhooks: the endpoint that was down (${target})`,
        measure: 'has every event, after it came back',
        value: seconds(caughtUpMs),
        notes: `${attempts} refused attempts while down (retries 5 s, 30 s, 2 min, …); lag p99 after it came back ${seconds(percentile(afterRecovery, 99))}; in order: ${inOrder}; deliveries ${down.accepted().length} for ${EVENTS} events`,
      },
    ];
  } finally {
    poster.close();
    for (const receiver of receivers) await receiver.close();
    await h.close();
  }
}
