/**
 * Prometheus metrics through the real Roster: a `/users` command and a SCIM create show up in
 * GET /metrics with bounded labels (no e-mail, no ID), the token is required on Roster's own listener,
 * METRICS_PORT serves them on a listener of its own, and a scrape answers the same series twice.
 */
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { secretKeys } from '../../src/domain/webhooks/webhook-signing';
import { APPROVALS_CHANNEL, decide, latestRequestButton } from '../support/approvals';
import { type ListenerHarness, OWNER, startListenerHarness } from '../support/listener-harness';
import { issueScimToken } from '../support/scim-client';
import { seedUser } from '../support/seed';
import { testTargets } from '../support/test-database';

const TOKEN = 'metrics-token-0123456789abcdef';
/** Longer than the metrics reuse one store read for (src/metrics/roster-metrics.ts). */
const READ_REUSE_WAIT_MS = 1_100;
const ENDPOINT_ID = '0f0f0f0f-0000-4000-8000-000000000001';
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

/** A port nothing listens on right now. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The sample lines of a scrape (no HELP or TYPE), by series name and labels. */
function samples(text: string): string[] {
  return text.split('\n').filter((line) => line !== '' && !line.startsWith('#'));
}

describe.each(testTargets())('Prometheus metrics (%s store)', (target) => {
  let h: ListenerHarness;
  let metricsPort: number;
  let closed = false;
  const scrape = () => h.fetch(`${h.baseUrl}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });

  beforeAll(async () => {
    metricsPort = await freePort();
    h = await startListenerHarness(target, { METRICS_TOKEN: TOKEN, METRICS_PORT: String(metricsPort) });
  });
  afterAll(async () => {
    if (!closed) await h?.close();
  });

  it('counts a command and a SCIM create with bounded labels, and shows no e-mail or ID', async () => {
    await h.slack.commandAndWait(OWNER.slackId, 'invite newcomer@example.com');
    const token = await issueScimToken(h);
    const created = await h.fetch(`${h.baseUrl}/scim/v2/Users`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' },
      body: JSON.stringify({
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
        userName: 'scim.person@example.com',
        emails: [{ value: 'scim.person@example.com', primary: true }],
      }),
    });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    expect(id).toMatch(UUID);
    // Reading the user back: a path with the ID in it is counted under its template.
    expect((await h.fetch(`${h.baseUrl}/scim/v2/Users/${id}`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(
      200,
    );

    const answer = await scrape();
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toContain('text/plain');
    await answer.text();
    // A command is counted once its listener is done, which may be just after its answer arrived.
    const text = await vi.waitFor(async () => {
      const body = await (await scrape()).text();
      expect(body).toMatch(/roster_slack_commands_total\{subcommand="scim-token",outcome="ok"\} 1/);
      return body;
    });
    expect(text).toMatch(/roster_slack_commands_total\{subcommand="invite",outcome="ok"\} 1/);
    expect(text).toMatch(/roster_slack_ack_seconds_count\{surface="command"\} [1-9]/);
    expect(text).toMatch(/roster_changes_total\{kind="[a-z-]+",outcome="done"\} [1-9]/);
    expect(text).toMatch(
      /roster_http_request_seconds_count\{surface="scim",route="\/scim\/v2\/Users",method="POST",status="201"\} 1/,
    );
    expect(text).toMatch(
      /roster_http_request_seconds_count\{surface="scim",route="\/scim\/v2\/Users\/:id",method="GET",status="200"\} 1/,
    );
    expect(text).toMatch(/roster_approvals_pending 0/);
    expect(text).toMatch(/roster_notice_outbox_queued \d+/);
    expect(text).toMatch(/roster_accounts_installed 1/);
    // The one account, read and built by the requests above.
    expect(text).toMatch(/roster_accounts_cached\{tier="read"\} 1/);
    expect(text).toMatch(/roster_accounts_cached\{tier="built"\} 1/);
    expect(text).toMatch(/roster_store_up 1/);
    if (target === 'embedded') expect(text).toMatch(/roster_embedded_store_units [1-9]/);
    else expect(text).not.toMatch(/roster_embedded_store_units \d/);
    // Nothing that names a person, a user or a credential.
    expect(text).not.toMatch(/@/);
    expect(text).not.toMatch(UUID);
    expect(text).not.toContain(token);
    expect(text).not.toContain(TOKEN);
  });

  it('shows the webhook backlog, its oldest event and delivery attempts', async () => {
    const { prisma, accountId } = h.roster;
    const { auditSeq } = await prisma.account.findUniqueOrThrow({ where: { id: accountId } });
    // An endpoint two events behind, which this Roster may not reach (http://, no WEBHOOK_ALLOW_PRIVATE).
    await prisma.webhookEndpoint.create({
      data: {
        accountId,
        url: 'http://127.0.0.1:9/hook',
        id: ENDPOINT_ID,
        secretSealed: secretKeys(h.roster.config.webhooks.keyMaterials).seal(`whsec_${'A'.repeat(43)}=`, ENDPOINT_ID),
        secretPrefix: 'whsec_x…',
        cursor: auditSeq,
        nextAttemptAt: h.clock.now(),
      },
    });
    for (const action of ['user.updated', 'user.revoked']) {
      await prisma.auditEvent.create({ data: { accountId, action, source: 'system' } });
    }
    await new Promise((resolve) => setTimeout(resolve, READ_REUSE_WAIT_MS));
    const before = await (await scrape()).text();
    expect(before).toMatch(/roster_webhook_backlog_events 2\b/);
    expect(before).toMatch(/roster_webhook_oldest_seconds \d/);
    expect(await h.roster.webhooks.runOnce()).toMatchObject({ failed: 1 });
    expect(await (await scrape()).text()).toMatch(/roster_webhook_deliveries_total\{outcome="failed"\} 1/);
    await prisma.webhookEndpoint.deleteMany({});
  });

  it('refuses a scrape without the token, or with another one', async () => {
    const none = await h.fetch(`${h.baseUrl}/metrics`);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toContain('Bearer');
    expect(await none.text()).not.toContain('roster_');
    const wrong = await h.fetch(`${h.baseUrl}/metrics`, { headers: { authorization: 'Bearer not-the-metrics-token' } });
    expect(wrong.status).toBe(401);
  });

  it('answers the same series on a second scrape', async () => {
    const first = samples(await (await scrape()).text()).filter((line) => line.startsWith('roster_'));
    const second = samples(await (await scrape()).text()).filter((line) => line.startsWith('roster_'));
    const series = (lines: string[]) => lines.map((line) => line.slice(0, line.lastIndexOf(' ')));
    expect(series(second)).toEqual(series(first));
    // Counts of what happened before stay as they were (a scrape counts nothing itself).
    const counters = (lines: string[]) => lines.filter((line) => line.startsWith('roster_changes_total'));
    expect(counters(second)).toEqual(counters(first));
  });

  it('serves the metrics on METRICS_PORT without a token, and stops serving them when Roster stops', async () => {
    await h.roster.start();
    const answer = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
    expect(answer.status).toBe(200);
    expect(await answer.text()).toContain('roster_slack_commands_total');
    expect((await fetch(`http://127.0.0.1:${metricsPort}/`)).status).toBe(404);
    closed = true;
    await h.close();
    await expect(fetch(`http://127.0.0.1:${metricsPort}/metrics`)).rejects.toThrow();
  });
});

