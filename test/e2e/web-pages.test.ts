/**
 * What invitees and users read on the invite and password pages: which account, who invited
 * them, their roles, the admin's note, the link's expiry, what the Google choice means, and
 * errors tied to the field at fault. Through the real app over HTTP.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatWhen } from '../../src/domain/format-when';
import { type Harness, OWNER, startHarness } from '../support/roster-harness';
import { createBrowser, csrfOf, outboxLinks } from '../support/web-client';

/** The opening tag of the element with this id. */
function tagWithId(body: string, id: string): string {
  const match = new RegExp(`<[a-z]+[^>]* id="${id}"[^>]*>`).exec(body);
  if (!match) throw new Error(`no element with id ${id}`);
  return match[0];
}

/** Every visible form field has a label tied to it by id. */
function expectLabelledFields(body: string) {
  const fields = [...body.matchAll(/<input(?![^>]*type="hidden")[^>]*>/g)].map((m) => m[0]);
  expect(fields.length).toBeGreaterThan(0);
  for (const field of fields) {
    const id = /id="([^"]+)"/.exec(field)?.[1];
    expect(id, field).toBeDefined();
    expect(body).toContain(`<label for="${id}">`);
  }
}

describe('invite and password pages say who and what', () => {
  let h: Harness;
  const local = (link: string) => link.replace('http://roster.test', h.baseUrl);
  async function inviteLink(command: string): Promise<string> {
    await h.slack.commandAndWait(OWNER.slackId, command);
    return local((await outboxLinks(h.dataDir, 'invite')).at(-1) as string);
  }

  beforeAll(async () => {
    h = await startHarness('embedded');
    await h.roster.prisma.user.updateMany({ where: { email: OWNER.email }, data: { name: 'Olive Owner' } });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('names the account after the Slack workspace', async () => {
    const account = await h.roster.prisma.account.findUniqueOrThrow({ where: { id: h.roster.accountId } });
    expect(account.name).toBe('Roster Test');
  });

  it('the invite form: account, inviter, role, note, expiry and what Google sign-in means', async () => {
    const sentAt = h.clock.now();
    const link = await inviteLink('invite ann@example.com --role editor --note "Welcome <b>aboard</b>!"');
    const page = await createBrowser().get(link);
    expect(page.status).toBe(200);
    expect(page.body).toContain('<title>Join Roster Test · Roster</title>');
    expect(page.body).toContain('<h1>Join Roster Test</h1>');
    expect(page.body).toContain('Olive Owner (owner@example.com) invited <strong>ann@example.com</strong> to Roster Test.');
    expect(page.body).toContain('<dt>Your role</dt>');
    expect(page.body).toContain('<strong>Editor</strong> · Creates and changes content.');
    const expiresAt = new Date(sentAt.getTime() + 48 * 3_600_000);
    expect(page.body).toContain(`<time datetime="${expiresAt.toISOString()}">${formatWhen(expiresAt)}</time> (in 2 days)`);
    expect(page.body).toContain('<figcaption>Note from Olive Owner</figcaption>');
    expect(page.body).toContain('<blockquote>Welcome &#60;b&#62;aboard&#60;/b&#62;!</blockquote>');
    expect(page.body).toContain(
      'You set no password here. From now on you sign in to Roster Test with Google, using the Google account for ann@example.com.',
    );
    expect(page.body).toContain('<button type="submit" name="method" value="google" class="secondary" formnovalidate');
    // Script-free, labelled, sized for a phone.
    expect(page.body).not.toMatch(/<script|\son[a-z]+=/i);
    expect(page.body).toContain('<meta name="viewport" content="width=device-width,initial-scale=1">');
    expect(page.body).toContain('<main>');
    expectLabelledFields(page.body);
    expect(tagWithId(page.body, 'password')).toContain('aria-describedby="password-hint"');
    expect(page.body).not.toContain('role="alert"');
  });

  it('counts the hours when less than two days are left, and lists every role', async () => {
    const link = await inviteLink('invite cy@example.com --role viewer');
    const user = await h.roster.prisma.user.findFirstOrThrow({ where: { email: 'cy@example.com' } });
    const editor = await h.roster.prisma.role.findFirstOrThrow({ where: { key: 'editor' } });
    await h.roster.prisma.userRole.create({ data: { userId: user.id, roleId: editor.id } });
    h.clock.advanceHours(30);
    const page = await createBrowser().get(link);
    h.clock.advanceHours(-30);
    expect(page.body).toContain('(in 18 hours)');
    expect(page.body).toContain('<dt>Your roles</dt>');
    expect(page.body.indexOf('<strong>Editor</strong>')).toBeLessThan(page.body.indexOf('<strong>Viewer</strong>'));
  });

  it('announces an error and ties it to the field at fault, keeping what was typed', async () => {
    const link = await inviteLink('invite dee@example.com');
    const browser = createBrowser();
    const form = await browser.get(link);
    const short = await browser.post(link, { csrf: csrfOf(form.body), name: 'Dee', method: 'password', password: 'short' });
    expect(short.status).toBe(400);
    expect(short.body).toContain(
      '<p class="error" id="form-error" role="alert">Choose a password of at least 12 characters.</p>',
    );
    const password = tagWithId(short.body, 'password');
    expect(password).toContain('aria-describedby="password-hint form-error"');
    expect(password).toContain('aria-invalid="true"');
    expect(password).toContain('autofocus');
    expect(tagWithId(short.body, 'name')).toContain('value="Dee"');
    expect(tagWithId(short.body, 'name')).not.toContain('aria-invalid');

    const noName = await browser.post(link, { csrf: csrfOf(short.body), name: ' ', method: 'google' });
    expect(noName.status).toBe(400);
    expect(noName.body).toContain('role="alert">Give your name (up to 100 characters).</p>');
    expect(tagWithId(noName.body, 'name')).toContain('aria-invalid="true"');
    expect(tagWithId(noName.body, 'password')).not.toContain('aria-invalid');
  });

  it('accepting with Google says what happens next', async () => {
    const link = await inviteLink('invite gus@example.com');
    const browser = createBrowser();
    const form = await browser.get(link);
    const done = await browser.post(link, { csrf: csrfOf(form.body), name: 'Gus', method: 'google' });
    expect(done.status).toBe(200);
    expect(done.body).toContain('<h1>You are in</h1><p>Your Roster Test account is active.</p>');
    expect(done.body).toContain('Sign in with Google from now on, using the Google account for gus@example.com.');
    expect((await h.roster.prisma.user.findFirstOrThrow({ where: { email: 'gus@example.com' } })).signInMethod).toBe('google');
    const used = await browser.get(link);
    expect(used.status).toBe(410);
    expect(used.body).toContain('<h1>Invite link cannot be used</h1><p>This invite has already been used.');
  });

  it('says which link is not valid', async () => {
    const unknown = await createBrowser().get(`${h.baseUrl}/invite/${'x'.repeat(43)}`);
    expect(unknown.status).toBe(404);
    expect(unknown.body).toContain('<h1>Invite link not valid</h1>');
    expect(unknown.body).not.toContain('Roster Test');
    const malformed = await createBrowser().get(`${h.baseUrl}/password/bad!token`);
    expect(malformed.status).toBe(404);
    expect(malformed.body).toContain('<h1>Password link not valid</h1><p>This password link is not valid.');
  });

  it('the password page names the account, and its errors point at the field', async () => {
    const link = await inviteLink('invite pat@example.com');
    const browser = createBrowser();
    const form = await browser.get(link);
    await browser.post(link, { csrf: csrfOf(form.body), name: 'Pat', method: 'password', password: 'correct horse battery' });
    await h.slack.commandAndWait(OWNER.slackId, 'password-link pat@example.com');
    const reset = local((await outboxLinks(h.dataDir, 'password')).at(-1) as string);
    const page = await browser.get(reset);
    expect(page.body).toContain('<title>Set your password for Roster Test · Roster</title>');
    expect(page.body).toContain('<p>For <strong>pat@example.com</strong> on Roster Test.</p>');
    expectLabelledFields(page.body);
    const differ = await browser.post(reset, { csrf: csrfOf(page.body), password: 'a brand new passphrase', confirm: 'other' });
    expect(differ.status).toBe(400);
    expect(differ.body).toContain('role="alert">The two passwords differ. Type the same one twice.</p>');
    expect(tagWithId(differ.body, 'confirm')).toContain('aria-invalid="true"');
    const saved = await browser.post(reset, {
      csrf: csrfOf(differ.body),
      password: 'a brand new passphrase',
      confirm: 'a brand new passphrase',
    });
    expect(saved.body).toContain('Your new password for Roster Test is saved.');
    expect(saved.body).toContain('Sign in with pat@example.com and the new password.');
  });
});
