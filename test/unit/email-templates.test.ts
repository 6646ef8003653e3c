/**
 * The e-mails people act on (issue 22, item 10): what each says in both parts, that every typed value
 * is escaped in the HTML, how the mailer addresses them (MAIL_FROM, the account's name, Reply-To), and
 * that a notice's failed e-mail is reported, not thrown.
 */
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config';
import { createLinkDelivery } from '../../src/delivery/link-delivery';
import { composeMail, mailerFor } from '../../src/delivery/mailer';
import { emailMjml, emailText, renderEmail } from '../../src/delivery/templates/email-layout';
import { linkEmail, whenInWords } from '../../src/delivery/templates/link-email';
import { noticeEmail } from '../../src/delivery/templates/notice-email';
import type { Mail, OutgoingLink } from '../../src/domain/ports';

const HOSTILE = '<img src=x onerror="alert(1)"> & "Bob" <script>alert(2)</script>';
const invite: OutgoingLink = {
  kind: 'invite',
  email: 'ivy@example.com',
  link: 'http://roster.test/invite/abc_DEF-123',
  expiresAt: new Date('2026-12-07T14:00:00Z'),
  fromName: 'Olive Owner',
  note: 'See you Monday',
  roles: ['Admin', 'Billing'],
  replyTo: 'owner@example.com',
};

