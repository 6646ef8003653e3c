/**
 * Issue 13: the auth API behind a load balancer. Client addresses come from TRUST_PROXY; failures
 * count per address and per account, atomically; lockouts grow, are DMed once, audited, shown on the
 * card and cleared by an admin; every failed login looks the same (and takes the same time:
 * sign-in-timing.test.ts, run alone).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, OWNER, startHarness } from '../support/roster-harness';
import { seedUser, seedWithPassword } from '../support/seed';
import { testTargets } from '../support/test-database';
import { createBrowser, csrfOf, freshAddress, outboxLinks, postJson } from '../support/web-client';

const PASSWORD = 'a long and unusual passphrase';

/** Polls the store until a lockout's audit event (written after the answer) is there. */
async function eventually<T>(read: () => Promise<T | null>): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const value = await read();
    if (value) return value;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error('the store never had it');
}

/** A user of the harness's account who signs in with PASSWORD. */
function withPassword(h: Harness, email: string, slackUserId?: string) {
  return seedWithPassword(h.roster, email, PASSWORD, { slackUserId });
}

describe.each(testTargets())('auth API throttling behind a proxy (%s store)', (target) => {
  let h: Harness;
  const login = (email: string, password: string, from?: string) =>
    postJson(`${h.baseUrl}/api/v1/login`, { email, password }, from ? { 'x-forwarded-for': from } : {});
  const verify = (body: unknown, from?: string) =>
    postJson(`${h.baseUrl}/api/v1/auth/verify`, body, from ? { 'x-forwarded-for': from } : {});

  beforeAll(async () => {
    h = await startHarness(target, { TRUST_PROXY: 'loopback' });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('limits the noisy client behind the proxy, not the others', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) statuses.push((await verify({ apiKey: `rk_wrong${i}` }, '203.0.113.10')).status);
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(401));
    const limited = await verify({ apiKey: 'rk_wrong' }, '203.0.113.10');
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await verify({ apiKey: 'rk_wrong' }, '203.0.113.11')).status).toBe(401);
    // Failures from a client count per account it names (here the one account), or per client alone.
    expect(
      await h.roster.prisma.rateLimitBucket.count({ where: { key: { startsWith: 'fail:verify:', endsWith: ':203.0.113.10' } } }),
    ).toBe(1);
    h.clock.advanceHours(1);
  });

  it('answers at most the limit’s worth of 401s to 40 parallel bad attempts from one address', async () => {
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, i) => verify({ apiKey: `rk_parallel${i}` }, '203.0.113.20')),
    );
    const count = (status: number) => answers.filter((a) => a.status === status).length;
    expect(count(401)).toBeLessThanOrEqual(10);
    expect(count(401)).toBeGreaterThan(0);
    expect(count(401) + count(429)).toBe(40);
    h.clock.advanceHours(1);
  });

  it('answers at most the account’s threshold of 401s to 40 parallel bad logins for one account from many addresses', async () => {
    await withPassword(h, 'racer@example.com');
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, i) => login('racer@example.com', `wrong guess ${i}`, `192.0.2.${i + 1}`)),
    );
    const count = (status: number) => answers.filter((a) => a.status === status).length;
    expect(count(401)).toBeLessThanOrEqual(5);
    expect(count(401) + count(429)).toBe(40);
    expect((await login('racer@example.com', PASSWORD, freshAddress())).status).toBe(429);
    await eventually(() =>
      h.roster.prisma.auditEvent.findFirst({ where: { action: 'signin.locked', targetEmail: 'racer@example.com' } }),
    );
    expect(await h.roster.prisma.auditEvent.count({ where: { action: 'signin.locked', targetEmail: 'racer@example.com' } })).toBe(
      1,
    );
  });

  it('locks an account after five failures from any addresses, refuses the right password, DMs once, audits, and grows the wait', async () => {
    await withPassword(h, 'pat@example.com', 'UPAT');
    const from = ['203.0.113.31', '203.0.113.32', '203.0.113.33', '203.0.113.34', '203.0.113.35'];
    for (const address of from) expect((await login('pat@example.com', 'not my password', address)).status).toBe(401);
    const locked = await login('pat@example.com', PASSWORD, '203.0.113.36');
    expect(locked.status).toBe(429);
    expect(locked.json).toMatchObject({ error: 'rate_limited' });
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(50);
    expect(Number(locked.headers.get('retry-after'))).toBeLessThanOrEqual(60);

    const dm = await h.fake.waitFor(() =>
      h.fake.callsTo('chat.postMessage').find((c) => c.args.channel === 'DUPAT' && String(c.args.text).includes('paused')),
    );
    expect(String(dm.args.text)).toContain('203.0.113.35');
    expect(String(dm.args.text)).not.toContain(PASSWORD);
    const event = await eventually(() =>
      h.roster.prisma.auditEvent.findFirst({ where: { action: 'signin.locked', targetEmail: 'pat@example.com' } }),
    );
    expect(event.source).toBe('api');
    expect(event.clientAddress).toBe('203.0.113.35');
    expect((event.after as { addresses: string[] }).addresses).toEqual(from);

    for (let i = 0; i < 3; i++) expect((await login('pat@example.com', 'still wrong!!', freshAddress())).status).toBe(429);
    expect(h.fake.callsTo('chat.postMessage').filter((c) => c.args.channel === 'DUPAT')).toHaveLength(1);

    // The lock passes after a minute; five more failures lock it for two.
    h.clock.advanceHours(61 / 3600);
    for (let i = 0; i < 5; i++) expect((await login('pat@example.com', 'wrong again!!', freshAddress())).status).toBe(401);
    const longer = await login('pat@example.com', PASSWORD, freshAddress());
    expect(longer.status).toBe(429);
    expect(Number(longer.headers.get('retry-after'))).toBeGreaterThan(60);
    expect(Number(longer.headers.get('retry-after'))).toBeLessThanOrEqual(120);
    await h.fake.waitFor(() =>
      h.fake.callsTo('chat.postMessage').filter((c) => c.args.channel === 'DUPAT').length === 2 ? true : undefined,
    );

    h.clock.advanceHours(121 / 3600);
    const ok = await login('pat@example.com', PASSWORD, freshAddress());
    expect(ok.status).toBe(200);
    expect(ok.json.user).toMatchObject({ email: 'pat@example.com' });
    // A success starts afresh: the next lockout is a one-minute one again.
    for (let i = 0; i < 5; i++) await login('pat@example.com', 'wrong once more', freshAddress());
    const fresh = await login('pat@example.com', PASSWORD, freshAddress());
    expect(Number(fresh.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    h.clock.advanceHours(1);
  });

  it('shows a lockout on the user card; an admin clears it and the holder can sign in', async () => {
    await withPassword(h, 'quinn@example.com', 'UQUINN');
    await seedUser(h.roster, { email: 'viewer@example.com', slackUserId: 'UVIEWER', roles: ['viewer'] });
    for (let i = 0; i < 5; i++) await login('quinn@example.com', 'bad password!', '203.0.113.40');
    expect((await login('quinn@example.com', PASSWORD, freshAddress())).status).toBe(429);

    const shown = await h.slack.commandAndWait(OWNER.slackId, 'show quinn@example.com');
    expect(shown.text).not.toContain('went wrong');
    const card = JSON.stringify(shown.blocks);
    expect(card).toContain('Sign-in locked');
    expect(card).toContain('203.0.113.40');
    expect(card).toContain('card.clear-lockout');

    const refused = await h.slack.blockActionAndWait('UVIEWER', { actionId: 'card.clear-lockout', value: 'quinn@example.com' });
    expect(refused.text).toContain('credentials:manage');
    expect((await login('quinn@example.com', PASSWORD, freshAddress())).status).toBe(429);

    const cleared = await h.slack.blockActionAndWait(OWNER.slackId, {
      actionId: 'card.clear-lockout',
      value: 'quinn@example.com',
    });
    expect(cleared.text).toContain('Cleared the sign-in lockout of quinn@example.com');
    expect(JSON.stringify(cleared.blocks)).not.toContain('Sign-in locked');
    expect(
      await h.roster.prisma.auditEvent.count({ where: { action: 'signin.unlocked', targetEmail: 'quinn@example.com' } }),
    ).toBe(1);
    const again = await h.slack.blockActionAndWait(OWNER.slackId, { actionId: 'card.clear-lockout', value: 'quinn@example.com' });
    expect(again.text).toContain('not locked');
    expect((await login('quinn@example.com', PASSWORD, freshAddress())).status).toBe(200);
    const unlocked = JSON.stringify((await h.slack.commandAndWait(OWNER.slackId, 'show quinn@example.com')).blocks);
    expect(unlocked).not.toContain('card.clear-lockout');
  });

  it('locks unknown addresses the same way, so a lockout reveals nothing', async () => {
    const answers: number[] = [];
    for (let i = 0; i < 6; i++) answers.push((await login('ghost@example.com', 'whatever you say', freshAddress())).status);
    expect(answers).toEqual([401, 401, 401, 401, 401, 429]);
    // A day later the scheduler forgets the address (the table does not only grow).
    const ghost = { email: 'ghost@example.com' };
    expect(await h.roster.prisma.signInThrottle.count({ where: ghost })).toBe(1);
    await h.roster.scheduler.runOnce();
    expect(await h.roster.prisma.signInThrottle.count({ where: ghost })).toBe(1);
    h.clock.advanceHours(25);
    await h.roster.scheduler.runOnce();
    expect(await h.roster.prisma.signInThrottle.count({ where: ghost })).toBe(0);
    h.clock.advanceHours(-25);
    expect(await h.roster.prisma.auditEvent.count({ where: { action: 'signin.locked', targetEmail: 'ghost@example.com' } })).toBe(
      0,
    );
  });

  it('throttles passcodes sent with their holder’s e-mail per account', async () => {
    await seedUser(h.roster, { email: 'rae@example.com', slackUserId: 'URAE' });
    await h.slack.commandAndWait(OWNER.slackId, 'passcode grant rae@example.com 7d');
    const dm = await h.fake.waitFor(() =>
      h.fake.callsTo('chat.postMessage').find((c) => c.args.channel === 'DURAE' && String(c.args.text).includes('rp_')),
    );
    const code = (/(rp_[A-Za-z0-9_-]+)/.exec(String(dm.args.text)) as RegExpExecArray)[1] as string;
    expect((await verify({ passcode: code, email: 'RAE@example.com' }, freshAddress())).status).toBe(200);
    expect((await verify({ passcode: code, email: 'other@example.com' }, freshAddress())).status).toBe(401);
    for (let i = 0; i < 5; i++)
      expect((await verify({ passcode: `rp_guess${i}`, email: 'rae@example.com' }, freshAddress())).status).toBe(401);
    // Issue 20: wrong passcodes are refused while the address is locked, but a passcode is high-entropy, so
    // the right one still passes; it does not lift the lockout of password sign-in for that address.
    const locked = await verify({ passcode: 'rp_guess-more', email: 'rae@example.com' }, freshAddress());
    expect(locked.status).toBe(429);
    expect(locked.json.message).toContain('for this account');
    expect((await verify({ passcode: code, email: 'rae@example.com' }, freshAddress())).status).toBe(200);
    const row = await h.roster.prisma.signInThrottle.findFirstOrThrow({ where: { email: 'rae@example.com' } });
    expect(row.lockedUntil?.getTime()).toBeGreaterThan(h.clock.now().getTime());
    const event = await eventually(() =>
      h.roster.prisma.auditEvent.findFirst({ where: { action: 'signin.locked', targetEmail: 'rae@example.com' } }),
    );
    expect((event.after as { kind: string }).kind).toBe('passcode');
    expect((await verify({ passcode: code, email: 'not an address' }, freshAddress())).status).toBe(401);
  });

  /** The secret with `prefix` in the newest DM to `slackUserId`. */
  async function dmSecret(slackUserId: string, prefix: string): Promise<string> {
    const pattern = new RegExp(`(${prefix}[A-Za-z0-9_-]+)`);
    const dm = await h.fake.waitFor(() =>
      h.fake
        .callsTo('chat.postMessage')
        .filter((c) => c.args.channel === `D${slackUserId}` && pattern.test(String(c.args.text)))
        .at(-1),
    );
    return (pattern.exec(String(dm.args.text)) as RegExpExecArray)[1] as string;
  }

  const scim = (token: string, from: string) =>
    fetch(`${h.baseUrl}/scim/v2/Users`, { headers: { authorization: `Bearer ${token}`, 'x-forwarded-for': from } });

  it('issue 20: a correct API key, passcode or SCIM token passes behind a noisy address; junk from it is still 429', async () => {
    h.clock.advanceHours(1);
    await seedUser(h.roster, { email: 'sol@example.com', slackUserId: 'USOL' });
    await h.slack.commandAndWait(OWNER.slackId, 'apikey sol@example.com');
    const key = await dmSecret('USOL', 'rk_');
    await h.slack.commandAndWait(OWNER.slackId, 'passcode grant sol@example.com 7d');
    const code = await dmSecret('USOL', 'rp_');
    await h.slack.commandAndWait(OWNER.slackId, 'scim-token');
    const scimToken = await dmSecret(OWNER.slackId, 'rs_');
    const noisy = '203.0.113.50';

    const junk: number[] = [];
    for (let i = 0; i < 12; i++) junk.push((await verify({ apiKey: `rk_junk${i}` }, noisy)).status);
    expect(junk.slice(0, 10)).toEqual(Array(10).fill(401));
    expect(junk.slice(10)).toEqual([429, 429]);
    const byKey = await verify({ apiKey: key }, noisy);
    expect(byKey.status).toBe(200);
    expect(byKey.json.user).toMatchObject({ email: 'sol@example.com' });
    expect((await verify({ passcode: code }, noisy)).status).toBe(200);
    expect((await verify({ passcode: code, email: 'sol@example.com' }, noisy)).status).toBe(200);
    const still = await verify({ passcode: 'rp_junk' }, noisy);
    expect(still.status).toBe(429);
    expect(Number(still.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(still.json).toMatchObject({ error: 'rate_limited' });

    const asset = (token: string) =>
      postJson(
        `${h.baseUrl}/api/v1/assets`,
        { kind: 'dashboard', name: 'Noisy' },
        { authorization: `Bearer ${token}`, 'x-forwarded-for': noisy },
      );
    const junkAssets: number[] = [];
    for (let i = 0; i < 11; i++) junkAssets.push((await asset(`rk_junk${i}`)).status);
    expect(junkAssets.slice(0, 10)).toEqual(Array(10).fill(401));
    expect(junkAssets[10]).toBe(429);
    expect((await asset(key)).status).toBe(201);
    expect((await asset('rk_junk')).status).toBe(429);

    const junkScim: number[] = [];
    for (let i = 0; i < 11; i++) junkScim.push((await scim(`rs_junk${i}`, noisy)).status);
    expect(junkScim.slice(0, 10)).toEqual(Array(10).fill(401));
    expect(junkScim[10]).toBe(429);
    expect((await scim(scimToken, noisy)).status).toBe(200);
    const limited = await scim('rs_junk', noisy);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    h.clock.advanceHours(1);
  });

  it('issue 20: a correct password behind a noisy address signs in; a wrong one there counts and is 429; the account’s own lockout still refuses', async () => {
    h.clock.advanceHours(1);
    await withPassword(h, 'sam@example.com');
    const noisy = '203.0.113.60';
    const junk: number[] = [];
    for (let i = 0; i < 11; i++) junk.push((await login(`junk${i}@example.com`, 'whatever you say', noisy)).status);
    expect(junk.slice(0, 10)).toEqual(Array(10).fill(401));
    expect(junk[10]).toBe(429);

    const ok = await login('sam@example.com', PASSWORD, noisy);
    expect(ok.status).toBe(200);
    expect(ok.json.user).toMatchObject({ email: 'sam@example.com' });
    const wrong = await login('sam@example.com', 'not my password', noisy);
    expect(wrong.status).toBe(429);
    expect(wrong.json).toMatchObject({ error: 'rate_limited' });
    expect(Number(wrong.headers.get('retry-after'))).toBeGreaterThan(0);
    // The wrong one still counts against the account: four more from elsewhere lock it.
    expect(await h.roster.prisma.signInThrottle.findFirst({ where: { email: 'sam@example.com' } })).toMatchObject({
      failures: 1,
    });
    for (let i = 0; i < 4; i++) expect((await login('sam@example.com', 'not my password', freshAddress())).status).toBe(401);
    const locked = await login('sam@example.com', PASSWORD, noisy);
    expect(locked.status).toBe(429);
    expect(locked.json.message).toContain('for this account');
    expect((await login('sam@example.com', PASSWORD, freshAddress())).status).toBe(429);
    h.clock.advanceHours(1);
  });

  it('refuses common passwords on the invite page, saying why', async () => {
    await h.slack.commandAndWait(OWNER.slackId, 'invite common@example.com');
    const link = ((await outboxLinks(h.dataDir, 'invite')).at(-1) as string).replace('http://roster.test', h.baseUrl);
    const browser = createBrowser();
    const form = await browser.get(link);
    const common = await browser.post(link, {
      csrf: csrfOf(form.body),
      name: 'Cy',
      method: 'password',
      password: 'Qwerty123456',
    });
    expect(common.status).toBe(400);
    expect(common.body).toContain('common passwords');
    const fine = await browser.post(link, { csrf: csrfOf(common.body), name: 'Cy', method: 'password', password: PASSWORD });
    expect(fine.status).toBe(200);
    const accepted = await h.roster.prisma.auditEvent.findFirstOrThrow({
      where: { action: 'invite.accepted', targetEmail: 'common@example.com' },
    });
    expect(accepted.clientAddress).toMatch(/^(::ffff:)?127\.0\.0\.1$/);
  });
});

describe('auth API without TRUST_PROXY (embedded store)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness('embedded');
  });
  afterAll(async () => {
    await h?.close();
  });

  it('ignores a forged X-Forwarded-For', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) {
      const answer = await postJson(
        `${h.baseUrl}/api/v1/auth/verify`,
        { apiKey: `rk_x${i}` },
        { 'x-forwarded-for': `203.0.113.${i}` },
      );
      statuses.push(answer.status);
    }
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(401));
    expect(statuses.slice(10)).toEqual([429, 429]);
    expect(await h.roster.prisma.rateLimitBucket.findMany({ select: { key: true } })).toEqual([
      { key: expect.stringMatching(/^fail:verify:[0-9a-f-]{36}:(::ffff:)?127\.0\.0\.1$/) },
    ]);
  });
});