describe('metrics switched off', () => {
  let h: ListenerHarness;
  beforeAll(async () => {
    h = await startListenerHarness('embedded');
  });
  afterAll(async () => {
    await h?.close();
  });

  it('answers /metrics with 404 when neither METRICS_TOKEN nor METRICS_PORT is set', async () => {
    const answer = await h.fetch(`${h.baseUrl}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(answer.status).toBe(404);
  });
});

describe.each(testTargets())('approvals, scheduler passes and rate limits in the metrics (%s store)', (target) => {
  let h: ListenerHarness;
  const scrapeText = async () =>
    (await h.fetch(`${h.baseUrl}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })).text();

  beforeAll(async () => {
    h = await startListenerHarness(target, { METRICS_TOKEN: TOKEN, APPROVALS_CHANNEL });
    await seedUser(h.roster, { email: 'ada@example.com', roles: ['admin'], slackUserId: 'UADA' });
    await seedUser(h.roster, { email: 't1@example.com' });
    h.fake.addUser({ id: 'UADA', email: 'ada@example.com' });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('shows a request waiting, then the time to its decision', async () => {
    expect((await h.slack.commandAndWait(OWNER.slackId, 'revoke t1@example.com')).text).toContain('This needs approval');
    const waiting = await scrapeText();
    expect(waiting).toMatch(/roster_approvals_pending 1/);
    expect(waiting).toMatch(/roster_changes_total\{kind="[a-z-]+",outcome="awaiting"\} 1/);
    expect((await decide(h, 'UADA', latestRequestButton(h), true)).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, READ_REUSE_WAIT_MS));
    const decided = await scrapeText();
    expect(decided).toMatch(/roster_approval_decision_seconds_count\{decision="executed"\} 1/);
    expect(decided).toMatch(/roster_slack_ack_seconds_count\{surface="view"\} 1/);
    expect(decided).toMatch(/roster_approvals_pending 0/);
    expect(decided).not.toMatch(/@/);
  });

  it('times a scheduler pass and counts rate-limit refusals by limit', async () => {
    await h.roster.scheduler.runOnce();
    for (let i = 0; i < 11; i++) {
      await h.fetch(`${h.baseUrl}/scim/v2/Users`, { headers: { authorization: 'Bearer rs_not-a-token' } });
    }
    const text = await scrapeText();
    expect(text).toMatch(/roster_scheduler_pass_seconds_count\{outcome="ok"\} 1/);
    expect(text).toMatch(/roster_rate_limit_refusals_total\{limit="fail:scim"\} [1-9]/);
    expect(text).toMatch(
      /roster_http_request_seconds_count\{surface="scim",route="\/scim\/v2\/Users",method="GET",status="429"\} [1-9]/,
    );
  });
});
