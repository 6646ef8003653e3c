/**
 * Recovering ownership from an owner who is gone (owner-recovery-change.ts) through the change layer
 * (issue 21, item 4): users:manage and roles:manage and the Admin role from Slack, only while the owner
 * is disabled or has left, always with a second Admin's approval; from the server console, at once.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { type Actor, consoleActor } from '../../src/domain/access/actor';
import { changeKit, type DomainHarness, domainStore } from '../support/domain-harness';
import { testTargets } from '../support/test-database';

describe.each(testTargets())('owner recovery (%s store)', (target) => {
  const store = domainStore(target);
  afterAll(() => store.close());

  async function setup(options: Parameters<DomainHarness['services']>[0] = {}) {
    const h = await store.fresh();
    const { services, prisma, addUser, events, actor, submit } = changeKit(h, options);
    const read = (email: string) =>
      prisma.user.findFirstOrThrow({ where: { accountId: h.accountId, email }, include: { roles: { include: { role: true } } } });
    const ownerId = async () => (await prisma.account.findUniqueOrThrow({ where: { id: h.accountId } })).ownerId;
    /** The owner is gone from Slack's point of view: disabled in the directory. */
    const disableOwner = () => prisma.user.update({ where: { id: h.owner.userId as string }, data: { status: 'disabled' } });
    return { h, services, prisma, addUser, read, ownerId, events, actor, submit, disableOwner };
  }

  it('needs users:manage and roles:manage, then the Admin role, and refuses while the owner is active', async () => {
    const { h, addUser, actor, submit, ownerId } = await setup({ approvals: {} });
    const editor = await actor(await addUser('editor@example.com', ['editor']));
    await expect(submit({ kind: 'recover-owner', user: { email: 'nobody@example.com' } }, editor)).rejects.toMatchObject({
      code: 'forbidden',
    });
    const notAdmin: Actor = { ...editor, permissions: new Set(['users:manage', 'roles:manage']) };
    await expect(submit({ kind: 'recover-owner', user: { email: 'editor@example.com' } }, notAdmin)).rejects.toMatchObject({
      code: 'forbidden',
      message: 'Only an Admin can take over ownership from an owner who is gone.',
    });
    const admin = await actor(await addUser('admin2@example.com', ['admin']));
    await expect(submit({ kind: 'recover-owner', user: { email: 'admin2@example.com' } }, admin)).rejects.toMatchObject({
      code: 'forbidden',
      message: expect.stringContaining('Only the owner (owner@example.com) can transfer ownership while they are active'),
    });
    expect(await ownerId()).toBe(h.owner.userId);
  });

  it('from Slack it always waits for a second Admin, and is refused while approvals are off', async () => {
    const { h, addUser, actor, ownerId, disableOwner } = await setup();
    const admin = await actor(await addUser('admin2@example.com', ['admin']));
    await disableOwner();
    await expect(
      h.services().changes.submit(admin, { kind: 'recover-owner', user: { email: 'admin2@example.com' } }),
    ).rejects.toMatchObject({ code: 'forbidden', message: expect.stringContaining('approvals are off') });
    expect(await ownerId()).toBe(h.owner.userId);
  });

  it('an approved recovery moves ownership, bumps both users and records the owner’s state', async () => {
    const { h, services, addUser, actor, read, ownerId, events, submit, disableOwner } = await setup({ approvals: {} });
    const requester = await actor(await addUser('admin2@example.com', ['admin']));
    const approver = await actor(await addUser('admin3@example.com', ['admin']));
    await disableOwner();
    const submitted = await submit({ kind: 'recover-owner', user: { email: 'admin2@example.com' } }, requester);
    expect(submitted).toMatchObject({ status: 'awaiting', request: { action: 'recover-owner', requiredApprovals: 1 } });
    expect(await ownerId()).toBe(h.owner.userId);
    expect(await events('account.owner-recovered')).toHaveLength(0);
    if (submitted.status !== 'awaiting') throw new Error('expected a request');
    await expect(services.changes.decide(approver, submitted.request.id, { approve: true })).resolves.toMatchObject({
      kind: 'executed',
    });
    expect(await ownerId()).toBe(requester.userId);
    expect((await read('admin2@example.com')).version).toBe(2);
    expect((await read('owner@example.com')).version).toBe(2);
    expect(await events('account.owner-recovered')).toMatchObject([
      {
        source: 'approval',
        targetEmail: 'admin2@example.com',
        before: { owner: 'owner@example.com', ownerState: 'disabled', roles: ['admin'] },
        after: { owner: 'admin2@example.com', roles: ['admin'] },
      },
    ]);
  });

  it('from Slack, an owner who left the workspace may be replaced, but only by an active Admin, and someone else must be able to approve', async () => {
    const { h, prisma, addUser, actor, submit, ownerId } = await setup({ approvals: {} });
    const admin = await actor(await addUser('admin2@example.com', ['admin']));
    await addUser('admin3@example.com', ['admin']);
    await addUser('v@example.com', ['viewer']);
    await prisma.user.update({ where: { id: h.owner.userId as string }, data: { slackLeftAt: h.clock.now() } });
    await expect(submit({ kind: 'recover-owner', user: { email: 'v@example.com' } }, admin)).rejects.toMatchObject({
      code: 'invalid_state',
      message: 'v@example.com must be an active Admin to own the account. Make them an Admin first.',
    });
    await expect(submit({ kind: 'recover-owner', user: { email: 'owner@example.com' } }, admin)).rejects.toMatchObject({
      code: 'bad_input',
    });
    await expect(
      submit({ kind: 'recover-owner', user: { email: 'admin3@example.com' }, from: randomUUID() }, admin),
    ).rejects.toMatchObject({ code: 'conflict', message: expect.stringContaining('Ownership changed meanwhile') });
    // Neither owner may decide it and the requester may not either: with no other Admin, nobody could.
    await expect(submit({ kind: 'recover-owner', user: { email: 'admin3@example.com' } }, admin)).rejects.toMatchObject({
      code: 'forbidden',
      message: expect.stringContaining('needs the approval of a second active Admin, and there is none'),
    });
    await addUser('admin4@example.com', ['admin']);
    await expect(submit({ kind: 'recover-owner', user: { email: 'admin3@example.com' } }, admin)).resolves.toMatchObject({
      status: 'awaiting',
      request: { action: 'recover-owner' },
    });
    expect(await ownerId()).toBe(h.owner.userId);
  });

  it('from the server console it needs nobody’s approval and makes any active user an Admin owner', async () => {
    const { h, addUser, read, ownerId, events, submit, prisma } = await setup({ approvals: { 'grant-admin': { approvals: 1 } } });
    const id = await addUser('v@example.com', ['viewer']);
    await addUser('d@example.com', ['viewer'], 'disabled');
    await expect(submit({ kind: 'recover-owner', user: { email: 'd@example.com' } }, consoleActor())).rejects.toMatchObject({
      code: 'invalid_state',
      message: 'd@example.com is disabled; only an active user can own the account.',
    });
    const done = await submit({ kind: 'recover-owner', user: { email: 'v@example.com' } }, consoleActor());
    expect(done).toMatchObject({
      status: 'done',
      result: { madeAdmin: true, previousOwner: { email: 'owner@example.com', state: 'active' } },
    });
    expect(await ownerId()).toBe(id);
    expect((await read('v@example.com')).roles.map((r) => r.role.key).sort()).toEqual(['admin', 'viewer']);
    expect(await prisma.approvalRequest.count()).toBe(0);
    expect(await events('account.owner-recovered')).toMatchObject([
      { source: 'console', actorEmail: 'server console', before: { roles: ['viewer'] }, after: { owner: 'v@example.com' } },
    ]);
    expect(h.owner.userId).not.toBe(id);
  });
});
