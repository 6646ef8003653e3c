import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, OWNER, startHarness } from '../support/roster-harness';
import { startSmtp, type TestSmtp } from '../support/smtp';
import { createBrowser, csrfOf } from '../support/web-client';

describe('delivery by SMTP', () => {
  let h: Harness;
  let smtp: TestSmtp;
  beforeAll(async () => {
    smtp = await startSmtp();
    h = await startHarness('embedded', { SMTP_URL: smtp.url });
  });
  afterAll(async () => {
    await h?.close();
    await smtp?.close();
  });

  it('e-mails the invite with the note, and the link in it works', async () => {
    await h.slack.commandAndWait(OWNER.slackId, 'invite mail@example.com --note "See you Monday"');
    const message = await h.fake.waitFor(() => smtp.messages.find((m) => m.to.includes('mail@example.com')));
    const text = message.raw.replace(/=\r?\n/g, '');
    expect(text).toContain('See you Monday');
    // It says what the invite is for: the account, named after its Slack workspace.
    expect(text).toContain('invited you to join Roster Test');
    const found = /http:\/\/roster\.test\/invite\/[A-Za-z0-9_-]+/.exec(text)?.[0] ?? '';
    const link = found.replace('http://roster.test', h.baseUrl);
    const browser = createBrowser();
    const form = await browser.get(link);
    const done = await browser.post(link, { csrf: csrfOf(form.body), name: 'Mai', method: 'google' });
    expect(done.body).toContain('Sign in with Google from now on');
    expect(await h.roster.prisma.user.findFirstOrThrow({ where: { email: 'mail@example.com' } })).toMatchObject({
      status: 'active',
      signInMethod: 'google',
    });
  });
});

describe('a failing SMTP server', () => {
  it('keeps the invite and tells the admin which e-mail failed', async () => {
    const smtp = await startSmtp(true);
    const h = await startHarness('embedded', { SMTP_URL: smtp.url });
    try {
      const answer = await h.slack.commandAndWait(OWNER.slackId, 'invite bounce@example.com', 15_000);
      expect(answer.text).toContain('Invited bounce@example.com');
      expect(answer.text).toContain('the e-mail to bounce@example.com failed');
      expect((await h.roster.prisma.user.findFirstOrThrow({ where: { email: 'bounce@example.com' } })).status).toBe('invited');
      expect(h.logs()).toContain('e-mail delivery failed');
    } finally {
      await h.close();
      await smtp.close();
    }
  });
});
