/**
 * The hand-off through the pages and the auth API, both stores: the invite and password pages' routers
 * and the API router, as web-app.ts mounts them for an account, over the account's real services. With
 * PRODUCT_URL, setting a password answers 303 to PRODUCT_URL?…&code=…, and the product exchanges the
 * code with its API key for the user and roles once; without it, the pages end as they always did.
 */
import { Writable } from 'node:stream';
import express from 'express';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { createAssetService } from '../../src/domain/assets/asset-service';
import { createProductHandoff, type ProductHandoff } from '../../src/domain/handoff/product-handoff';
import { hashToken } from '../../src/domain/secrets';
import { apiRoutes } from '../../src/web/api-routes';
import { createCsrf } from '../../src/web/csrf';
import { createRateLimit } from '../../src/web/rate-limit';
import { webPages } from '../../src/web/web-pages';
import { type DomainHarness, domainStore, LINK_SECRET } from '../support/domain-harness';
import { inProcessFetch } from '../support/in-process-http';
import { seedUser } from '../support/seed';
import { testTargets } from '../support/test-database';
import { csrfOf, postJson } from '../support/web-client';

const ORIGIN = 'http://roster.test';
const PRODUCT_URL = 'https://app.example.com/roster/signed-in?tenant=acme';
const PASSWORD = 'a long and unusual passphrase';
const PRODUCT_KEY = 'rk_product_key_for_the_handoff_tests_0123456789';

