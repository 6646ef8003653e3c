/**
 * Issue 16, item 3: a user who forgot their password asks for a link on /password/forgot. Every
 * address gets the same page at once (the e-mail goes out afterwards); only an active password user
 * gets a link, single-use and expiring; requests are limited per address and per client. An admin's
 * password link can end the current password at once. Issue 20, item 5: a request never ends a live link,
 * and the per-address limit counts per client, so a stranger cannot keep the owner from resetting.
 */

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIVE_PASSWORD_LINKS } from '../../src/domain/changes/password-links';
import { hashPassword } from '../../src/domain/secrets';
import { type Harness, OWNER, startHarness } from '../support/roster-harness';
import { seedUser } from '../support/seed';
import { startSmtp, type TestSmtp } from '../support/smtp';
import { dumpStore } from '../support/store-dump';
import { testTargets } from '../support/test-database';
import { createBrowser, csrfOf, postJson } from '../support/web-client';

const OLD_PASSWORD = 'my old and long passphrase';
const NEW_PASSWORD = 'a brand new passphrase 77';
/** Long enough for any answer that does not wait for the e-mail; an answer that waits for a held one never comes. */
const ANSWER_MS = 10_000;

let clientCounter = 0;
/** A fresh client address (TEST-NET-3), so the per-client limit of one test stays out of the others. */
const freshClient = () => `203.0.113.${++clientCounter}`;

