/**
 * Deleting users (delete-change.ts) through the change layer (issue 21, item 4): users:manage first,
 * all or nothing, never the owner, assets moved to the owner, the approval deletes and bulk deletes ask
 * for, a delete on a filter, and the audit trail that keeps the names.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { changeKit, type DomainHarness, domainStore } from '../support/domain-harness';
import { testTargets } from '../support/test-database';

describe.each(testTargets())('delete (%s store)', (target) => {
  const store = domainStore(target);
  afterAll(() => store.close());

  async function setup(options: Parameters<DomainHarness['services']>[0] = {}) {
    const h = await store.fresh();
    const { services, prisma, addUser, events, actor, submit } = changeKit(h, options);
    const emails = async () =>
      (await prisma.user.findMany({ where: { accountId: h.accountId }, orderBy: { email: 'asc' } })).map((u) => u.email);
    const seats = async () => (await prisma.account.findUniqueOrThrow({ where: { id: h.accountId } })).seatsUsed;
    return { h, services, prisma, addUser, emails, events, actor, submit, seats };
  }

  it('needs users:manage, refused before anyone is looked up', async () => {
    const { addUser, actor, submit, emails, prisma } = await setup();
    const editor = await actor(await addUser('editor@example.com', ['editor']));
    await addUser('v@example.com', ['viewer']);
    await expect(
      submit({ kind: 'delete', users: [{ email: 'nobody@example.com' }], reason: null }, editor),
    ).rejects.toMatchObject({ code: 'forbidden' });
    await expect(submit({ kind: 'delete', users: [{ email: 'v@example.com' }], reason: null }, editor)).rejects.toMatchObject({
      code: 'forbidden',
    });
    expect(await emails()).toEqual(['editor@example.com', 'owner@example.com', 'v@example.com']);
    expect(await prisma.auditEvent.count({ where: { action: 'user.deleted' } })).toBe(0);
  });

  it('deletes users, moves their assets to the owner, flags the non-transferable ones, and records their names', async () => {
    const { h, prisma, addUser, submit, emails, events, seats } = await setup();
    const a = await addUser('a@example.com', ['viewer']);
    await addUser('b@example.com', ['editor'], 'disabled');
    await addUser('keep@example.com', ['viewer']);
    await prisma.asset.createMany({
      data: [
        { accountId: h.accountId, ownerId: a, kind: 'dashboard', name: 'Sales', transferable: true },
        { accountId: h.accountId, ownerId: a, kind: 'integration', name: 'CRM sync', transferable: false },
      ],
    });
    const before = await seats();
    const done = await submit({
      kind: 'delete',
      users: [{ email: 'a@example.com' }, { email: 'B@example.com' }, { id: a }],
      reason: ' left the company ',
    });
    expect(done).toEqual({
      status: 'done',
      result: {
        deleted: ['a@example.com', 'b@example.com'],
        transferable: 1,
        nonTransferable: 1,
        ownerEmail: 'owner@example.com',
        skipped: { emails: [], gone: 0 },
      },
    });
    expect(await emails()).toEqual(['keep@example.com', 'owner@example.com']);
    expect(await seats()).toBe(before - 2);
    const assets = await prisma.asset.findMany({ orderBy: { name: 'asc' } });
    expect(assets.map((x) => [x.name, x.ownerId, x.needsReconfiguration])).toEqual([
      ['CRM sync', h.owner.userId, true],
      ['Sales', h.owner.userId, false],
    ]);
    const deleted = await events('user.deleted');
    expect(deleted.map((e) => [e.targetEmail, e.after])).toEqual([
      ['a@example.com', { assetsMovedTo: 'owner@example.com', reason: 'left the company' }],
      ['b@example.com', { assetsMovedTo: 'owner@example.com', reason: 'left the company' }],
    ]);
    expect(deleted[1]?.before).toMatchObject({ email: 'b@example.com', status: 'disabled', roles: ['editor'] });
  });

  it('refuses the owner, an empty or oversized list and an unknown user, deleting nobody', async () => {
    const { h, addUser, submit, emails } = await setup();
    await addUser('a@example.com', ['viewer']);
    await expect(
      submit({ kind: 'delete', users: [{ email: 'a@example.com' }, { id: h.owner.userId as string }], reason: 'x' }),
    ).rejects.toMatchObject({ code: 'owner_protected' });
    await expect(submit({ kind: 'delete', users: [], reason: null })).rejects.toMatchObject({
      code: 'bad_input',
      message: 'Say which users to delete.',
    });
    const many = Array.from({ length: 101 }, (_, i) => ({ email: `u${i}@example.com` }));
    await expect(submit({ kind: 'delete', users: many, reason: null })).rejects.toMatchObject({
      code: 'bad_input',
      message: 'Delete at most 100 named users at once.',
    });
    await expect(
      submit({ kind: 'delete', users: [{ email: 'a@example.com' }, { email: 'gone@example.com' }], reason: null }),
    ).rejects.toMatchObject({ code: 'not_found' });
    expect(await emails()).toEqual(['a@example.com', 'owner@example.com']);
  });

  it('an admin deleting themselves must say why', async () => {
    const { addUser, actor, submit, emails } = await setup();
    const self = await actor(await addUser('admin2@example.com', ['admin']));
    await expect(submit({ kind: 'delete', users: [{ email: 'admin2@example.com' }], reason: ' ' }, self)).rejects.toMatchObject({
      code: 'bad_input',
      field: 'reason',
    });
    expect(await emails()).toEqual(['admin2@example.com', 'owner@example.com']);
    await expect(
      submit({ kind: 'delete', users: [{ email: 'admin2@example.com' }], reason: 'leaving' }, self),
    ).resolves.toMatchObject({ status: 'done', result: { deleted: ['admin2@example.com'] } });
    expect(await emails()).toEqual(['owner@example.com']);
  });

  it('waits for the delete approval, storing the users by id, and deletes on approval', async () => {
    const { prisma, addUser, actor, submit, emails, events, services } = await setup({ approvals: { delete: { approvals: 1 } } });
    const approver = await actor(await addUser('admin2@example.com', ['admin']));
    const a = await addUser('a@example.com', ['viewer']);
    const submitted = await submit({ kind: 'delete', users: [{ email: 'a@example.com' }], reason: 'gone' });
    expect(submitted).toMatchObject({ status: 'awaiting', request: { action: 'delete', requiredApprovals: 1 } });
    expect(await emails()).toEqual(['a@example.com', 'admin2@example.com', 'owner@example.com']);
    expect(await events('user.deleted')).toHaveLength(0);
    expect((await prisma.approvalRequest.findFirstOrThrow()).payload).toEqual({
      kind: 'delete',
      users: [{ id: a }],
      reason: 'gone',
    });
    if (submitted.status !== 'awaiting') throw new Error('expected a request');
    await expect(services.changes.decide(approver, submitted.request.id, { approve: true })).resolves.toMatchObject({
      kind: 'executed',
    });
    expect(await emails()).toEqual(['admin2@example.com', 'owner@example.com']);
    expect(await events('user.deleted')).toMatchObject([{ targetEmail: 'a@example.com', source: 'approval' }]);
  });

  it('a delete of more users than the bulk threshold asks for the stricter of delete and bulk', async () => {
    const { addUser, submit, emails } = await setup({ approvals: { delete: { approvals: 1 }, bulk: { approvals: 2 } } });
    await addUser('admin2@example.com', ['admin']);
    await addUser('admin3@example.com', ['admin']);
    const users = Array.from({ length: 11 }, (_, i) => `u${String(i).padStart(2, '0')}@example.com`);
    for (const email of users) await addUser(email, ['viewer']);
    await expect(
      submit({ kind: 'delete', users: users.slice(0, 10).map((email) => ({ email })), reason: null }),
    ).resolves.toMatchObject({
      status: 'awaiting',
      request: { action: 'delete', requiredApprovals: 1 },
    });
    await expect(submit({ kind: 'delete', users: users.map((email) => ({ email })), reason: null })).resolves.toMatchObject({
      status: 'awaiting',
      request: { action: 'bulk', requiredApprovals: 2 },
    });
    expect(await emails()).toHaveLength(14);
  });

  it('on a filter, deletes only the listed users who still match, never the owner, and reports the others', async () => {
    const { h, addUser, submit, emails } = await setup();
    const a = await addUser('a@example.com', ['viewer'], 'disabled');
    const b = await addUser('b@example.com', ['viewer']);
    const filter = { status: 'disabled' as const };
    await expect(submit({ kind: 'delete', users: [{ id: b }], reason: null, filter })).rejects.toMatchObject({
      code: 'invalid_state',
      message: expect.stringContaining('nothing was deleted'),
    });
    const done = await submit({
      kind: 'delete',
      users: [{ id: a }, { id: b }, { id: h.owner.userId as string }],
      reason: null,
      filter: { status: 'disabled' },
    });
    expect(done).toMatchObject({
      status: 'done',
      result: { deleted: ['a@example.com'], skipped: { emails: ['b@example.com', 'owner@example.com'], gone: 0 } },
    });
    expect(await emails()).toEqual(['b@example.com', 'owner@example.com']);
  });
});
