/**
 * A run of SCIM creates applied together (`scimUser.applyMany`, src/domain/changes/scim-user-batch.ts,
 * for /Bulk): it leaves exactly what the same creates submitted one by one leave (users, roles,
 * properties, versions, audit rows), and on any error the batch undoes the run and applies its changes
 * one by one, so the answers are the single path's; and a batch stops after `stopAfterErrors` failures.
 */
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { scimActor } from '../../src/domain/access/actor';
import { scimUser } from '../../src/domain/changes/scim-changes';
import { changeKit, domainStore } from '../support/domain-harness';
import { testTargets } from '../support/test-database';

// biome-ignore lint/suspicious/noExplicitAny: rows compared freely
type Row = Record<string, any>;

describe.each(testTargets())('SCIM creates applied together (%s store)', (target) => {
  const store = domainStore(target);
  afterAll(() => store.close());
  afterEach(() => vi.restoreAllMocks());

  const create = (email: string, extra: Row = {}) => ({
    kind: 'scim-user' as const,
    attributes: {
      email,
      userName: email.toUpperCase(),
      name: 'Ada Lovelace',
      givenName: 'Ada',
      familyName: 'Lovelace',
      externalId: 'ext-1',
      active: true,
      properties: { department: 'R&D', title: 'Engineer', costCenter: null },
      ...extra,
    },
  });

  async function setup(seatLimit?: number) {
    const h = await store.fresh();
    const kit = changeKit(h, seatLimit === undefined ? {} : { seatLimit });
    const together = vi.spyOn(scimUser as Required<typeof scimUser>, 'applyMany');
    /** What a user and their trail are, with what differs by address (and ids, times) left out. */
    const state = async (email: string) => {
      const user = await kit.prisma.user.findFirstOrThrow({
        where: { accountId: h.accountId, email },
        include: { roles: { include: { role: true } }, properties: { orderBy: { key: 'asc' } } },
      });
      const events = await kit.prisma.auditEvent.findMany({ where: { targetUserId: user.id }, orderBy: { seq: 'asc' } });
      const { id, email: _e, userName, userNameKey, createdAt, updatedAt, acceptedAt, roles, properties, ...rest } = user;
      expect(userName).toBe(email.toUpperCase());
      expect(acceptedAt).not.toBeNull();
      const anon = (value: unknown) => JSON.parse(JSON.stringify(value ?? null).replace(new RegExp(email, 'gi'), 'X'));
      return {
        user: rest,
        roles: roles.map((r) => [r.role.key, r.scope, r.scopeKey]),
        properties: properties.map((p) => [p.key, p.value]),
        events: events.map((e) => ({
          action: e.action,
          source: e.source,
          actor: [e.actorUserId, e.actorEmail, e.actorSlackId, e.clientAddress],
          target: anon([e.targetEmail, e.targetName]),
          before: anon(e.before),
          after: anon(e.after),
        })),
      };
    };
    return { h, ...kit, together, state, batch: (changes: unknown[]) => kit.services.changes.submitBatch(scimActor(), changes) };
  }

  it('leaves the same users, roles, properties, versions and audit rows as one-by-one creates', async () => {
    const { services, together, state, batch } = await setup();
    for (const email of ['single1@example.com', 'single2@example.com']) {
      const done = await services.changes.submit(scimActor(), create(email, email.includes('2') ? { active: false } : {}));
      expect(done.status).toBe('done');
    }
    const outcomes = await batch([create('batch1@example.com'), create('batch2@example.com', { active: false })]);
    expect(outcomes.map((o) => o.status)).toEqual(['done', 'done']);
    // The run went together, in one call.
    expect(together).toHaveBeenCalledTimes(1);
    expect(await (together.mock.results[0]?.value as Promise<unknown[]>)).toHaveLength(2);
    expect(outcomes[0]).toMatchObject({ result: { created: true, user: { email: 'batch1@example.com' } } });
    expect(await state('batch1@example.com')).toEqual(await state('single1@example.com'));
    expect(await state('batch2@example.com')).toEqual(await state('single2@example.com'));
  });

  it('applies a run one by one when it clashes, inside itself or with a user, or names roles', async () => {
    const { h, prisma, together, batch, events } = await setup();
    const outcomes = await batch([
      create('x@example.com'),
      create('y@example.com'),
      create('x@example.com', { userName: 'other' }),
      create('r@example.com', { roles: ['editor'] }),
    ]);
    expect(together).toHaveBeenCalledTimes(1);
    await expect(together.mock.results[0]?.value).rejects.toThrow(/not applied together/);
    expect(outcomes.map((o) => o.status)).toEqual(['done', 'done', 'failed', 'done']);
    expect(outcomes[2]).toMatchObject({ error: { code: 'conflict' } });
    const roles = await prisma.userRole.findMany({
      where: { user: { accountId: h.accountId, email: 'r@example.com' } },
      include: { role: true },
    });
    expect(roles.map((r) => r.role.key)).toEqual(['editor']);
    expect((await events('user.provisioned')).map((e) => e.targetEmail)).toEqual([
      'x@example.com',
      'y@example.com',
      'r@example.com',
    ]);
  });

  it('applies a run one by one when together it breaks a rule: the creates that fit the seats are made', async () => {
    const h = await store.fresh();
    const used = (await h.db.prisma.account.findUniqueOrThrow({ where: { id: h.accountId } })).seatsUsed;
    const { prisma, together, batch, events } = await (async () => {
      const kit = changeKit(h, { seatLimit: used + 2 });
      const spy = vi.spyOn(scimUser as Required<typeof scimUser>, 'applyMany');
      return { ...kit, together: spy, batch: (changes: unknown[]) => kit.services.changes.submitBatch(scimActor(), changes) };
    })();
    const outcomes = await batch([create('s1@example.com'), create('s2@example.com'), create('s3@example.com')]);
    // Together it ran, but the seat rule refused the run: undone, then one by one.
    expect(together).toHaveBeenCalledTimes(1);
    expect(await (together.mock.results[0]?.value as Promise<unknown[]>)).toHaveLength(3);
    expect(outcomes.map((o) => o.status)).toEqual(['done', 'done', 'failed']);
    expect(outcomes[2]).toMatchObject({ error: { code: 'seat_limit' } });
    expect((await prisma.account.findUniqueOrThrow({ where: { id: h.accountId } })).seatsUsed).toBe(used + 2);
    expect((await events('user.provisioned')).map((e) => e.targetEmail)).toEqual(['s1@example.com', 's2@example.com']);
    expect((await prisma.user.findFirstOrThrow({ where: { accountId: h.accountId, email: 's1@example.com' } })).version).toBe(2);
  });

  it('stops after stopAfterErrors failures: the changes after are skipped, not run', async () => {
    const { h, prisma, services } = await setup();
    const outcomes = await services.changes.submitBatch(
      scimActor(),
      [create('t1@example.com'), create('t1@example.com'), { kind: 'not-a-kind' }, create('t3@example.com')],
      { stopAfterErrors: 2 },
    );
    expect(outcomes.map((o) => o.status)).toEqual(['done', 'failed', 'failed', 'skipped']);
    expect(await prisma.user.count({ where: { accountId: h.accountId, email: 't3@example.com' } })).toBe(0);
    const once = await services.changes.submitBatch(scimActor(), [create('t1@example.com'), create('t4@example.com')], {
      stopAfterErrors: 1,
    });
    expect(once.map((o) => o.status)).toEqual(['failed', 'skipped']);
    expect(await prisma.user.count({ where: { accountId: h.accountId, email: 't4@example.com' } })).toBe(0);
  });
});
