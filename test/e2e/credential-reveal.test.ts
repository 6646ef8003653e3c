/**
 * Issue 16, item 9: credentials for people outside Slack. A new API key or passcode for a holder who
 * cannot get a DM is e-mailed as a single-use reveal link (never the secret itself); the page shows
 * it once. A key replaces the current one only once it has been sent: when the e-mail fails, the old
 * key keeps working and the admin is told which e-mail failed. Nothing secret is stored in plaintext.
 */

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSealed } from '../../src/domain/credentials/secret-seal';
import { hashToken } from '../../src/domain/secrets';
import { type Harness, OWNER, startHarness } from '../support/roster-harness';
import { seedUser } from '../support/seed';
import { startSmtp, type TestSmtp } from '../support/smtp';
import { dumpStore } from '../support/store-dump';
import { testTargets } from '../support/test-database';
import { createBrowser, csrfOf, postJson } from '../support/web-client';

const BOUNCING = 'bounce@example.com';

describe.each(testTargets())('credentials for holders outside Slack (%s store)', (target) => {
  let h: Harness;
  let smtp: TestSmtp;
  const local = (link: string) => link.replace('http://roster.test', h.baseUrl);
  const verify = (body: unknown) => postJson(`${h.baseUrl}/api/v1/auth/verify`, body);

  /** The reveal link in the newest e-mail to `email`, and that e-mail's text. */
  async function mailedReveal(email: string, count = 1): Promise<{ link: string; text: string }> {
    const texts = await h.fake.waitFor(() => {
      const found = smtp.textsTo(email);
      return found.length >= count ? found : undefined;
    }, 10_000);
    const text = texts.at(-1) as string;
    const link = /http:\/\/roster\.test\/reveal\/[A-Za-z0-9_-]+/.exec(text)?.[0];
    if (!link) throw new Error('no reveal link in the e-mail');
    return { link: local(link), text };
  }

  /** Opens a reveal link and presses its button; returns the secret shown. */
  async function reveal(link: string): Promise<string> {
    const browser = createBrowser();
    const page = await browser.get(link);
    expect(page.status).toBe(200);
    const shown = await browser.post(link, { csrf: csrfOf(page.body) });
    expect(shown.status).toBe(200);
    const secret = /<code id="secret">([^<]+)<\/code>/.exec(shown.body)?.[1];
    if (!secret) throw new Error('no secret on the page');
    return secret;
  }

  /** An active user outside the workspace, optionally with a working API key. */
  async function outsider(email: string, key?: string) {
    const user = await seedUser(h.roster, { email });
    if (key) {
      await h.roster.prisma.apiKey.create({
        data: { accountId: h.roster.accountId, userId: user.id, prefix: key.slice(0, 9), keyHash: hashToken(key) },
      });
    }
    return user;
  }

  beforeAll(async () => {
    smtp = await startSmtp({ reject: (address) => address === BOUNCING });
    h = await startHarness(target, { SMTP_URL: smtp.url, LOG_LEVEL: 'trace' });
  });
  afterAll(async () => {
    await h?.close();
    await smtp?.close();
  });

  it('e-mails a reveal link (not the key), shows the key once, and only then ends the old key', async () => {
    const oldKey = 'rk_old-key-of-olga-0123456789abcdefghijklmnop';
    await outsider('olga@example.com', oldKey);
    const answer = await h.slack.commandAndWait(OWNER.slackId, 'apikey olga@example.com');
    expect(answer.text).toContain(
      'they are not in this Slack workspace, so it was e-mailed to them as a link that shows it once',
    );
    expect(answer.text).toContain('The previous key no longer works.');

    const { link, text } = await mailedReveal('olga@example.com');
    expect(text).toContain('Subject: Your new API key');
    // A key starts a word (`rk_…`); the reveal link's random token may contain those letters by chance.
    expect(text).not.toMatch(/(^|[^A-Za-z0-9_-])rk_/);
    expect(h.fake.callsTo('chat.postMessage').filter((c) => String(c.args.text).includes('rk_'))).toEqual([]);

    // The first page only offers the button, so a mail scanner that opens links uses nothing up.
    const first = await createBrowser().get(link);
    expect(first.body).toContain('<h1>Your new API key</h1>');
    expect(first.body).toContain('For <strong>olga@example.com</strong>');
    expect(first.body).not.toContain('rk_');

    const key = await reveal(link);
    expect(key).toMatch(/^rk_/);
    expect((await verify({ apiKey: key })).status).toBe(200);
    expect((await verify({ apiKey: oldKey })).status).toBe(401);

    for (const open of [() => createBrowser().get(link), () => createBrowser().post(link, { csrf: 'x' })]) {
      const again = await open();
      expect([403, 410]).toContain(again.status);
    }
    const again = await createBrowser().get(link);
    expect(again.status).toBe(410);
    expect(again.body).toContain('This link has already been used: your API key was shown');
    expect(again.body).not.toContain(key);
    const row = await h.roster.prisma.secretReveal.findFirstOrThrow({
      where: { tokenHash: hashToken(link.split('/').at(-1) as string) },
    });
    expect(row.sealed).toBeNull();
    expect(row.revealedAt).not.toBeNull();
    expect(
      await h.roster.prisma.auditEvent.count({ where: { action: 'apikey.revealed', targetEmail: 'olga@example.com' } }),
    ).toBe(1);
  });

  it('keeps the old key when the e-mail fails, and tells the admin which e-mail failed', async () => {
    const oldKey = 'rk_old-key-of-bounce-0123456789abcdefghijklmn';
    const user = await outsider(BOUNCING, oldKey);
    const answer = await h.slack.commandAndWait(OWNER.slackId, `apikey ${BOUNCING}`, 15_000);
    expect(answer.text).toContain(`for ${BOUNCING} was not issued: the e-mail to ${BOUNCING} failed`);
    expect(answer.text).toContain('Their current one still works');
    expect(answer.text).not.toContain('no longer works');
    expect((await verify({ apiKey: oldKey })).status).toBe(200);
    expect(await h.roster.prisma.apiKey.findUniqueOrThrow({ where: { userId: user.id } })).toMatchObject({
      keyHash: hashToken(oldKey),
    });
    expect(await h.roster.prisma.pendingCredential.count({ where: { userId: user.id } })).toBe(0);
    expect(await h.roster.prisma.secretReveal.count({ where: { userId: user.id } })).toBe(0);
    const event = await h.roster.prisma.auditEvent.findFirstOrThrow({ where: { action: 'apikey.not-delivered' } });
    expect(event.targetEmail).toBe(BOUNCING);
    expect(JSON.stringify(event.after)).toContain(`the e-mail to ${BOUNCING} failed`);
  });

  it('a passcode for someone outside Slack comes the same way', async () => {
    await outsider('pat@example.com');
    const answer = await h.slack.commandAndWait(OWNER.slackId, 'passcode grant pat@example.com 7d');
    expect(answer.text).toContain('e-mailed to them as a link');
    const { link, text } = await mailedReveal('pat@example.com');
    expect(text).toContain('Subject: Your new API passcode');
    expect(text).not.toMatch(/rp_/);
    const code = await reveal(link);
    expect(code).toMatch(/^rp_/);
    expect((await verify({ passcode: code })).status).toBe(200);
  });

  it('a failed passcode e-mail issues nothing', async () => {
    const user = await h.roster.prisma.user.findFirstOrThrow({ where: { email: BOUNCING } });
    const answer = await h.slack.commandAndWait(OWNER.slackId, `passcode grant ${BOUNCING} 7d`, 15_000);
    expect(answer.text).toContain(`the e-mail to ${BOUNCING} failed`);
    expect(await h.roster.prisma.passcode.count({ where: { userId: user.id } })).toBe(0);
  });

  it('falls back to e-mail when the Slack DM fails', async () => {
    await seedUser(h.roster, { email: 'dm@example.com', slackUserId: 'UDMFAIL' });
    h.fake.addUser({ id: 'UDMFAIL', email: 'dm@example.com' });
    h.fake.failNext('chat.postMessage', { error: 'is_archived' });
    const answer = await h.slack.commandAndWait(OWNER.slackId, 'apikey dm@example.com');
    expect(answer.text).toContain('e-mailed to them as a link');
    const key = await reveal((await mailedReveal('dm@example.com')).link);
    expect((await verify({ apiKey: key })).status).toBe(200);
  });

  it('the link expires, and the sealed key is erased', async () => {
    await outsider('late@example.com');
    await h.slack.commandAndWait(OWNER.slackId, 'apikey late@example.com');
    const { link } = await mailedReveal('late@example.com');
    h.clock.advanceHours(24.1);
    const page = await createBrowser().get(link);
    expect(page.status).toBe(410);
    expect(page.body).toContain('This link has expired. Ask an admin to issue you a new API key.');
    const row = await h.roster.prisma.secretReveal.findFirstOrThrow({
      where: { tokenHash: hashToken(link.split('/').at(-1) as string) },
    });
    expect(row.sealed).toBeNull();
  });

  it('a scheduler pass erases the sealed copy of an expired, unopened link and drops a stranded pending key', async () => {
    const user = await outsider('nell@example.com');
    await h.slack.commandAndWait(OWNER.slackId, 'apikey nell@example.com');
    await mailedReveal('nell@example.com');
    await h.roster.prisma.pendingCredential.create({
      data: {
        accountId: h.roster.accountId,
        userId: user.id,
        kind: 'api-key',
        secretHash: hashToken('rk_stranded'),
        createdAt: h.clock.now(),
        prefix: 'rk_stran',
      },
    });
    await h.roster.scheduler.runOnce();
    expect(await h.roster.prisma.secretReveal.count({ where: { userId: user.id, sealed: { not: null } } })).toBe(1);
    expect(await h.roster.prisma.pendingCredential.count({ where: { userId: user.id } })).toBe(1);
    h.clock.advanceHours(24.1);
    await h.roster.scheduler.runOnce();
    expect(await h.roster.prisma.secretReveal.count({ where: { userId: user.id, sealed: { not: null } } })).toBe(0);
    expect(await h.roster.prisma.pendingCredential.count({ where: { userId: user.id } })).toBe(0);
  });

  it('a newer key, or a revoke, kills an unused link; a form without its CSRF token reveals nothing', async () => {
    await outsider('ron@example.com');
    await h.slack.commandAndWait(OWNER.slackId, 'apikey ron@example.com');
    const first = (await mailedReveal('ron@example.com', 1)).link;
    expect((await createBrowser().post(first, { csrf: 'forged' })).status).toBe(403);
    await h.slack.commandAndWait(OWNER.slackId, 'apikey ron@example.com');
    const second = (await mailedReveal('ron@example.com', 2)).link;
    expect((await createBrowser().get(first)).status).toBe(404);
    expect((await createBrowser().get(second)).status).toBe(200);
    await h.slack.commandAndWait(OWNER.slackId, 'revoke ron@example.com');
    const revoked = await createBrowser().get(second);
    expect(revoked.status).toBe(404);
  });

  it('keeps every secret and link out of the tables and logs; the sealed copy needs the link to open', async () => {
    await outsider('sam@example.com');
    await h.slack.commandAndWait(OWNER.slackId, 'apikey sam@example.com');
    const { link } = await mailedReveal('sam@example.com');
    const token = link.split('/').at(-1) as string;
    const row = await h.roster.prisma.secretReveal.findFirstOrThrow({ where: { tokenHash: hashToken(token) } });
    expect(row.sealed).toMatch(/^v1\./);
    // The database alone (the token's hash, the row) does not open it.
    expect(openSealed(row.sealed as string, row.tokenHash, row.id)).toBeNull();
    const before = await dumpStore(h.roster);
    const key = await reveal(link);
    expect(openSealed(row.sealed as string, token, row.id)).toBe(key);
    const after = await dumpStore(h.roster);
    for (const secret of [key, token]) {
      expect(before).not.toContain(secret);
      expect(after).not.toContain(secret);
      expect(h.logs()).not.toContain(secret);
      expect(JSON.stringify(h.fake.responses)).not.toContain(secret);
    }
    expect(h.logs().length).toBeGreaterThan(1000);
  });
});