describe.each(testTargets())('forgot password (%s store)', (target) => {
  let h: Harness;
  let smtp: TestSmtp;
  const forgotUrl = () => `${h.baseUrl}/password/forgot`;
  const local = (link: string) => link.replace('http://roster.test', h.baseUrl);
  const login = (email: string, password: string) => postJson(`${h.baseUrl}/api/v1/login`, { email, password });

  /** Opens the form and sends it for `email` from `client`. */
  async function ask(email: string, client = freshClient()) {
    const browser = createBrowser();
    const form = await browser.get(forgotUrl());
    return browser.post(forgotUrl(), { csrf: csrfOf(form.body), email }, { 'x-forwarded-for': client });
  }

  /** `ask` while the mail server holds every e-mail: the answer must come without waiting for one. */
  async function askWhileHeld(email: string) {
    let timer: NodeJS.Timeout | undefined;
    const waited = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`the answer for ${email} waited for the e-mail`)), ANSWER_MS);
    });
    try {
      return await Promise.race([ask(email), waited]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** The password link in the newest e-mail to `email`. */
  async function mailedLink(email: string, count = 1): Promise<string> {
    const texts = await h.fake.waitFor(() => {
      const found = smtp.textsTo(email);
      return found.length >= count ? found : undefined;
    }, 10_000);
    const link = /http:\/\/roster\.test\/password\/[A-Za-z0-9_-]+/.exec(texts.at(-1) as string)?.[0];
    if (!link) throw new Error('no password link in the e-mail');
    return local(link);
  }

  async function seedWithPassword(email: string, extra: { status?: 'active' | 'disabled'; google?: boolean } = {}) {
    const user = await seedUser(h.roster, { email, status: extra.status });
    await h.roster.prisma.user.update({
      where: { id: user.id },
      data: { passwordHash: await hashPassword(OLD_PASSWORD), signInMethod: extra.google ? 'google' : 'password' },
    });
    return user;
  }

  beforeAll(async () => {
    smtp = await startSmtp();
    h = await startHarness(target, { SMTP_URL: smtp.url, TRUST_PROXY: 'loopback', LOG_LEVEL: 'trace' });
  });
  afterAll(async () => {
    await h?.close();
    await smtp?.close();
  });

  it('shows a form with an e-mail field and a CSRF token', async () => {
    const page = await createBrowser().get(forgotUrl());
    expect(page.status).toBe(200);
    expect(page.body).toContain('<h1>Forgot your password?</h1>');
    expect(page.body).toContain('<label for="email">E-mail address</label>');
    expect(page.body).toMatch(/<input type="email" id="email" name="email"[^>]* required/);
    expect(csrfOf(page.body)).toBeTruthy();
    expect(page.headers.get('cache-control')).toBe('no-store');
  });

  it('e-mails an active user a single-use link that sets a new password, and answers before the e-mail is sent', async () => {
    await seedWithPassword('pia@example.com');
    const release = smtp.hold();
    try {
      const answer = await askWhileHeld('  Pia@Example.com ');
      expect(answer.status).toBe(200);
      expect(answer.body).toContain('<h1>Check your e-mail</h1>');
      expect(answer.body).toContain('If pia@example.com belongs to an active account');
      // Answered, and the e-mail is still on its way (held by the mail server).
      await h.fake.waitFor(() => smtp.held() === 1, 10_000);
      expect(smtp.textsTo('pia@example.com')).toEqual([]);
    } finally {
      release();
    }

    const link = await mailedLink('pia@example.com');
    const mail = smtp.textsTo('pia@example.com').at(-1) as string;
    expect(mail).toContain('Subject: Reset your password');
    expect(mail).toContain('If you did not ask, ignore this message');

    const browser = createBrowser();
    const form = await browser.get(link);
    expect(form.body).toContain('For <strong>pia@example.com</strong>');
    const saved = await browser.post(link, { csrf: csrfOf(form.body), password: NEW_PASSWORD, confirm: NEW_PASSWORD });
    expect(saved.body).toContain('Password saved');
    expect((await login('pia@example.com', NEW_PASSWORD)).status).toBe(200);
    expect((await login('pia@example.com', OLD_PASSWORD)).status).toBe(401);

    // Single use: the link is dead, and the page points to the forgot-password page.
    const again = await createBrowser().get(link);
    expect(again.status).toBe(410);
    expect(again.body).toContain('already been used');
    expect(again.body).toContain('<a href="/password/forgot">Ask for a new password link</a>');

    const event = await h.roster.prisma.auditEvent.findFirstOrThrow({ where: { action: 'password-link.requested' } });
    expect(event).toMatchObject({ targetEmail: 'pia@example.com', source: 'web' });
    expect(event.clientAddress).toMatch(/^203\.0\.113\./);
  });

  it('gives an unknown, a disabled and a Google address the same page, none waiting for an e-mail, and sends them nothing', async () => {
    await seedWithPassword('dora@example.com', { status: 'disabled' });
    await seedWithPassword('gus@example.com', { google: true });
    await seedWithPassword('kit@example.com');
    const normalise = (body: string, email: string) => body.replaceAll(email, 'EMAIL').replace(/value="[^"]+"/g, 'value=""');
    // Every answer comes while the known address's e-mail is held: none waits for the e-mail.
    const release = smtp.hold();
    try {
      const known = await askWhileHeld('kit@example.com');
      const expected = normalise(known.body, 'kit@example.com');
      for (const email of ['nobody@example.com', 'dora@example.com', 'gus@example.com']) {
        const answer = await askWhileHeld(email);
        expect(answer.status).toBe(known.status);
        expect(normalise(answer.body, email)).toBe(expected);
      }
      await h.fake.waitFor(() => smtp.held() >= 1, 10_000);
    } finally {
      release();
    }
    await mailedLink('kit@example.com');
    await smtp.quiet();
    for (const email of ['nobody@example.com', 'dora@example.com', 'gus@example.com']) expect(smtp.textsTo(email)).toEqual([]);
    const dora = await h.roster.prisma.user.findFirstOrThrow({ where: { email: 'dora@example.com' } });
    const gus = await h.roster.prisma.user.findFirstOrThrow({ where: { email: 'gus@example.com' } });
    expect(await h.roster.prisma.passwordLink.count({ where: { userId: { in: [dora.id, gus.id] } } })).toBe(0);
  });

  it('the link expires', async () => {
    await seedWithPassword('exa@example.com');
    await ask('exa@example.com');
    const link = await mailedLink('exa@example.com');
    h.clock.advanceHours(1.01);
    const page = await createBrowser().get(link);
    expect(page.status).toBe(410);
    expect(page.body).toContain('This password link has expired.');
    expect(page.body).toContain('href="/password/forgot"');
    expect((await login('exa@example.com', OLD_PASSWORD)).status).toBe(200);
  });

  it('a second request keeps the first link working; setting a password ends every other link', async () => {
    await seedWithPassword('nia@example.com');
    await ask('nia@example.com');
    const first = await mailedLink('nia@example.com', 1);
    await ask('nia@example.com');
    const second = await mailedLink('nia@example.com', 2);
    expect(second).not.toBe(first);
    expect((await createBrowser().get(first)).status).toBe(200);
    expect((await createBrowser().get(second)).status).toBe(200);
    const browser = createBrowser();
    const form = await browser.get(first);
    const saved = await browser.post(first, { csrf: csrfOf(form.body), password: NEW_PASSWORD, confirm: NEW_PASSWORD });
    expect(saved.body).toContain('Password saved');
    expect((await createBrowser().get(second)).status).toBe(404);
  });

  it('issue 20: a stranger’s requests neither end the owner’s live link nor use up the owner’s budget', async () => {
    h.clock.advanceHours(1);
    await seedWithPassword('own@example.com');
    const owner = freshClient();
    const stranger = freshClient();
    expect((await ask('own@example.com', owner)).status).toBe(200);
    const link = await mailedLink('own@example.com', 1);
    for (let i = 0; i < 3; i++) expect((await ask('own@example.com', stranger)).status).toBe(200);
    const limited = await ask('own@example.com', stranger);
    expect(limited.status).toBe(429);
    expect(limited.body).toContain('Too many password links were asked for own@example.com in the last hour.');
    expect((await ask('own@example.com', owner)).status).toBe(200);

    // At most LIVE_PASSWORD_LINKS live links: the owner's first, and those the stranger's requests added.
    await mailedLink('own@example.com', LIVE_PASSWORD_LINKS);
    await smtp.quiet();
    expect(smtp.textsTo('own@example.com')).toHaveLength(LIVE_PASSWORD_LINKS);
    const user = await h.roster.prisma.user.findFirstOrThrow({ where: { email: 'own@example.com' } });
    expect(await h.roster.prisma.passwordLink.count({ where: { userId: user.id, usedAt: null } })).toBe(LIVE_PASSWORD_LINKS);

    const browser = createBrowser();
    const form = await browser.get(link);
    expect(form.status).toBe(200);
    const saved = await browser.post(link, { csrf: csrfOf(form.body), password: NEW_PASSWORD, confirm: NEW_PASSWORD });
    expect(saved.body).toContain('Password saved');
    expect((await login('own@example.com', NEW_PASSWORD)).status).toBe(200);
    expect(await h.roster.prisma.passwordLink.count({ where: { userId: user.id, usedAt: null } })).toBe(0);
  });

  it('keeps at most LIVE_PASSWORD_LINKS live links when many requests come at once', async () => {
    const user = await seedWithPassword('race@example.com');
    const sent = await Promise.all(
      Array.from({ length: 8 }, (_, i) => h.roster.domain.passwordReset.request('race@example.com', `192.0.2.${i + 1}`)),
    );
    expect(sent.filter(Boolean)).toHaveLength(LIVE_PASSWORD_LINKS);
    expect(await h.roster.prisma.passwordLink.count({ where: { userId: user.id } })).toBe(LIVE_PASSWORD_LINKS);
  });

  it('limits requests per address, known or not, and per client', async () => {
    h.clock.advanceHours(1);
    for (const email of ['lim@example.com', 'nobody-else@example.com']) {
      if (email === 'lim@example.com') await seedWithPassword(email);
      const client = freshClient();
      for (let i = 0; i < 3; i++) expect((await ask(email, client)).status).toBe(200);
      const limited = await ask(email, client);
      expect(limited.status).toBe(429);
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(limited.body).toContain(`Too many password links were asked for ${email} in the last hour.`);
    }
    await h.fake.waitFor(() => smtp.textsTo('lim@example.com').length >= 3 || undefined, 15_000);
    await smtp.quiet();
    expect(smtp.textsTo('lim@example.com')).toHaveLength(3);

    const noisy = freshClient();
    for (let i = 0; i < 10; i++) expect((await ask(`probe${i}@example.com`, noisy)).status).toBe(200);
    const limited = await ask('probe-last@example.com', noisy);
    expect(limited.status).toBe(429);
    expect(limited.body).toContain('asked for from your network');
    expect((await ask('probe-last@example.com')).status).toBe(200);

    h.clock.advanceHours(1);
    expect((await ask('lim@example.com')).status).toBe(200);
    await mailedLink('lim@example.com', 4);
  });

  it('refuses a form without its CSRF token, and names a malformed address', async () => {
    const refused = await createBrowser().post(forgotUrl(), { email: 'pia@example.com' });
    expect(refused.status).toBe(403);
    const browser = createBrowser();
    const form = await browser.get(forgotUrl());
    const bad = await browser.post(forgotUrl(), { csrf: csrfOf(form.body), email: 'not an <address>' });
    expect(bad.status).toBe(400);
    expect(bad.body).toContain('role="alert">Give a valid e-mail address, like name@example.com.');
    expect(bad.body).toMatch(/<input type="email" id="email"[^>]*value="not an &#60;address&#62;"[^>]*aria-invalid="true"/);
  });

  it('an admin can end the current password with the link; without the option it keeps working', async () => {
    await seedWithPassword('end@example.com');
    const kept = await h.slack.commandAndWait(OWNER.slackId, 'password-link end@example.com');
    expect(kept.text).not.toContain('old password');
    expect((await login('end@example.com', OLD_PASSWORD)).status).toBe(200);

    const ended = await h.slack.commandAndWait(OWNER.slackId, 'password-link end@example.com --end-password');
    expect(ended.text).toContain('Sent end@example.com a password link');
    expect(ended.text).toContain('Their old password no longer works.');
    expect((await login('end@example.com', OLD_PASSWORD)).status).toBe(401);
    const event = await h.roster.prisma.auditEvent.findFirstOrThrow({ where: { action: 'password.ended' } });
    expect(event).toMatchObject({ targetEmail: 'end@example.com', source: 'command', actorEmail: OWNER.email });

    const link = await mailedLink('end@example.com', 2);
    const browser = createBrowser();
    const form = await browser.get(link);
    await browser.post(link, { csrf: csrfOf(form.body), password: NEW_PASSWORD, confirm: NEW_PASSWORD });
    expect((await login('end@example.com', NEW_PASSWORD)).status).toBe(200);
  });

  it('refuses --end-password from someone without credentials:manage, and on other subcommands', async () => {
    await seedWithPassword('stay@example.com');
    await seedUser(h.roster, { email: 'ed@example.com', roles: ['editor'], slackUserId: 'UEDITOR' });
    h.fake.addUser({ id: 'UEDITOR', email: 'ed@example.com' });
    const refused = await h.slack.commandAndWait('UEDITOR', 'password-link stay@example.com --end-password');
    expect(refused.text).toContain('credentials:manage');
    const misplaced = await h.slack.commandAndWait(OWNER.slackId, 'apikey stay@example.com --end-password');
    expect(misplaced.text).toContain('`--end-password` is not an option of `/users apikey`');
    expect((await login('stay@example.com', OLD_PASSWORD)).status).toBe(200);
  });

  it('keeps the link out of every table and log', async () => {
    await seedWithPassword('sec@example.com');
    await ask('sec@example.com');
    const token = (await mailedLink('sec@example.com')).split('/').at(-1) as string;
    expect(await dumpStore(h.roster)).not.toContain(token);
    expect(h.logs()).not.toContain(token);
    expect(h.logs().length).toBeGreaterThan(1000);
  });
});
