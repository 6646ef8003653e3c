import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, OWNER, startHarness } from '../support/roster-harness';
import { seedUser } from '../support/seed';
import { dumpStore } from '../support/store-dump';
import { createBrowser, csrfOf, outboxLinks, postJson } from '../support/web-client';

describe('secrets are stored hashed, shown once, never logged', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness('embedded', { LOG_LEVEL: 'trace', APPROVALS_CHANNEL: 'C0APPROVALS' });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('a full scenario leaves no plaintext secret in any table, log or channel message', async () => {
    const secrets: string[] = [];
    await seedUser(h.roster, { email: 'second@example.com', roles: ['admin'], slackUserId: 'USECOND' });
    h.fake.addUser({ id: 'UKAY', email: 'kay@example.com' });
    await h.slack.commandAndWait(OWNER.slackId, 'invite kay@example.com --note "hello"');
    const invite = (await outboxLinks(h.dataDir, 'invite')).at(-1) as string;
    secrets.push(invite.split('/').at(-1) as string);
    const link = invite.replace('http://roster.test', h.baseUrl);
    const password = 'a very secret passphrase 42';
    secrets.push(password);
    const browser = createBrowser();
    const form = await browser.get(link);
    await browser.post(link, { csrf: csrfOf(form.body), name: 'Kay', method: 'password', password });
    await h.slack.commandAndWait(OWNER.slackId, 'resend second@example.com').catch(() => undefined);

    await h.slack.commandAndWait(OWNER.slackId, 'apikey kay@example.com');
    await h.slack.commandAndWait(OWNER.slackId, 'passcode grant kay@example.com 7d');
    await h.slack.commandAndWait(OWNER.slackId, 'passcode grant kay@example.com 90d'); // waits for approval
    const passwordLink = await h.slack.commandAndWait(OWNER.slackId, 'password-link kay@example.com');
    const fresh = await h.slack.commandAndWait(OWNER.slackId, 'invite-link second@example.com').catch(() => ({ text: '' }));
    expect(String(fresh.text)).not.toContain('/invite/'); // active users get no invite link
    const dms = h.fake.callsTo('chat.postMessage').filter((c) => c.args.channel === 'DUKAY');
    for (const dm of dms) {
      for (const match of String(dm.args.text).matchAll(/`((?:rk|rp)_[A-Za-z0-9_-]+)`/g)) secrets.push(match[1] as string);
    }
    const passwordToken = ((await outboxLinks(h.dataDir, 'password')).at(-1) as string).split('/').at(-1) as string;
    secrets.push(passwordToken);
    // The admin who asked for the password link sees it in that one ephemeral answer (as with invite-link), and nowhere else.
    expect(String(passwordLink.text)).toContain(passwordToken);
    expect(secrets.filter((s) => s.startsWith('rk_'))).toHaveLength(1);
    expect(secrets.filter((s) => s.startsWith('rp_'))).toHaveLength(1);
    expect(secrets).toHaveLength(5);

    // The key works, so it is the real one; then look for every secret everywhere.
    expect((await postJson(`${h.baseUrl}/api/v1/auth/verify`, { apiKey: secrets.find((s) => s.startsWith('rk_')) })).status).toBe(
      200,
    );
    const store = await dumpStore(h.roster);
    const logs = h.logs();
    const channelMessages = JSON.stringify(
      h.fake.calls.filter((c) => c.method !== 'chat.postMessage' || !String(c.args.channel).startsWith('D')),
    );
    const ephemeralAnswers = JSON.stringify(h.fake.responses.filter((r) => r.body !== passwordLink));
    for (const secret of secrets) {
      expect(store).not.toContain(secret);
      expect(logs).not.toContain(secret);
      expect(channelMessages).not.toContain(secret);
      expect(ephemeralAnswers).not.toContain(secret);
    }
    expect(logs.length).toBeGreaterThan(1000); // trace logging was on, so the check above means something
  });
});
