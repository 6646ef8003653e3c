import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, OWNER, startHarness } from '../support/roster-harness';
import { seedUser } from '../support/seed';
import { testTargets } from '../support/test-database';
import { createBrowser, csrfOf, outboxLinks, postJson } from '../support/web-client';

describe.each(testTargets())('invite and password pages, the API (%s store)', (target) => {
  let h: Harness;
  const local = (link: string) => link.replace('http://roster.test', h.baseUrl);
  const api = (path: string, body: unknown, headers?: Record<string, string>) => postJson(`${h.baseUrl}${path}`, body, headers);
  async function inviteLink(email: string): Promise<string> {
    await h.slack.commandAndWait(OWNER.slackId, `invite ${email}`);
    const links = await outboxLinks(h.dataDir, 'invite');
    return local(links.at(-1) as string);
  }
  /** The secret DMed to a Slack user, e.g. an API key or passcode. */
  async function dmSecret(slackUserId: string, prefix: string): Promise<string> {
    const dm = await h.fake.waitFor(() =>
      h.fake
        .callsTo('chat.postMessage')
        .filter((c) => c.args.channel === `D${slackUserId}` && String(c.args.text).includes(prefix))
        .at(-1),
    );
    return (new RegExp(`(${prefix}[A-Za-z0-9_-]+)`).exec(String(dm.args.text)) as RegExpExecArray)[1] as string;
  }

  beforeAll(async () => {
    h = await startHarness(target);
  });
  afterAll(async () => {
    await h?.close();
  });

  it('accepts an invite through the form: CSRF, password rule, then active and able to log in', async () => {
    const link = await inviteLink('nina@example.com');
    const browser = createBrowser();
    const form = await browser.get(link);
    expect(form.status).toBe(200);
    expect(form.body).toContain('nina@example.com');
    const noCsrf = await browser.post(link, { name: 'Nina', password: 'correct horse battery' });
    expect(noCsrf.status).toBe(403);
    const stranger = createBrowser();
    await stranger.get(link);
    const wrongCookie = await stranger.post(link, { csrf: csrfOf(form.body), name: 'Nina', password: 'correct horse battery' });
    expect(wrongCookie.status).toBe(403);
    const short = await browser.post(link, { csrf: csrfOf(form.body), name: 'Nina', method: 'password', password: 'short' });
    expect(short.status).toBe(400);
    expect(short.body).toContain('at least 12 characters');
    expect((await h.roster.prisma.user.findFirstOrThrow({ where: { email: 'nina@example.com' } })).status).toBe('invited');
    const done = await browser.post(link, {
      csrf: csrfOf(short.body),
      name: 'Nina <b>N</b>',
      method: 'password',
      password: 'correct horse battery',
    });
    expect(done.status).toBe(200);
    expect(done.body).toContain('Your Roster Test account is active.');
    expect(done.body).not.toContain(link.split('/').at(-1));
    const user = await h.roster.prisma.user.findFirstOrThrow({ where: { email: 'nina@example.com' } });
    expect(user).toMatchObject({ status: 'active', name: 'Nina <b>N</b>', signInMethod: 'password' });
    expect(user.lastLoginAt).not.toBeNull();
    expect(user.passwordHash).toMatch(/^scrypt\$/);
    expect(await h.roster.prisma.auditEvent.count({ where: { action: 'invite.accepted', source: 'web' } })).toBe(1);
    const again = await browser.get(link);
    expect(again.status).toBe(410);
    expect(again.body).toContain('already been used');
    const login = await api('/api/v1/login', { email: 'NINA@example.com', password: 'correct horse battery' });
    expect(login.status).toBe(200);
    expect(login.json.user).toMatchObject({ email: 'nina@example.com' });
    expect((await api('/api/v1/login', { email: 'nina@example.com', password: 'wrong password!!' })).status).toBe(401);
    expect((await api('/api/v1/login', { email: 'nobody@example.com', password: 'wrong password!!' })).json).toEqual(
      (await api('/api/v1/login', { email: 'nina@example.com', password: 'wrong password!!' })).json,
    );
  });

  it('escapes what users typed', async () => {
    await seedUser(h.roster, { email: 'xss@example.com', status: 'invited', name: '<script>alert(1)</script>' });
    const link = await (async () => {
      await h.slack.commandAndWait(OWNER.slackId, 'invite-link xss@example.com');
      const answer = h.fake.responses.at(-1)?.body.text as string;
      return local(/http:\/\/roster\.test\/invite\/[A-Za-z0-9_-]+/.exec(answer)?.[0] as string);
    })();
    const page = await createBrowser().get(link);
    expect(page.status).toBe(200);
    expect(page.body).not.toContain('<script>alert(1)</script>');
    expect(page.body).toContain('&#60;script&#62;alert(1)&#60;/script&#62;');
  });

  it('refuses unknown, superseded, expired and revoked invite links with a page that says so, changing nothing', async () => {
    expect((await createBrowser().get(`${h.baseUrl}/invite/${'x'.repeat(43)}`)).body).toContain('not valid');
    expect((await createBrowser().get(`${h.baseUrl}/invite/bad!token`)).status).toBe(404);
    const old = await inviteLink('sam@example.com');
    await h.slack.commandAndWait(OWNER.slackId, 'invite-link sam@example.com');
    const superseded = await createBrowser().get(old);
    expect(superseded.status).toBe(410);
    expect(superseded.body).toContain('replaced by a newer one');
    const expiring = await inviteLink('eve@example.com');
    h.clock.advanceHours(49);
    const expired = await createBrowser().get(expiring);
    expect(expired.body).toContain('has expired');
    h.clock.advanceHours(-49);
    const browser = createBrowser();
    const form = await browser.get(expiring);
    await h.roster.prisma.invite.updateMany({ where: { user: { email: 'eve@example.com' } }, data: { status: 'revoked' } });
    const revoked = await browser.post(expiring, { csrf: csrfOf(form.body), name: 'Eve', password: 'correct horse battery' });
    expect(revoked.status).toBe(410);
    expect(revoked.body).toContain('withdrawn');
    expect((await h.roster.prisma.user.findFirstOrThrow({ where: { email: 'eve@example.com' } })).status).toBe('invited');
  });

  it('verifies API keys: valid, wrong, disabled, revoked', async () => {
    await seedUser(h.roster, {
      email: 'kim@example.com',
      roles: ['editor'],
      slackUserId: 'UKIM',
      extraPermissions: ['audit:view'],
    });
    const answer = await h.slack.commandAndWait(OWNER.slackId, 'apikey kim@example.com');
    expect(answer.text).toContain('sent to them by DM');
    const key = await dmSecret('UKIM', 'rk_');
    expect(answer.text).not.toContain(key);
    const ok = await api('/api/v1/auth/verify', { apiKey: key });
    expect(ok.status).toBe(200);
    expect(ok.json).toMatchObject({ user: { email: 'kim@example.com' }, roles: [{ key: 'editor', scope: null }] });
    expect(ok.json.permissions).toEqual(['audit:view', 'content:publish', 'content:read', 'content:write']);
    expect(
      (await h.roster.prisma.apiKey.findFirstOrThrow({ where: { user: { email: 'kim@example.com' } } })).lastUsedAt,
    ).not.toBeNull();
    expect((await api('/api/v1/auth/verify', { apiKey: `${key}x` })).status).toBe(401);
    await h.slack.commandAndWait(OWNER.slackId, 'disable kim@example.com');
    expect((await api('/api/v1/auth/verify', { apiKey: key })).status).toBe(401);
    await h.slack.commandAndWait(OWNER.slackId, 'enable kim@example.com');
    expect((await api('/api/v1/auth/verify', { apiKey: key })).status).toBe(200);
    await h.slack.commandAndWait(OWNER.slackId, 'apikey kim@example.com');
    expect((await api('/api/v1/auth/verify', { apiKey: key })).status).toBe(401);
    const second = await dmSecret('UKIM', 'rk_');
    expect((await api('/api/v1/auth/verify', { apiKey: second })).status).toBe(200);
    await h.slack.commandAndWait(OWNER.slackId, 'revoke kim@example.com');
    expect((await api('/api/v1/auth/verify', { apiKey: second })).status).toBe(401);
  });

  it('verifies passcodes until they expire; reset keeps the tenure', async () => {
    await seedUser(h.roster, { email: 'lee@example.com', slackUserId: 'ULEE' });
    await h.slack.commandAndWait(OWNER.slackId, 'passcode grant lee@example.com 7d');
    const code = await dmSecret('ULEE', 'rp_');
    expect((await api('/api/v1/auth/verify', { passcode: code })).status).toBe(200);
    const list = await h.slack.commandAndWait(OWNER.slackId, 'list lee');
    expect(JSON.stringify(list.blocks)).toContain('passcode active until');
    await h.slack.commandAndWait(OWNER.slackId, 'passcode reset lee@example.com');
    expect((await api('/api/v1/auth/verify', { passcode: code })).status).toBe(401);
    const fresh = await dmSecret('ULEE', 'rp_');
    expect((await h.roster.prisma.passcode.findFirstOrThrow({ where: { user: { email: 'lee@example.com' } } })).tenureDays).toBe(
      7,
    );
    h.clock.advanceHours(7 * 24 - 1);
    expect((await api('/api/v1/auth/verify', { passcode: fresh })).status).toBe(200);
    h.clock.advanceHours(2);
    expect((await api('/api/v1/auth/verify', { passcode: fresh })).status).toBe(401);
    h.clock.advanceHours(-(7 * 24 + 1));
    expect((await h.slack.commandAndWait(OWNER.slackId, 'passcode grant lee@example.com 3d')).text).toContain(
      '1d, 7d, 30d or 90d',
    );
  });

  it('answers bad bodies with 400 naming the field', async () => {
    expect((await api('/api/v1/auth/verify', {})).json.message).toContain('exactly one of "apiKey" or "passcode"');
    expect((await api('/api/v1/auth/verify', { apiKey: 'a', passcode: 'b' })).status).toBe(400);
    expect((await api('/api/v1/auth/verify', '{not json')).json).toMatchObject({ field: 'body' });
    expect((await api('/api/v1/login', { email: 'a@b.c' })).json).toMatchObject({ error: 'bad_request', field: 'password' });
  });

  it('registers assets with an API key', async () => {
    await seedUser(h.roster, { email: 'ops@example.com', roles: ['admin'], slackUserId: 'UOPS' });
    await h.slack.commandAndWait(OWNER.slackId, 'apikey ops@example.com');
    const key = await dmSecret('UOPS', 'rk_');
    const auth = { authorization: `Bearer ${key}` };
    const created = await api('/api/v1/assets', { kind: 'dashboard', name: 'Sales', ownerEmail: 'nina@example.com' }, auth);
    expect(created.status).toBe(201);
    expect(
      (await api('/api/v1/assets', { kind: 'token', name: 'DB', transferable: false, externalId: 'db-1' }, auth)).status,
    ).toBe(201);
    expect((await api('/api/v1/assets', { kind: 'Bad Kind', name: 'x' }, auth)).json).toMatchObject({ field: 'kind' });
    expect((await api('/api/v1/assets', { kind: 'dashboard', name: 'x' })).status).toBe(401);
    expect(await h.roster.prisma.asset.count()).toBe(2);
  });

  it('sets a password from a single-use link, refused for Google users', async () => {
    await h.slack.commandAndWait(OWNER.slackId, 'password-link nina@example.com');
    const link = local((await outboxLinks(h.dataDir, 'password')).at(-1) as string);
    const browser = createBrowser();
    const form = await browser.get(link);
    const mismatch = await browser.post(link, {
      csrf: csrfOf(form.body),
      password: 'a brand new passphrase',
      confirm: 'different',
    });
    expect(mismatch.status).toBe(400);
    const saved = await browser.post(link, {
      csrf: csrfOf(mismatch.body),
      password: 'a brand new passphrase',
      confirm: 'a brand new passphrase',
    });
    expect(saved.body).toContain('Password saved');
    expect((await api('/api/v1/login', { email: 'nina@example.com', password: 'a brand new passphrase' })).status).toBe(200);
    expect((await browser.get(link)).body).toContain('already been used');
    const google = await h.slack.commandAndWait(OWNER.slackId, 'signin nina@example.com google');
    expect(google.text).toContain('now signs in with Google');
    expect((await api('/api/v1/login', { email: 'nina@example.com', password: 'a brand new passphrase' })).status).toBe(401);
    expect((await h.slack.commandAndWait(OWNER.slackId, 'password-link nina@example.com')).text).toContain(
      'password links are refused',
    );
  });

  it('rate-limits repeated failures from one client with 429 and Retry-After', async () => {
    let last = { status: 0, headers: new Headers() };
    for (let i = 0; i < 12; i++) last = await api('/api/v1/auth/verify', { apiKey: `rk_wrong${i}` });
    expect(last.status).toBe(429);
    expect(Number(last.headers.get('retry-after'))).toBeGreaterThan(0);
    h.clock.advanceHours(1);
    expect((await api('/api/v1/auth/verify', { apiKey: 'rk_wrong' })).status).toBe(401);
    // Old windows are pruned by the scheduler.
    const failures = { key: { startsWith: 'fail:verify:' } };
    expect(await h.roster.prisma.rateLimitBucket.count({ where: failures })).toBe(1);
    h.clock.advanceHours(2);
    await h.roster.scheduler.runOnce();
    expect(await h.roster.prisma.rateLimitBucket.count({ where: failures })).toBe(0);
  });
});