describe('link e-mails', () => {
  it('say what the invite page says: account, inviter, roles, note, link and expiry in words', () => {
    const text = emailText(linkEmail(invite, 'Acme'));
    expect(text).toContain('Olive Owner invited you to join Acme.');
    expect(text).toContain('Invited by: Olive Owner');
    expect(text).toContain('Your roles: Admin, Billing');
    expect(text).toContain('Note from Olive Owner: See you Monday');
    expect(text).toContain('Accept the invitation: http://roster.test/invite/abc_DEF-123');
    expect(text).toContain('The link expires Monday, 7 December 2026 at 14:00 UTC.');
    expect(emailText(linkEmail({ ...invite, roles: ['Viewer'] }, 'Acme'))).toContain('Your role: Viewer');
    expect(emailText(linkEmail({ ...invite, roles: undefined }, 'Acme'))).not.toContain('Your role');
    expect(whenInWords(new Date('2027-01-01T09:05:00Z'))).toBe('Friday, 1 January 2027 at 09:05 UTC');
  });

  it('give each kind its own button and words', () => {
    const of = (message: Partial<OutgoingLink>) => linkEmail({ ...invite, note: null, roles: undefined, ...message }, 'Acme');
    expect(of({ kind: 'password-link' }).button?.label).toBe('Set your password');
    expect(of({ kind: 'password-reset' }).paragraphs.join(' ')).toContain('If you did not ask, ignore this message');
    expect(of({ kind: 'credential-reveal', credential: 'passcode' }).button?.label).toBe('Show my API passcode');
    expect(of({ kind: 'credential-reveal' }).subject).toBe('Your new API key');
    expect(of({ kind: 'invite-reminder' }).subject).toBe('Reminder: your invitation is waiting');
    // Roles are for invites: a password link does not list them even when given.
    expect(emailText(of({ kind: 'password-link', roles: ['Admin'] }))).not.toContain('Your role');
  });

  it('escape every typed value in the HTML, and keep the plain text as typed', async () => {
    const hostile = { ...invite, fromName: HOSTILE, note: HOSTILE, name: HOSTILE };
    const mjml = emailMjml(linkEmail(hostile, HOSTILE));
    expect(mjml).not.toContain('<img');
    expect(mjml).not.toContain('<script');
    const { html, text } = await renderEmail(linkEmail(hostile, HOSTILE));
    expect(html).not.toMatch(/<img|<script|onerror="/i);
    expect(html).toContain('&#60;img src=x onerror=&#34;alert(1)&#34;&#62;');
    expect(text).toContain(`Invited by: ${HOSTILE}`);
  });

  it('refuse a button that does not link to http(s)', async () => {
    await expect(renderEmail(linkEmail({ ...invite, link: 'javascript:alert(1)' }, 'Acme'))).rejects.toThrow(/http\(s\) URL/);
  });
});

describe('notice e-mails', () => {
  it('tell a lockout with its end in words and where the attempts came from', () => {
    const text = emailText(
      noticeEmail(
        { kind: 'lockout', email: 'lu@example.com', failures: 5, addresses: ['10.0.0.1'], until: invite.expiresAt },
        'Acme',
      ),
    );
    expect(text).toContain(
      'After 5 failed sign-in attempts, signing in to your Acme account (lu@example.com) is paused until Monday, 7 December 2026 at 14:00 UTC.',
    );
    expect(text).toContain('Tried from: 10.0.0.1');
  });

  it('tell the old and the new address of a change, each in its own words', () => {
    const change = {
      kind: 'address-changed' as const,
      from: 'amy@example.com',
      to: 'amy.new@example.com',
      by: 'owner@example.com',
      password: true,
    };
    expect(emailText(noticeEmail({ ...change, email: 'amy@example.com' }, 'Acme'))).toContain(
      'owner@example.com changed the e-mail address of your Acme account from amy@example.com to amy.new@example.com. Sign in with amy.new@example.com from now on.',
    );
    const toNew = emailText(noticeEmail({ ...change, email: 'amy.new@example.com', password: false }, 'Acme'));
    expect(toNew).toContain('amy.new@example.com is now the e-mail address of your Acme account (it was amy@example.com)');
    expect(toNew).toContain('Your API key and passcode stay as they are.');
  });
});

describe('the mailer', () => {
  it('sends from MAIL_FROM under the account’s name, with Reply-To and the HTML as a base64 alternative', () => {
    const composed = composeMail('team@roster.example', {
      to: 'ivy@example.com',
      subject: 'Hi',
      text: 'plain',
      html: '<p>rich</p>',
      fromName: 'Acme "Inc"',
      replyTo: 'owner@example.com',
    });
    expect(composed).toMatchObject({
      from: { name: 'Acme "Inc"', address: 'team@roster.example' },
      replyTo: 'owner@example.com',
      text: 'plain',
      alternatives: [{ contentType: 'text/html; charset=utf-8', content: '<p>rich</p>', contentTransferEncoding: 'base64' }],
    });
    expect(composeMail('team@roster.example', { to: 'a@example.com', subject: 's', text: 't' })).not.toHaveProperty('replyTo');
  });

  it('takes MAIL_FROM as an address, naming the variable when it is not one, and defaults to roster@ the PUBLIC_URL host', async () => {
    const good = { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 'secret-secret' };
    expect(loadConfig({ ...good, MAIL_FROM: 'team@roster.example' }).mailFrom).toBe('team@roster.example');
    expect(loadConfig(good).mailFrom).toBeUndefined();
    expect(() => loadConfig({ ...good, MAIL_FROM: 'Roster <no-at-sign>' })).toThrow(/MAIL_FROM is not valid/);
    const { mkdtemp, readdir, readFile } = await import('node:fs/promises');
    const dataDir = await mkdtemp(`${(await import('node:os')).tmpdir()}/roster-mail-`);
    const mail: Mail = { to: 'a@example.com', subject: 's', text: 't', fromName: 'Acme' };
    await mailerFor({ dataDir, publicUrl: 'https://roster.example.com' }).send(mail);
    const [file] = await readdir(`${dataDir}/outbox`);
    expect(await readFile(`${dataDir}/outbox/${file}`, 'utf8')).toContain('From: Acme <roster@roster.example.com>');
  });
});

describe('link delivery by e-mail', () => {
  const silent = pino({ level: 'silent' });
  const noDm = { toEmail: async () => 'not-in-workspace' as const };

  it('sends both parts with the account as sender name and the inviter as Reply-To', async () => {
    const sent: Mail[] = [];
    const delivery = createLinkDelivery({
      dm: noDm as never,
      mailer: { send: async (m) => void sent.push(m) },
      logger: silent,
      accountName: 'Acme',
    });
    expect((await delivery.send(invite)).mail).toBe('sent');
    expect(sent[0]).toMatchObject({
      to: 'ivy@example.com',
      fromName: 'Acme',
      replyTo: 'owner@example.com',
      subject: 'Olive Owner invited you to Acme',
    });
    expect(sent[0]?.html).toContain('Accept the invitation');
    expect(sent[0]?.text).toContain('Your roles: Admin, Billing');
  });

  it('reports a notice whose e-mail failed as not mailed, without throwing', async () => {
    const delivery = createLinkDelivery({
      dm: noDm as never,
      mailer: { send: async () => Promise.reject(new Error('mailbox unavailable')) },
      logger: silent,
      accountName: 'Acme',
    });
    const lockout = {
      kind: 'lockout' as const,
      email: 'lu@example.com',
      failures: 5,
      addresses: ['10.0.0.1'],
      until: new Date(),
    };
    expect(await delivery.notice?.(lockout)).toBe(false);
  });
});
