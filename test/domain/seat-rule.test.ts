/**
 * The seat rule, once, in the change layer (issue 21): the store keeps the seats in use on the
 * account row whatever writes the users, and a change may not take more seats than are free, while
 * a change that frees seats always passes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scimActor } from '../../src/domain/access/actor';
import { type DomainHarness, startDomainHarness } from '../support/domain-harness';
import { testTargets } from '../support/test-database';

describe.each(testTargets())('the seat rule (%s store)', (target) => {
  let h: DomainHarness;
  beforeAll(async () => {
    h = await startDomainHarness(target);
  });
  afterAll(async () => {
    await h?.close();
  });

  const kept = async () =>
    (await h.db.prisma.account.findUniqueOrThrow({ where: { id: h.accountId }, select: { seatsUsed: true } })).seatsUsed;
  const counted = () => h.db.prisma.user.count({ where: { accountId: h.accountId, status: { not: 'revoked' } } });

  it('keeps the seats in use on the account row, whatever writes the users', async () => {
    const services = h.services({ seatLimit: 1_000 });
    const check = async () => expect(await kept()).toBe(await counted());
    await check();
    await services.changes.submit(h.owner, { kind: 'invite', emails: ['k1@example.com', 'k2@example.com'], role: 'viewer' });
    await check();
    await services.changes.submit(scimActor(), {
      kind: 'scim-user',
      attributes: { email: 'k3@example.com', name: null, externalId: null, active: true },
    });
    await check();
    await services.changes.submit(h.owner, { kind: 'revoke', user: { email: 'k3@example.com' } });
    await check();
    await services.changes.submit(h.owner, { kind: 'delete', users: [{ email: 'k2@example.com' }], reason: null });
    await check();
    // Writes that do not go through the change layer (seeding, the scheduler's SQL) are counted alike.
    await h.db.prisma.user.createMany({
      data: ['k4', 'k5', 'k6'].map((k) => ({ accountId: h.accountId, email: `${k}@example.com`, status: 'invited' as const })),
    });
    await check();
    await h.db.prisma.user.updateMany({
      where: { email: { in: ['k4@example.com', 'k5@example.com'] } },
      data: { status: 'revoked' },
    });
    await check();
    await h.db.prisma.user.updateMany({ where: { email: 'k4@example.com' }, data: { status: 'expired' } });
    await check();
    await h.db.prisma.user.deleteMany({ where: { email: { in: ['k4@example.com', 'k5@example.com', 'k6@example.com'] } } });
    await check();
  });

  it('refuses a change that takes more seats than are free, naming the field, and lets one that frees seats pass', async () => {
    const used = await kept();
    const full = h.services({ seatLimit: used + 1 });
    await full.changes.submit(scimActor(), {
      kind: 'scim-user',
      attributes: { email: 'last@example.com', name: null, externalId: null, active: true },
    });
    await expect(
      full.changes.submit(h.owner, { kind: 'invite', emails: ['one@example.com', 'two@example.com'], role: 'viewer' }),
    ).rejects.toMatchObject({
      code: 'seat_limit',
      field: 'emails',
      message: expect.stringContaining(`Not enough seats: ${used + 1} of ${used + 1} are used and this invite needs 2.`),
    });
    await expect(
      full.changes.submit(scimActor(), {
        kind: 'scim-user',
        attributes: { email: 'scim-over@example.com', name: null, externalId: null, active: true },
      }),
    ).rejects.toMatchObject({ code: 'seat_limit', field: 'userName' });
    expect(await h.db.prisma.user.count({ where: { email: { in: ['one@example.com', 'scim-over@example.com'] } } })).toBe(0);
    expect(await kept()).toBe(used + 1);

    // Over the limit (it was lowered): freeing a seat still works, taking one does not.
    const lowered = h.services({ seatLimit: 1 });
    await lowered.changes.submit(h.owner, { kind: 'revoke', user: { email: 'last@example.com' } });
    expect(await kept()).toBe(used);
    await expect(
      lowered.changes.submit(h.owner, { kind: 'reinvite', user: { email: 'last@example.com' } }),
    ).rejects.toMatchObject({ code: 'seat_limit' });
  });
});
