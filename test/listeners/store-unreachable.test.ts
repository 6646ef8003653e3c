/**
 * A store that goes away under a running Roster: every Slack command and button gets the plain
 * answer within a few seconds, the API and SCIM answer 503 with Retry-After, /readyz says 503 (and
 * /healthz still 200), and once the store is back Roster carries on with nothing lost. PostgreSQL is
 * cut through a proxy (the shared server keeps running); the embedded store is closed under Roster.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/store/database';
import { isStoreUnreachable, STORE_UNREACHABLE_TEXT } from '../../src/store/store-unreachable';
import { type ListenerHarness, OWNER, startListenerHarness } from '../support/listener-harness';
import { type StoreProxy, startStoreProxy } from '../support/store-proxy';
import { freshDatabaseUrl, testTargets } from '../support/test-database';

const PLAIN = `:warning: ${STORE_UNREACHABLE_TEXT}`;

describe.each(testTargets())('a store that cannot be reached (%s store)', (target) => {
  let h: ListenerHarness;
  let proxy: StoreProxy | undefined;
  let dropDatabase: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    if (target === 'postgres') {
      const url = new URL(process.env.TEST_POSTGRES_URL as string);
      proxy = await startStoreProxy({ host: url.hostname, port: Number(url.port || 5432) });
      const database = await freshDatabaseUrl('postgres');
      dropDatabase = database.drop;
      h = await startListenerHarness(target, { DATABASE_URL: proxy.through(database.url) });
    } else {
      h = await startListenerHarness(target);
    }
  });
  afterAll(async () => {
    await proxy?.restore();
    await h?.close();
    await proxy?.close();
    await dropDatabase?.();
  });

  /** The store goes away: PostgreSQL's connections are cut and refused, the embedded store closes. */
  async function storeGoesAway(mode: 'refuse' | 'blackhole' = 'refuse') {
    if (proxy) await proxy.cut(mode);
    else {
      // Prisma's pool would otherwise keep the embedded store's close waiting for its idle connections.
      await h.roster.prisma.$disconnect();
      await h.roster.database.embedded?.close();
    }
  }

  it('is ready while the store answers with every migration applied, and not when one is missing', async () => {
    expect((await h.fetch(`${h.baseUrl}/readyz`)).status).toBe(200);
    const [latest] = await h.roster.prisma.$queryRaw<{ id: string }[]>`
      SELECT id FROM "_prisma_migrations" ORDER BY migration_name DESC LIMIT 1`;
    await h.roster.prisma.$executeRaw`UPDATE "_prisma_migrations" SET rolled_back_at = now() WHERE id = ${latest?.id}`;
    try {
      const answer = await h.fetch(`${h.baseUrl}/readyz`);
      expect(answer.status).toBe(503);
      expect(await answer.json()).toEqual({ ok: false });
    } finally {
      await h.roster.prisma.$executeRaw`UPDATE "_prisma_migrations" SET rolled_back_at = NULL WHERE id = ${latest?.id}`;
    }
    expect((await h.fetch(`${h.baseUrl}/readyz`)).status).toBe(200);
  });

  it('answers every surface plainly while the store is away', async () => {
    h.fake.addUser({ id: 'UANN', email: 'ann@example.com', name: 'Ann' });
    const before = await h.slack.commandAndWait(OWNER.slackId, 'invite ann@example.com');
    expect(before.text).toContain('Invited ann@example.com');
    const ann = await h.roster.prisma.user.findFirstOrThrow({ where: { email: 'ann@example.com' } });

    await storeGoesAway();
    const started = Date.now();
    const invite = await h.slack.commandAndWait(OWNER.slackId, 'invite bob@example.com', 8_000);
    expect(invite.text).toBe(PLAIN);
    const list = await h.slack.commandAndWait(OWNER.slackId, 'list', 8_000);
    expect(list.text).toBe(PLAIN);
    const button = await h.slack.blockActionAndWait(OWNER.slackId, { actionId: 'help.list' });
    expect(button.text).toBe(PLAIN);
    expect(Date.now() - started).toBeLessThan(8_000);
    // A submitted form is told too: over the form (a modal pushed on top, if the account could not be
    // looked up) or, once the submission ran, by ephemeral message where it came from.
    const modal = await h.slack.viewSubmission(OWNER.slackId, {
      callbackId: 'edit.modal',
      privateMetadata: JSON.stringify({ userId: ann.id, channelId: 'C0GENERAL' }),
      values: { 'edit.name': { 'edit.name': { type: 'plain_text_input', value: 'Ann Lee' } } },
    });
    expect(modal.status).toBe(200);
    if (modal.json?.response_action === 'push') expect(JSON.stringify(modal.json.view)).toContain(STORE_UNREACHABLE_TEXT);
    else
      await h.fake.waitFor(
        () => h.fake.callsTo('chat.postEphemeral').find((c) => c.args.text === PLAIN && c.args.channel === 'C0GENERAL'),
        8_000,
      );

    const api = await h.fetch(`${h.baseUrl}/api/v1/auth/verify`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ apiKey: 'rk_whatever' }),
    });
    expect(api.status).toBe(503);
    expect(api.headers.get('retry-after')).toBe('30');
    expect(await api.json()).toEqual({ error: 'store_unreachable', message: STORE_UNREACHABLE_TEXT });

    const scim = await h.fetch(`${h.baseUrl}/scim/v2/Users`, { headers: { authorization: 'Bearer some-token' } });
    expect(scim.status).toBe(503);
    expect(scim.headers.get('retry-after')).toBe('30');
    expect(scim.headers.get('content-type')).toContain('application/scim+json');
    expect(await scim.json()).toMatchObject({ status: '503', detail: STORE_UNREACHABLE_TEXT });

    const page = await h.fetch(`${h.baseUrl}/invite/${'a'.repeat(43)}`);
    expect(page.status).toBe(503);
    expect(await page.text()).toContain('cannot be reached right now');

    expect((await h.fetch(`${h.baseUrl}/readyz`)).status).toBe(503);
    expect((await h.fetch(`${h.baseUrl}/healthz`)).status).toBe(200);

    // An outage of the store is a warning, not an unexpected error with a reference.
    expect(h.logs()).toContain('the store cannot be reached');
    expect(h.logs()).not.toContain('unexpected error while handling a Slack request');
    expect(h.logs()).not.toContain('web request failed');
    expect(h.logs()).not.toContain('a modal submission failed');
  }, 30_000);

  it.runIf(target === 'postgres')(
    'gives up connecting to a store that never answers after a few seconds',
    async () => {
      await proxy?.cut('blackhole');
      const database = await openDatabase({
        databaseUrl: proxy?.through(h.roster.config.databaseUrl as string),
        dataDir: h.dataDir,
        migrate: false,
      });
      try {
        const started = Date.now();
        const error = await database.prisma.$queryRaw`SELECT 1`.then(
          () => null,
          (err: unknown) => err,
        );
        expect(isStoreUnreachable(error)).toBe(true);
        expect(Date.now() - started).toBeLessThan(7_000);
      } finally {
        await database.close();
        await proxy?.restore();
      }
    },
    20_000,
  );

  it.runIf(target === 'postgres')(
    'answers in time while connecting to a store that never answers, then carries on when it is back',
    async () => {
      await proxy?.cut('blackhole');
      const started = Date.now();
      const invite = await h.slack.commandAndWait(OWNER.slackId, 'invite cat@example.com', 10_000);
      expect(invite.text).toBe(PLAIN);
      expect(Date.now() - started).toBeLessThan(8_000);
      const ready = Date.now();
      expect((await h.fetch(`${h.baseUrl}/readyz`)).status).toBe(503);
      expect(Date.now() - ready).toBeLessThan(3_000);

      await proxy?.restore();
      // Connection attempts already swallowed time out; then Roster is ready again by itself.
      await expect.poll(async () => (await h.fetch(`${h.baseUrl}/readyz`)).status, { timeout: 10_000, interval: 250 }).toBe(200);
      const after = await h.slack.commandAndWait(OWNER.slackId, 'invite cat@example.com', 10_000);
      expect(after.text).toContain('Invited cat@example.com');
      // What was done before the outage is still there; what was refused during it was not half done.
      const emails = (await h.roster.prisma.user.findMany({ select: { email: true } })).map((u) => u.email);
      expect(emails).toEqual(expect.arrayContaining(['ann@example.com', 'cat@example.com']));
      expect(emails).not.toContain('bob@example.com');
    },
    30_000,
  );
});
