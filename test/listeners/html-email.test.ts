/**
 * E-mails people can act on (issue 22, item 10), through the real app and a real SMTP server: an invite
 * goes as HTML with a plain-text alternative, from MAIL_FROM under the account's name, and its HTML part,
 * laid out in headless Chromium, shows what the invite page shows with every typed value as typed; an
 * address change e-mails both addresses with the admin as Reply-To; a refused e-mail does not undo it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumPath, whatAPersonSees } from '../support/chromium-view';
import { type ListenerHarness, OWNER, startListenerHarness } from '../support/listener-harness';
import { headerOf, partOf } from '../support/mime-message';
import { seedUser } from '../support/seed';
import { startSmtp, type TestSmtp } from '../support/smtp';
import { testTargets } from '../support/test-database';
import { postJson } from '../support/web-client';

const HOSTILE_NAME = 'Olive <img src=x onerror=alert(1)> & Co';
const NOTE = 'Bring <b>coffee</b> & <script>alert(2)</script>';
const chromium = chromiumPath();
if (!chromium)
  console.warn('html-email.test.ts: Chromium is not installed (apt-get install -y chromium), so the HTML part is not laid out.');

describe.each(testTargets())('e-mails people can act on (%s store)', (target) => {
  let h: ListenerHarness;
  let smtp: TestSmtp;
  const mailTo = (email: string) => h.fake.waitFor(() => smtp.messages.find((m) => m.to.includes(email))?.raw, 15_000);

  beforeAll(async () => {
    smtp = await startSmtp({ reject: (address) => address.startsWith('refused') });
    h = await startListenerHarness(target, { SMTP_URL: smtp.url, MAIL_FROM: 'team@roster.example' });
    await h.roster.prisma.user.updateMany({ where: { email: OWNER.email }, data: { name: HOSTILE_NAME } });
  });
  afterAll(async () => {
    await h?.close();
    await smtp?.close();
  });

  it('sends the invite as HTML and plain text, from MAIL_FROM under the account’s name', async () => {
    await h.slack.commandAndWait(OWNER.slackId, `invite html@example.com --note "${NOTE}"`);
    const raw = await mailTo('html@example.com');
    expect(headerOf(raw, 'From')).toBe('Roster Test <team@roster.example>');
    expect(headerOf(raw, 'Reply-To')).toBe(OWNER.email);
    expect(headerOf(raw, 'Content-Type')).toMatch(/^multipart\/alternative/);
    const text = partOf(raw, 'text/plain') ?? '';
    // The invite names no role, so the default one (Viewer in the standard catalog), as the invite page says.
    expect(text).toMatch(/Your role:?\s+Viewer/);
    expect(text).toContain(`${HOSTILE_NAME} invited you to join Roster Test.`);
    expect(text).toContain(`Note from ${HOSTILE_NAME}: ${NOTE}`);
    expect(text).toMatch(/The link expires \w+day, \d{1,2} \w+ \d{4} at \d\d:\d\d UTC\./);
    const html = partOf(raw, 'text/html') ?? '';
    expect(html).toContain('<!doctype html>');
    expect(html).not.toMatch(/<img|<script/i);
    expect(html).toContain('Olive &#60;img src=x onerror=alert(1)&#62; &#38; Co');
  });

  it.skipIf(!chromium)('shows a person the account, the inviter and the note as typed, and a button for the link', async () => {
    const raw = await mailTo('html@example.com');
    const link = /http:\/\/roster\.test\/invite\/[A-Za-z0-9_-]+/.exec(partOf(raw, 'text/plain') ?? '')?.[0];
    const seen = await whatAPersonSees(partOf(raw, 'text/html') ?? '', chromium as string);
    expect(seen.text).toContain(`Join Roster Test`);
    expect(seen.text).toContain(`${HOSTILE_NAME} invited you to join Roster Test.`);
    expect(seen.text).toMatch(new RegExp(`Invited by\\s+${HOSTILE_NAME.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    expect(seen.text).toContain(NOTE);
    expect(seen.text).toMatch(/Link expires\s+\w+day, \d{1,2} \w+ \d{4} at \d\d:\d\d UTC/);
    // The typed values stayed text: nothing of theirs became an element or ran.
    expect(seen).toMatchObject({ scripts: 0, images: 0, iframes: 0 });
    expect(seen.links[0]).toMatchObject({ label: 'Accept the invitation', href: link });
    expect(seen.links[0]?.height).toBeGreaterThan(30);
  });

  it('e-mails both addresses of an address change, with the admin as Reply-To', async () => {
    await seedUser(h.roster, { email: 'amy@example.com', roles: ['viewer'], name: 'Amy' });
    const answer = await h.slack.commandAndWait(OWNER.slackId, 'edit amy@example.com --email amy.new@example.com');
    expect(String(answer.text)).toContain('Updated amy.new@example.com');
    for (const email of ['amy@example.com', 'amy.new@example.com']) {
      const raw = await mailTo(email);
      expect(headerOf(raw, 'Reply-To')).toBe(OWNER.email);
      expect(headerOf(raw, 'From')).toBe('Roster Test <team@roster.example>');
      expect(partOf(raw, 'text/plain')).toContain(`${OWNER.email} changed`);
      expect(partOf(raw, 'text/html')).toContain('Your e-mail address changed');
    }
    expect(partOf(await mailTo('amy@example.com'), 'text/plain')).toContain('Sign in with amy.new@example.com from now on.');
  });

  it('keeps the change when the e-mail to an address is refused, and logs which', async () => {
    await seedUser(h.roster, { email: 'ben@example.com', roles: ['viewer'] });
    const answer = await h.slack.commandAndWait(OWNER.slackId, 'edit ben@example.com --email refused.ben@example.com');
    expect(String(answer.text)).toContain('Updated refused.ben@example.com');
    await mailTo('ben@example.com');
    await h.fake.waitFor(() => (h.logs().includes('e-mail notice failed') ? true : undefined), 15_000);
    expect(await h.roster.prisma.user.findFirst({ where: { email: 'refused.ben@example.com' } })).not.toBeNull();
  });

  it('e-mails the holder when signing in to their account is paused, saying until when', async () => {
    await seedUser(h.roster, { email: 'pat@example.com', roles: ['viewer'] });
    for (let i = 0; i < 5; i++) {
      const answer = await postJson(`${h.baseUrl}/api/v1/login`, { email: 'pat@example.com', password: 'wrong' }, {}, h.fetch);
      expect(answer.status).toBe(401);
    }
    const raw = await mailTo('pat@example.com');
    expect(headerOf(raw, 'From')).toBe('Roster Test <team@roster.example>');
    expect(headerOf(raw, 'Subject')).toContain('paused');
    expect(partOf(raw, 'text/plain')).toMatch(/\d{1,2} \w+ \d{4} at \d\d:\d\d UTC/);
  });
});
