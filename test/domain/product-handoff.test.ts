/**
 * The hand-off code on a real store, both stores: issued only with PRODUCT_URL and only for an active
 * user, stored hashed, exchanged once for the user and roles (also when exchanged many times at once,
 * over two connections), refused once expired, in another account, or when its user was disabled;
 * expired codes are swept when the next one is issued.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createProductHandoff, HANDOFF_CODE_TTL_SECONDS } from '../../src/domain/handoff/product-handoff';
import { hashToken } from '../../src/domain/secrets';
import { openDatabase } from '../../src/store/database';
import { domainStore } from '../support/domain-harness';
import { seedUser } from '../support/seed';
import { testTargets } from '../support/test-database';

const PRODUCT_URL = 'https://app.example.com/roster/signed-in?tenant=acme';

/** The code in a redirect to PRODUCT_URL. */
function codeOf(redirect: string | null): string {
  if (!redirect) throw new Error('no redirect');
  const url = new URL(redirect);
  expect(`${url.origin}${url.pathname}`).toBe('https://app.example.com/roster/signed-in');
  expect(url.searchParams.get('tenant')).toBe('acme');
  return url.searchParams.get('code') as string;
}

describe.each(testTargets())('product hand-off codes (%s store)', (target) => {
  const store = domainStore(target);
  afterAll(() => store.close());

  async function setup(productUrl: string | null = PRODUCT_URL) {
    const h = await store.fresh();
    const handoff = (accountId = h.accountId, prisma = h.db.prisma) =>
      createProductHandoff({ prisma, accountId, clock: h.clock, productUrl: productUrl ?? undefined, multipleRoles: 'highest' });
    const user = await seedUser(
      { prisma: h.db.prisma, accountId: h.accountId },
      { email: 'ann@example.com', name: 'Ann', roles: ['editor'] },
    );
    return { h, handoff, user };
  }

  it('hands an active user over once: the user and roles as verify answers them, the code stored only hashed', async () => {
    const { h, handoff, user } = await setup();
    const code = codeOf(await handoff().redirectFor('ann@example.com'));
    expect(code).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const rows = await h.db.prisma.productHandoffCode.findMany();
    expect(rows).toEqual([expect.objectContaining({ accountId: h.accountId, userId: user.id, codeHash: hashToken(code) })]);
    expect(JSON.stringify(rows)).not.toContain(code);
    expect(rows[0]?.expiresAt.getTime()).toBe(h.clock.now().getTime() + HANDOFF_CODE_TTL_SECONDS * 1000);

    const holder = await handoff().exchange(code);
    expect(holder).toMatchObject({
      user: { id: user.id, email: 'ann@example.com', name: 'Ann' },
      roles: [{ key: 'editor', scope: null }],
      overriddenRoles: [],
    });
    expect(holder?.permissions.length).toBeGreaterThan(0);
    expect(await handoff().exchange(code)).toBeNull();
    expect(await h.db.prisma.productHandoffCode.count()).toBe(0);
  });

  it('of many exchanges of one code at once, over two connections, exactly one gets the user', async () => {
    const { h, handoff, user } = await setup();
    // A second replica's connection on PostgreSQL; the embedded store has one backend, shared.
    const other = target === 'postgres' ? await openDatabase({ databaseUrl: h.url, dataDir: '/tmp' }) : null;
    try {
      const code = codeOf(await handoff().redirectFor('ann@example.com'));
      const via = [handoff(), handoff(h.accountId, other?.prisma ?? h.db.prisma)];
      const results = await Promise.all(Array.from({ length: 10 }, (_, i) => via[i % 2]?.exchange(code)));
      expect(results.filter((r) => r?.user.id === user.id)).toHaveLength(1);
      expect(results.filter((r) => r === null)).toHaveLength(9);
    } finally {
      await other?.close();
    }
  });

  it('refuses an expired code, and the next code issued sweeps it', async () => {
    const { h, handoff } = await setup();
    const late = codeOf(await handoff().redirectFor('ann@example.com'));
    const swept = codeOf(await handoff().redirectFor('ann@example.com'));
    h.clock.set(new Date(h.clock.now().getTime() + HANDOFF_CODE_TTL_SECONDS * 1000));
    expect(await handoff().exchange(late)).toBeNull();
    expect(await h.db.prisma.productHandoffCode.count()).toBe(1);
    codeOf(await handoff().redirectFor('ann@example.com'));
    expect(await h.db.prisma.productHandoffCode.findMany({ where: { codeHash: hashToken(swept) } })).toEqual([]);
    expect(await h.db.prisma.productHandoffCode.count()).toBe(1);
  });

  it("is bound to its account: another account's exchange gets nothing, and does not use the code up", async () => {
    const { h, handoff } = await setup();
    const other = await h.db.prisma.account.create({ data: { name: 'Other' } });
    const code = codeOf(await handoff().redirectFor('ann@example.com'));
    expect(await handoff(other.id).exchange(code)).toBeNull();
    expect(await handoff().exchange(code)).not.toBeNull();
  });

  it('hands nobody over for a user disabled since the code was issued, nor issues one for a user not active', async () => {
    const { h, handoff, user } = await setup();
    await seedUser({ prisma: h.db.prisma, accountId: h.accountId }, { email: 'off@example.com', status: 'disabled' });
    expect(await handoff().redirectFor('off@example.com')).toBeNull();
    expect(await handoff().redirectFor('nobody@example.com')).toBeNull();
    const code = codeOf(await handoff().redirectFor('ann@example.com'));
    await h.db.prisma.user.update({ where: { id: user.id }, data: { status: 'disabled' } });
    expect(await handoff().exchange(code)).toBeNull();
  });

  it('without PRODUCT_URL issues no code', async () => {
    const { h, handoff } = await setup(null);
    expect(await handoff().redirectFor('ann@example.com')).toBeNull();
    expect(await h.db.prisma.productHandoffCode.count()).toBe(0);
  });
});