describe.each(testTargets())('hand-off to the product through the pages and the API (%s store)', (target) => {
  const store = domainStore(target);
  afterAll(() => store.close());

  /** An account's pages and API as web-app.ts mounts them, a browser that keeps cookies, and the product's key. */
  async function setup(options: { productUrl?: string; productHandoff?: ProductHandoff } = { productUrl: PRODUCT_URL }) {
    const h = await store.fresh();
    const services = h.services();
    const prisma = h.db.prisma;
    const logged: string[] = [];
    const logger = pino({ level: 'info' }, new Writable({ write: (chunk, _e, done) => done(void logged.push(String(chunk))) }));
    const productHandoff =
      options.productHandoff ??
      createProductHandoff({
        prisma,
        accountId: h.accountId,
        clock: h.clock,
        productUrl: options.productUrl,
        multipleRoles: 'highest',
      });
    const rateLimit = createRateLimit({ prisma, clock: h.clock });
    const { signIn, passwordReset, handoff, audit } = services;
    const app = express();
    app.use(webPages({ signIn, passwordReset, handoff, rateLimit, csrf: createCsrf(LINK_SECRET), logger, productHandoff }));
    app.use(
      apiRoutes({
        signIn,
        assets: createAssetService({ prisma, accountId: h.accountId, audit }),
        rateLimit,
        logger,
        productHandoff,
      }),
    );
    const fetch = inProcessFetch(app, ORIGIN);
    let cookie = '';
    const keep = (response: Response) => {
      const set = response.headers.getSetCookie()[0];
      if (set) cookie = set.split(';')[0] as string;
      return response;
    };
    const browser = {
      get: async (url: string) => keep(await fetch(url, { headers: { cookie } })),
      post: async (url: string, form: Record<string, string>) =>
        keep(
          await fetch(url, {
            method: 'POST',
            headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
            body: new URLSearchParams(form).toString(),
          }),
        ),
    };
    const product = await seedUser({ prisma, accountId: h.accountId }, { email: 'product@example.com', roles: ['viewer'] });
    await prisma.apiKey.create({
      data: { accountId: h.accountId, userId: product.id, prefix: PRODUCT_KEY.slice(0, 10), keyHash: hashToken(PRODUCT_KEY) },
    });
    const exchange = (body: unknown, key: string | null = PRODUCT_KEY) =>
      postJson(`${ORIGIN}/api/v1/auth/exchange`, body, key ? { authorization: `Bearer ${key}` } : {}, fetch);
    return { h, services, prisma, browser, exchange, logs: () => logged.join('') };
  }

  /** The token of the last link of `kind` sent to `email`. */
  function linkSent(h: DomainHarness, kind: string, email: string): string {
    const link = h.sent.filter((m) => m.kind === kind && m.email === email).at(-1)?.link;
    if (!link) throw new Error(`no ${kind} link was sent to ${email}`);
    return `${ORIGIN}${new URL(link).pathname}`;
  }

  /** Opens an invite and accepts it with a password; the answer to the POST. */
  async function acceptInvite(t: Awaited<ReturnType<typeof setup>>, email: string, method = 'password') {
    await t.services.changes.submit(t.h.owner, { kind: 'invite', emails: [email], role: 'editor' });
    const link = linkSent(t.h, 'invite', email);
    const form = await t.browser.get(link);
    return t.browser.post(link, { csrf: csrfOf(await form.text()), name: 'Ann', method, password: PASSWORD });
  }

  /** The code in a 303 to PRODUCT_URL, whose own query is kept. */
  function codeOf(response: Response): string {
    expect(response.status).toBe(303);
    const to = new URL(response.headers.get('location') as string);
    expect(`${to.origin}${to.pathname}`).toBe('https://app.example.com/roster/signed-in');
    expect(to.searchParams.get('tenant')).toBe('acme');
    return to.searchParams.get('code') as string;
  }

  it('accepting an invite with a password sends the browser to the product, which exchanges the code once', async () => {
    const t = await setup();
    const code = codeOf(await acceptInvite(t, 'ann@example.com'));
    const ann = await t.prisma.user.findFirstOrThrow({ where: { email: 'ann@example.com' } });
    const first = await t.exchange({ code });
    expect(first.status).toBe(200);
    expect(first.json).toEqual({
      user: { id: ann.id, email: 'ann@example.com', name: 'Ann' },
      roles: [{ key: 'editor', scope: null }],
      overriddenRoles: [],
      permissions: expect.arrayContaining(['content:read']),
      properties: {},
      temporaryGrants: [],
    });
    const again = await t.exchange({ code });
    expect(again.status).toBe(400);
    expect(again.json).toMatchObject({ error: 'invalid_code', field: 'code' });
    expect(again.json.message).toMatch(/unknown, used or expired: a code works once, within 60 seconds/);
    expect(t.logs()).not.toContain(code);
  });

  it('accepting with Google and setting a password from a link end at the product too', async () => {
    const t = await setup();
    expect((await t.exchange({ code: codeOf(await acceptInvite(t, 'gus@example.com', 'google')) })).status).toBe(200);

    await seedUser({ prisma: t.prisma, accountId: t.h.accountId }, { email: 'pat@example.com', name: 'Pat' });
    await t.services.changes.submit(t.h.owner, { kind: 'password-link', user: { email: 'pat@example.com' } });
    const link = linkSent(t.h, 'password-link', 'pat@example.com');
    const form = await t.browser.get(link);
    const saved = await t.browser.post(link, { csrf: csrfOf(await form.text()), password: PASSWORD, confirm: PASSWORD });
    const exchanged = await t.exchange({ code: codeOf(saved) });
    expect(exchanged.status).toBe(200);
    expect(exchanged.json).toMatchObject({ user: { email: 'pat@example.com', name: 'Pat' }, roles: [{ key: 'viewer' }] });
  });

  it('refuses an expired code, a key that is not valid here, and a body without a code (400 naming the field)', async () => {
    const t = await setup();
    const code = codeOf(await acceptInvite(t, 'ann@example.com'));
    // A key of another account (its requests go to that account's API, which holds no such code).
    const other = await t.prisma.account.create({ data: { name: 'Other' } });
    const stranger = await seedUser({ prisma: t.prisma, accountId: other.id }, { email: 'product@example.com' });
    await t.prisma.apiKey.create({
      data: {
        accountId: other.id,
        userId: stranger.id,
        prefix: 'rk_other',
        keyHash: hashToken('rk_other_account_key_0123456789'),
      },
    });
    expect(await t.exchange({ code }, 'rk_other_account_key_0123456789')).toMatchObject({
      status: 401,
      json: { error: 'unauthorized' },
    });
    expect(await t.exchange({ code }, 'rk_not_a_key_at_all')).toMatchObject({ status: 401 });
    expect(await t.exchange({ code }, null)).toMatchObject({ status: 401 });
    for (const [body, field] of [
      [{}, 'code'],
      [{ code: 5 }, 'code'],
      [{ code: '' }, 'code'],
    ] as const) {
      const bad = await t.exchange(body);
      expect(bad.status).toBe(400);
      expect(bad.json).toMatchObject({ error: 'bad_request', field });
      expect(bad.json.message).toContain('"code"');
    }
    expect(await t.exchange({ code, extra: 1 })).toMatchObject({ status: 400, json: { message: 'Unexpected field(s): extra.' } });
    // None of the refusals used the code up; a minute later it has expired.
    t.h.clock.set(new Date(t.h.clock.now().getTime() + 60_000));
    expect(await t.exchange({ code })).toMatchObject({ status: 400, json: { error: 'invalid_code', field: 'code' } });
  });

  it('counts wrong codes against the failure budget: 429 after ten in a minute, even for a good one', async () => {
    const t = await setup();
    const code = codeOf(await acceptInvite(t, 'ann@example.com'));
    for (let i = 0; i < 10; i++) expect((await t.exchange({ code: `wrong-${i}` })).status).toBe(400);
    const limited = await t.exchange({ code: 'wrong-again' });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toMatch(/^\d+$/);
    // A good code is still exchanged: the budget only turns a wrong one's 400 into 429.
    expect((await t.exchange({ code })).status).toBe(200);
  });

  it('without PRODUCT_URL the pages end as before, and no code is issued', async () => {
    const t = await setup({});
    const done = await acceptInvite(t, 'ann@example.com');
    expect(done.status).toBe(200);
    expect(await done.text()).toContain('<h1>You are in</h1>');
    await t.services.changes.submit(t.h.owner, { kind: 'password-link', user: { email: 'ann@example.com' } });
    const link = linkSent(t.h, 'password-link', 'ann@example.com');
    const form = await t.browser.get(link);
    const saved = await t.browser.post(link, { csrf: csrfOf(await form.text()), password: PASSWORD, confirm: PASSWORD });
    expect(saved.status).toBe(200);
    expect(await saved.text()).toContain('<h1>Password saved</h1>');
    expect(await t.prisma.productHandoffCode.count()).toBe(0);
  });

  it('when no code can be issued, the page still says the password is saved, and the error is logged', async () => {
    const failing = { redirectFor: async () => Promise.reject(new Error('store unavailable')), exchange: async () => null };
    const t = await setup({ productHandoff: failing });
    const done = await acceptInvite(t, 'ann@example.com');
    expect(done.status).toBe(200);
    expect(await done.text()).toContain('<h1>You are in</h1>');
    expect(t.logs()).toContain('could not hand the user to the product');
  });
});
