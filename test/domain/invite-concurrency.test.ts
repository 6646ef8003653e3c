import { afterAll, describe, expect, it } from 'vitest';
import { isRosterError } from '../../src/errors';
import { type DomainHarness, domainStore } from '../support/domain-harness';
import { testTargets } from '../support/test-database';

describe.each(testTargets())('invites under concurrency (%s store)', (target) => {
  let h: DomainHarness;
  const store = domainStore(target);
  afterAll(() => store.close());

  it('20 concurrent invites of one address make one user; the others are told it is already invited', async () => {
    h = await store.fresh();
    const { changes } = h.services();
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, () => changes.submit(h.owner, { kind: 'invite', emails: ['same@example.com'], role: 'viewer' })),
    );
    const ok = results.filter((r) => r.status === 'fulfilled');
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(ok).toHaveLength(1);
    expect(refused).toHaveLength(19);
    for (const r of refused) {
      expect(isRosterError(r.reason)).toBe(true);
      expect(r.reason.problems[0].reason).toMatch(/already invited/);
    }
    expect(await h.db.prisma.user.count({ where: { email: 'same@example.com' } })).toBe(1);
    expect(await h.db.prisma.invite.count()).toBe(1);
    expect(h.sent).toHaveLength(1);
  });

  it('concurrent invites racing the seat limit never exceed it', async () => {
    h = await store.fresh();
    const { changes, directory } = h.services({ seatLimit: 10 });
    // 1 seat is the owner's; 12 invites of 2 addresses each race for the 9 left.
    const results = await Promise.allSettled(
      Array.from({ length: 12 }, (_, i) =>
        changes.submit(h.owner, { kind: 'invite', emails: [`a${i}@example.com`, `b${i}@example.com`] }),
      ),
    );
    const ok = results.filter((r) => r.status === 'fulfilled').length;
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(ok).toBe(4);
    for (const r of refused) expect(r.reason.code).toBe('seat_limit');
    const seats = await directory.seats(h.owner);
    expect(seats.used).toBe(9);
    expect(seats.used).toBeLessThanOrEqual(seats.limit);
  });
});
