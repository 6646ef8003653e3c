/**
 * Issue 22 item 4 through the real app, both stores: with PRODUCT_URL, accepting an invite (and setting
 * a password from a link) answers 303 to PRODUCT_URL with a one-time code; the product exchanges it at
 * POST /api/v1/auth/exchange with its own API key for the user and roles, once. Without PRODUCT_URL the
 * pages end as before.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashToken } from '../../src/domain/secrets';
import { type ListenerHarness, OWNER, startListenerHarness } from '../support/listener-harness';
import { seedUser } from '../support/seed';
import { testTargets } from '../support/test-database';
import { csrfOf, outboxLinks, postJson } from '../support/web-client';

const PRODUCT_URL = 'https://app.example.com/roster/signed-in?tenant=acme';
const PASSWORD = 'a long and unusual passphrase';
const PRODUCT_KEY = 'rk_product_key_for_the_handoff_tests_0123456789';

/** A browser over the harness's in-process fetch: keeps the CSRF cookie, never follows a redirect. */
function browserOf(h: ListenerHarness) {
  let cookie = '';
  const keep = (response: Response) => {
    const set = response.headers.getSetCookie()[0];
    if (set) cookie = set.split(';')[0] as string;
    return response;
  };
  return {
    get: async (url: string) => keep(await h.fetch(url, { headers: { cookie } })),
    post: async (url: string, form: Record<string, string>) =>
      keep(
        await h.fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
          body: new URLSearchParams(form).toString(),
        }),
      ),
  };
}

/** Invites `email` from Slack and accepts the invite with a password; the answer to the POST. */
async function acceptInvite(h: ListenerHarness, email: string): Promise<Response> {
  await h.slack.commandAndWait(OWNER.slackId, `invite ${email} --role editor`);
  const link = ((await outboxLinks(h.dataDir, 'invite')).at(-1) as string).replace('http://roster.test', h.baseUrl);
  const browser = browserOf(h);
  const form = await browser.get(link);
  return browser.post(link, { csrf: csrfOf(await form.text()), name: 'Ann', method: 'password', password: PASSWORD });
}

describe.each(testTargets())('straight into the product after setting a password (%s store)', (target) => {
  describe('with PRODUCT_URL', () => {
    let h: ListenerHarness;
    const exchange = (body: unknown) =>
      postJson(`${h.baseUrl}/api/v1/auth/exchange`, body, { authorization: `Bearer ${PRODUCT_KEY}` }, h.fetch);
    beforeAll(async () => {
      h = await startListenerHarness(target, { PRODUCT_URL });
      const product = await seedUser(h.roster, { email: 'product@example.com', roles: ['viewer'] });
      await h.roster.prisma.apiKey.create({
        data: { accountId: h.roster.accountId, userId: product.id, prefix: 'rk_product', keyHash: hashToken(PRODUCT_KEY) },
      });
    });
    afterAll(() => h?.close());

    it('303 to PRODUCT_URL?…&code=…, exchanged once for the user and roles; a second exchange, a bad body and a minute later are refused', async () => {
      const done = await acceptInvite(h, 'ann@example.com');
      expect(done.status).toBe(303);
      const to = new URL(done.headers.get('location') as string);
      expect(`${to.origin}${to.pathname}?tenant=${to.searchParams.get('tenant')}`).toBe(PRODUCT_URL);
      const code = to.searchParams.get('code') as string;
      expect(code).toMatch(/^[A-Za-z0-9_-]{43}$/);

      expect(await exchange({ code: 5 })).toMatchObject({ status: 400, json: { error: 'bad_request', field: 'code' } });
      const first = await exchange({ code });
      expect(first.status).toBe(200);
      expect(first.json).toMatchObject({
        user: { email: 'ann@example.com', name: 'Ann' },
        roles: [{ key: 'editor', scope: null }],
      });
      expect(await exchange({ code })).toMatchObject({ status: 400, json: { error: 'invalid_code', field: 'code' } });
      expect(h.logs()).not.toContain(code);

      const late = new URL((await acceptInvite(h, 'bo@example.com')).headers.get('location') as string).searchParams.get('code');
      h.clock.set(new Date(h.clock.now().getTime() + 60_000));
      expect(await exchange({ code: late })).toMatchObject({ status: 400, json: { error: 'invalid_code' } });
    });
  });

  describe('without PRODUCT_URL', () => {
    let h: ListenerHarness;
    beforeAll(async () => {
      h = await startListenerHarness(target);
    });
    afterAll(() => h?.close());

    it('the invite page ends on its own page, as before', async () => {
      const done = await acceptInvite(h, 'ann@example.com');
      expect(done.status).toBe(200);
      expect(await done.text()).toContain('<h1>You are in</h1>');
      expect(await h.roster.prisma.productHandoffCode.count()).toBe(0);
    });
  });
});
