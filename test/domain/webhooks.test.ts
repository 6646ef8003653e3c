/**
 * Webhooks (issue 26, item 2) over a real store and a real receiver on loopback: the owner's changes
 * (add, remove, replay, resume) and the dispatcher that delivers the audit trail — signed as Standard
 * Webhooks say, in order, at least once, retried with backoff through 500s, time-outs and closed
 * connections, paused after 24 hours with the owner told once, one delivery at a time across replicas,
 * and never to a private address unless allowed.
 */
import pino from 'pino';
import { Webhook } from 'standardwebhooks';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createWebhookPoster } from '../../src/delivery/webhook-http';
import type { Actor } from '../../src/domain/access/actor';
import { createWebhookDispatcher, type WebhookDispatcher } from '../../src/domain/webhooks/webhook-dispatcher';
import { secretKeys } from '../../src/domain/webhooks/webhook-signing';
import { openDatabase } from '../../src/store/database';
import { type DomainHarness, domainStore, LINK_SECRET } from '../support/domain-harness';
import { seedUser } from '../support/seed';
import { testTargets } from '../support/test-database';
import { startWebhookReceiver } from '../support/webhook-receiver';

const silent = pino({ level: 'silent' });

describe.each(testTargets())('webhooks (%s store)', (target) => {
  const store = domainStore(target);
  const cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });
  afterAll(() => store.close());

  async function setup(options: { reachable?: boolean; allowPrivate?: boolean } = {}) {
    const h = await store.fresh();
    const dms: { email: string; text: string }[] = [];
    const services = h.services({
      webhooksAllowPrivate: options.allowPrivate ?? true,
      messenger: {
        send: async (holder, text) => {
          dms.push({ email: holder.email, text });
          return options.reachable ?? true;
        },
      },
    });
    const receiver = await startWebhookReceiver();
    cleanup.push(() => receiver.close());
    const paused: { accountId: string; url: string; lastError: string }[] = [];
    const dispatcher = (
      poster = { allowPrivate: true, timeoutMs: 300 },
      prisma = h.db.prisma,
      keys = [LINK_SECRET],
    ): WebhookDispatcher => {
      const http = createWebhookPoster(poster);
      cleanup.push(async () => http.close());
      return createWebhookDispatcher({
        prisma,
        clock: h.clock,
        logger: silent,
        poster: http,
        keys: secretKeys(keys),
        paused: async (endpoint) => {
          paused.push(endpoint);
        },
      });
    };
    const add = async (url = receiver.url, events: string[] = []) => {
      const done = await services.changes.submit(h.owner, { kind: 'webhook-add', url, events });
      if (done.status !== 'done') throw new Error('webhook-add waited');
      const secret = /`(whsec_[^`]+)`/.exec(dms.at(-1)?.text ?? '')?.[1];
      return { ...done.result, secret: secret ?? '' };
    };
    const record = (action: string) => services.audit.record(h.db.prisma, h.owner, { action, after: { n: action } });
    const endpoint = () => h.db.prisma.webhookEndpoint.findFirstOrThrow();
    /** Moves the clock to the endpoint's next attempt. */
    const untilDue = async () => h.clock.set((await endpoint()).nextAttemptAt);
    return { h, services, dms, receiver, paused, dispatcher, add, record, endpoint, untilDue };
  }

  async function adminActor(h: DomainHarness, services: ReturnType<DomainHarness['services']>): Promise<Actor> {
    const admin = await seedUser({ prisma: h.db.prisma, accountId: h.accountId }, { email: 'ada@example.com', roles: ['admin'] });
    return services.access.actorForUserId(admin.id, 'command');
  }

  it('only the owner manages webhooks; the refusal names the owner', async () => {
    const { h, services, receiver } = await setup();
    const admin = await adminActor(h, services);
    const refused = { code: 'forbidden', message: 'Only the account owner (owner@example.com) manages webhooks. Ask them to.' };
    await expect(services.changes.submit(admin, { kind: 'webhook-add', url: receiver.url, events: [] })).rejects.toMatchObject(
      refused,
    );
    await expect(services.webhooks.list(admin)).rejects.toMatchObject(refused);
    await expect(services.webhooks.test(admin, receiver.url)).rejects.toMatchObject(refused);
    await expect(services.changes.submit(admin, { kind: 'webhook-replay', since: '1d' })).rejects.toMatchObject(refused);
    expect(await h.db.prisma.webhookEndpoint.count()).toBe(0);
  });

  it('refuses URLs that are not public HTTPS, a second registration of a URL, and an eleventh endpoint', async () => {
    const { h, services } = await setup({ allowPrivate: false });
    const add = (url: string) => services.changes.submit(h.owner, { kind: 'webhook-add', url, events: [] });
    const refusals: [string, string][] = [
      ['not a url', 'is not a URL'],
      ['http://siem.example.com/hook', 'must start with https://'],
      ['https://user:pw@siem.example.com/hook', 'no user name or password'],
      ['https://127.0.0.1/hook', '127.0.0.1 is a loopback, private or link-local address'],
      ['https://10.1.2.3/hook', '10.1.2.3 is a loopback'],
      ['https://169.254.169.254/latest/meta-data', '169.254.169.254 is a loopback'],
      ['https://[::1]/hook', '[::1] is a loopback'],
      ['https://[::ffff:192.168.0.1]/hook', 'is a loopback'],
      ['https://localhost:8443/hook', 'localhost is a loopback'],
      ['https://localhost.:8443/hook', 'localhost. is a loopback'],
    ];
    for (const [url, message] of refusals) {
      await expect(add(url), url).rejects.toMatchObject({
        code: 'bad_input',
        field: 'url',
        message: expect.stringContaining(message),
      });
    }
    await expect(add('https://siem.example.com/hook')).resolves.toMatchObject({ status: 'done' });
    await expect(add('https://SIEM.example.com/hook')).rejects.toMatchObject({ code: 'conflict', field: 'url' });
    for (let i = 2; i <= 10; i++) await add(`https://siem.example.com/hook/${i}`);
    await expect(add('https://siem.example.com/hook/11')).rejects.toMatchObject({
      code: 'invalid_state',
      message: expect.stringContaining('at most 10 webhooks'),
    });
    expect(await h.db.prisma.webhookEndpoint.count()).toBe(10);
  });

  it('sends the signing secret to the owner once, keeps only it sealed, and removes an endpoint whose secret reached nobody', async () => {
    const { h, services, dms, add, receiver } = await setup();
    const added = await add();
    expect(added).toMatchObject({ url: receiver.url, delivered: true, events: [] });
    expect(dms).toHaveLength(1);
    expect(dms[0]?.email).toBe('owner@example.com');
    expect(added.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const row = await h.db.prisma.webhookEndpoint.findFirstOrThrow();
    expect(JSON.stringify(row, (_, v) => (typeof v === 'bigint' ? String(v) : v))).not.toContain(added.secret.slice(6));
    expect(row.secretPrefix).toBe(`${added.secret.slice(0, 10)}…`);

    const unreachable = await setup({ reachable: false });
    const lost = await unreachable.add();
    expect(lost.delivered).toBe(false);
    expect(await unreachable.h.db.prisma.webhookEndpoint.count()).toBe(0);
    const actions = await unreachable.h.db.prisma.auditEvent.findMany({ where: { action: { startsWith: 'webhook.' } } });
    expect(actions.map((a) => a.action).sort()).toEqual(['webhook.added', 'webhook.removed']);
    void services;
  });

  it('delivers the events after the registration, in order, signed, with the event id; filters by action', async () => {
    const { record, add, dispatcher, receiver, endpoint } = await setup();
    await record('user.invited'); // before the endpoint: not sent
    const all = await add();
    const { secret } = all;
    await record('user.invited');
    await record('approval.decided');
    await record('group.created');
    const report = await dispatcher().runOnce();
    // The endpoint's own registration comes first, then the three events.
    expect(receiver.deliveries.map((d) => d.type)).toEqual([
      'webhook.added',
      'user.invited',
      'approval.decided',
      'group.created',
    ]);
    expect(report).toEqual({ delivered: 4, failed: 0, paused: 0 });
    const seqs = receiver.deliveries.map((d) => d.seq ?? 0);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    const verifier = new Webhook(secret);
    for (const d of receiver.deliveries) {
      const headers = { 'webhook-id': d.id, 'webhook-timestamp': d.timestamp, 'webhook-signature': d.signature };
      // What a receiver checks (the package's verify also refuses timestamps far from its own clock, and the
      // test clock is weeks behind): the signature over id, timestamp and body, which another body fails.
      const at = new Date(Number(headers['webhook-timestamp']) * 1000);
      expect(d.signature).toBe(verifier.sign(d.id, at, d.body));
      expect(d.signature).not.toBe(verifier.sign(d.id, at, `${d.body} `));
      expect(d.signature).not.toBe(new Webhook(`whsec_${Buffer.alloc(32, 1).toString('base64')}`).sign(d.id, at, d.body));
      const body = JSON.parse(d.body) as { data: { id: string; accountId: string } };
      expect(d.id).toBe(body.data.id);
    }
    expect((await endpoint()).cursor).toBeGreaterThan(0n);
    expect((await endpoint()).lastStatus).toBe(200);
  });

  it('an endpoint with --events gets only those actions, and its cursor passes the others', async () => {
    const { record, add, dispatcher, receiver, endpoint, h } = await setup();
    await add(receiver.url, ['user.*', 'approval.decided']);
    await record('user.invited');
    await record('group.created');
    await record('approval.decided');
    await record('approval.opened');
    await record('user.revoked');
    await dispatcher().runOnce();
    expect(receiver.deliveries.map((d) => d.type)).toEqual(['user.invited', 'approval.decided', 'user.revoked']);
    const { auditSeq } = await h.db.prisma.account.findUniqueOrThrow({ where: { id: h.accountId } });
    expect((await endpoint()).cursor).toBe(auditSeq);
  });

  it('retries through a 500, a time-out and a closed connection with growing waits, then delivers everything once, in order', async () => {
    const { record, add, dispatcher, receiver, endpoint, untilDue, h, services } = await setup();
    await add(receiver.url, ['user.*']);
    const d = dispatcher();
    await record('user.invited');
    await record('user.revoked');
    await record('user.deleted');
    const waits: number[] = [];
    for (const mode of [{ status: 500 }, 'hang', 'close', { status: 503 }] as const) {
      receiver.answer(mode);
      const before = h.clock.now();
      expect(await d.runOnce()).toMatchObject({ delivered: 0, failed: 1 });
      const row = await endpoint();
      waits.push((row.nextAttemptAt.getTime() - before.getTime()) / 1000);
      // Not due yet: nothing is sent before the wait is over.
      expect(await d.runOnce()).toEqual({ delivered: 0, failed: 0, paused: 0 });
      await untilDue();
    }
    expect(waits).toEqual([5, 30, 120, 600]);
    const failing = await endpoint();
    expect(failing).toMatchObject({ attempts: 4, lastStatus: 503, lastError: 'answered 503' });
    receiver.answer({ status: 204 });
    // The owner fixed the receiver: resuming makes the next attempt now rather than in 20 minutes.
    h.clock.set(new Date(failing.nextAttemptAt.getTime() - 60_000));
    expect(await d.runOnce()).toEqual({ delivered: 0, failed: 0, paused: 0 });
    await services.changes.submit(h.owner, { kind: 'webhook-resume', url: receiver.url });
    expect(await d.runOnce()).toMatchObject({ delivered: 3, failed: 0 });
    expect(receiver.accepted().map((x) => x.type)).toEqual(['user.invited', 'user.revoked', 'user.deleted']);
    // The first event was tried five times, always with the same id.
    const first = receiver.deliveries.filter((x) => x.type === 'user.invited');
    expect(first).toHaveLength(5);
    expect(new Set(first.map((x) => x.id)).size).toBe(1);
    expect(first.map((x) => x.answered)).toEqual(['refused', 'hung', 'closed', 'refused', 'ok']);
    expect(await endpoint()).toMatchObject({ attempts: 0, failingSince: null, lastError: null, lastStatus: 204 });
  });

  it('pauses an endpoint failing for 24 hours, tells the owner once, and resuming sends what waited', async () => {
    const { record, add, dispatcher, receiver, endpoint, untilDue, paused, services, h, dms } = await setup();
    await add(receiver.url, ['user.*']);
    const d = dispatcher();
    await record('user.invited');
    receiver.answer({ status: 500 });
    const start = h.clock.now().getTime();
    let attempts = 0;
    while (!(await endpoint()).pausedAt && attempts < 30) {
      await d.runOnce();
      attempts++;
      if (!(await endpoint()).pausedAt) await untilDue();
    }
    const row = await endpoint();
    expect(row.pausedAt).not.toBeNull();
    // 5 s, 30 s, 2 min, 10 min, then doubling, with one attempt at the 24-hour mark.
    expect(attempts).toBe(12);
    expect(h.clock.now().getTime() - start).toBe(24 * 3_600_000);
    expect(paused).toEqual([{ accountId: h.accountId, url: receiver.url, lastError: 'answered 500' }]);
    h.clock.advanceHours(48);
    expect(await d.runOnce()).toEqual({ delivered: 0, failed: 0, paused: 0 });
    expect(paused).toHaveLength(1);

    // The service's notice (main.ts calls it for the dispatcher): recorded, and the owner is told what to do.
    await services.webhooks.paused(receiver.url, 'answered 500');
    expect(dms.at(-1)?.text).toContain(`/users webhook resume ${receiver.url}`);

    receiver.answer({ status: 200 });
    await expect(services.changes.submit(h.owner, { kind: 'webhook-resume', url: receiver.url })).resolves.toMatchObject({
      status: 'done',
    });
    await expect(services.changes.submit(h.owner, { kind: 'webhook-resume', url: receiver.url })).rejects.toMatchObject({
      code: 'invalid_state',
    });
    await d.runOnce();
    expect(receiver.accepted().map((x) => x.type)).toEqual(['user.invited']);
    expect(await endpoint()).toMatchObject({ pausedAt: null, attempts: 0 });
  });

  it('pauses at once an endpoint whose secret no longer opens (ROSTER_SECRET changed without the previous one)', async () => {
    const { add, dispatcher, record, receiver, endpoint, paused, h } = await setup();
    await add(receiver.url, ['user.*']);
    await record('user.invited');
    const report = await dispatcher(undefined, undefined, ['n'.repeat(32)]).runOnce();
    expect(report).toEqual({ delivered: 0, failed: 0, paused: 1 });
    expect(receiver.deliveries).toHaveLength(0);
    expect(await endpoint()).toMatchObject({ attempts: 1, lastError: expect.stringContaining('signing secret does not open') });
    expect((await endpoint()).pausedAt).not.toBeNull();
    expect(paused).toHaveLength(1);
    expect(await h.db.prisma.auditEvent.count({ where: { action: 'webhook.paused' } })).toBe(1);
    // The previous secret still opens it: resumed, it delivers.
    await h.db.prisma.webhookEndpoint.updateMany({ data: { pausedAt: null, attempts: 0 } });
    expect(await dispatcher(undefined, undefined, ['n'.repeat(32), LINK_SECRET]).runOnce()).toMatchObject({ delivered: 1 });
  });

  it('stopping cuts a delivery that hangs short, records no failure, and the event goes out after the restart', async () => {
    const { add, dispatcher, record, receiver, endpoint } = await setup();
    await add(receiver.url, ['user.*']);
    await record('user.invited');
    receiver.answer('hang');
    const first = dispatcher({ allowPrivate: true, timeoutMs: 20_000 });
    const running = first.runOnce();
    await expect.poll(() => receiver.deliveries.length, { timeout: 5000, interval: 10 }).toBe(1);
    const started = Date.now();
    await first.stop();
    expect(Date.now() - started).toBeLessThan(3000);
    expect(await running).toEqual({ delivered: 0, failed: 0, paused: 0 });
    expect(await endpoint()).toMatchObject({ attempts: 0, leaseOwner: null });
    receiver.answer({ status: 200 });
    expect(await dispatcher().runOnce()).toMatchObject({ delivered: 1 });
    expect(receiver.accepted().map((d) => d.type)).toEqual(['user.invited']);
  });

  it('replays what happened since a time, with the same ids', async () => {
    const { record, add, dispatcher, receiver, services, h } = await setup();
    await add(receiver.url, ['user.*']);
    await record('user.invited');
    h.clock.advanceHours(2);
    const since = h.clock.now();
    await record('user.revoked');
    h.clock.advanceHours(1);
    await record('user.deleted');
    const d = dispatcher();
    await d.runOnce();
    const firstIds = receiver.deliveries.map((x) => x.id);
    expect(firstIds).toHaveLength(3);
    const replayed = await services.changes.submit(h.owner, { kind: 'webhook-replay', since: since.toISOString() });
    expect(replayed).toMatchObject({ status: 'done', result: { urls: [receiver.url], events: 2 } });
    await d.runOnce();
    // The replay's own audit event is not a user.* one: only the two events again.
    expect(receiver.deliveries.map((x) => x.id)).toEqual([...firstIds, ...firstIds.slice(1)]);
    // A span back: 30 minutes before the second event (the clock is an hour past it).
    await services.changes.submit(h.owner, { kind: 'webhook-replay', since: '90m' });
    await d.runOnce();
    expect(receiver.deliveries.map((x) => x.id).slice(5)).toEqual(firstIds.slice(1));
  });

  it('does not connect to a private address unless allowed, checked when connecting (after DNS)', async () => {
    const { add, dispatcher, record, receiver, endpoint } = await setup();
    const port = new URL(receiver.url).port;
    await add(`https://localhost:${port}/hook`, ['user.*']);
    await record('user.invited');
    await dispatcher({ allowPrivate: false, timeoutMs: 300 }).runOnce();
    expect(receiver.deliveries).toHaveLength(0);
    // The address is not named: the owner would otherwise learn what internal names resolve to.
    expect((await endpoint()).lastError).toBe('localhost resolves to an address that is not public');

    const literal = createWebhookPoster({ allowPrivate: false, timeoutMs: 300 });
    expect(await literal.post('https://127.0.0.1/hook', {}, '{}')).toEqual({ error: '127.0.0.1 is not a public address' });
    expect(await literal.post('https://[::ffff:10.0.0.1]/hook', {}, '{}')).toEqual({
      error: '::ffff:a00:1 is not a public address',
    });
    expect(await literal.post(receiver.url, {}, '{}')).toEqual({ error: 'http:// is not allowed' });
    literal.close();
  });

  it('two replicas deliver each event once and in order, one delivery at a time', async () => {
    const { add, dispatcher, record, receiver, h } = await setup();
    await add(receiver.url, ['user.*']);
    receiver.answer({ status: 200, delayMs: 5 });
    let second = h.db.prisma;
    if (target === 'postgres') {
      const other = await openDatabase({ databaseUrl: h.url, dataDir: '/tmp' });
      cleanup.push(() => other.close());
      second = other.prisma;
    }
    const replicas = [dispatcher(), dispatcher(undefined, second)];
    for (let round = 0; round < 5; round++) {
      for (let i = 0; i < 6; i++) await record('user.invited');
      await Promise.all([...replicas.map((r) => r.runOnce()), ...replicas.map((r) => r.runOnce())]);
    }
    await Promise.all(replicas.map((r) => r.runOnce()));
    const seqs = receiver.deliveries.map((d) => d.seq ?? 0);
    expect(seqs).toHaveLength(30);
    expect(new Set(seqs).size).toBe(30);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(receiver.maxInFlight()).toBe(1);
  });

  it('a replay while a replica is delivering starts no second stream: the holder stops, the next one starts over', async () => {
    const { add, dispatcher, record, receiver, services, h } = await setup();
    await add(receiver.url, ['user.*']);
    for (let i = 0; i < 120; i++) await record('user.invited');
    let second = h.db.prisma;
    if (target === 'postgres') {
      const other = await openDatabase({ databaseUrl: h.url, dataDir: '/tmp' });
      cleanup.push(() => other.close());
      second = other.prisma;
    }
    const [one, two] = [dispatcher(), dispatcher(undefined, second)];
    receiver.answer({ status: 200, delayMs: 3 });
    const delivering = one.runOnce();
    await expect.poll(() => receiver.deliveries.length, { timeout: 5000, interval: 5 }).toBeGreaterThan(20);
    // Replay everything while the first replica is part-way; the second polls all along.
    await services.changes.submit(h.owner, { kind: 'webhook-replay', since: '1d' });
    const polling = (async () => {
      for (let i = 0; i < 50; i++) await two.runOnce();
    })();
    await Promise.all([delivering, polling]);
    await two.runOnce();
    await one.runOnce();
    expect(receiver.maxInFlight()).toBe(1);
    const seqs = receiver.deliveries.map((d) => d.seq ?? 0);
    // Every event was sent at least once, and the stream started over once, from the first event.
    const restarts = seqs.flatMap((seq, i) => (i > 0 && seq < (seqs[i - 1] ?? 0) ? [i] : []));
    expect(restarts).toHaveLength(1);
    const tail = seqs.slice(restarts[0]);
    expect(tail).toEqual([...tail].sort((a, b) => a - b));
    expect(new Set(tail).size).toBe(120);
  });
});
