/**
 * Changes to one user's record (user-changes.ts) through the change layer (issue 21, item 4): edit,
 * groups, props, disable, enable, revoke and ownership transfer; the permission each needs, their
 * rules, the approval revoke and a re-addressed Admin invitee ask for, versions and the audit trail.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { Services } from '../../src/create-services';
import type { Actor } from '../../src/domain/access/actor';
import { changeKit, type DomainHarness, domainStore } from '../support/domain-harness';
import { testTargets } from '../support/test-database';

type Change = Parameters<Services['changes']['submit']>[1];

describe.each(testTargets())('user changes (%s store)', (target) => {
  const store = domainStore(target);
  afterAll(() => store.close());

  async function setup(options: Parameters<DomainHarness['services']>[0] = {}) {
    const h = await store.fresh();
    const { services, prisma, addUser, events, actor, submit } = changeKit(h, options);
    const read = (email: string) =>
      prisma.user.findFirstOrThrow({
        where: { accountId: h.accountId, email },
        include: { groups: { include: { group: true } }, properties: true },
      });
    return { h, services, prisma, addUser, read, events, actor, submit };
  }

  it('needs users:manage (groups:manage for groups), refused before anyone is looked up', async () => {
    const { h, addUser, actor, submit, prisma } = await setup();
    const editor = await actor(await addUser('editor@example.com', ['editor'], 'active'));
    const nobody = { email: 'nobody@example.com' };
    const before = await prisma.auditEvent.count();
    for (const change of [
      { kind: 'edit', user: nobody, name: 'X' },
      { kind: 'props', user: nobody, set: { team: 'x' }, remove: [] },
      { kind: 'disable', user: nobody },
      { kind: 'enable', user: nobody },
      { kind: 'revoke', user: nobody },
      { kind: 'groups', user: nobody, add: ['Default'], remove: [] },
    ] satisfies Change[]) {
      await expect(submit(change, editor)).rejects.toMatchObject({ code: 'forbidden' });
    }
    const manager: Actor = { ...h.owner, userId: 'nobody', permissions: new Set(['users:manage']), roleKeys: ['editor'] };
    await expect(submit({ kind: 'groups', user: nobody, add: ['Default'], remove: [] }, manager)).rejects.toMatchObject({
      code: 'forbidden',
    });
    await expect(submit({ kind: 'disable', user: nobody }, manager)).rejects.toMatchObject({ code: 'not_found' });
    expect(await prisma.auditEvent.count()).toBe(before);
  });

  it('edits a name, refusing a blank one', async () => {
    const { read, events, addUser, submit } = await setup();
    await addUser('v@example.com', ['viewer']);
    await expect(submit({ kind: 'edit', user: { email: 'v@example.com' } })).rejects.toMatchObject({ code: 'bad_input' });
    await expect(submit({ kind: 'edit', user: { email: 'v@example.com' }, name: '  ' })).rejects.toMatchObject({
      code: 'bad_input',
      field: 'name',
    });
    await expect(submit({ kind: 'edit', user: { email: 'v@example.com' }, name: ' Vic ' })).resolves.toMatchObject({
      status: 'done',
      result: { email: 'v@example.com', name: 'Vic' },
    });
    expect(await read('v@example.com')).toMatchObject({ name: 'Vic', version: 2 });
    expect(await events('user.edited')).toMatchObject([
      { targetEmail: 'v@example.com', before: { name: null }, after: { name: 'Vic' } },
    ]);
  });

  it('re-addresses a pending invitee: the old link is superseded and a new one sent to the new address', async () => {
    const { h, prisma, read, events, addUser, submit } = await setup();
    await submit({ kind: 'invite', emails: ['i@example.com'], role: 'viewer' });
    await addUser('taken@example.com', ['viewer']);
    expect(h.sent.map((m) => m.email)).toEqual(['i@example.com']);
    await expect(submit({ kind: 'edit', user: { email: 'i@example.com' }, email: 'TAKEN@example.com' })).rejects.toMatchObject({
      code: 'conflict',
      field: 'email',
    });
    await expect(submit({ kind: 'edit', user: { email: 'i@example.com' }, email: 'not-an-address' })).rejects.toMatchObject({
      code: 'bad_input',
      field: 'email',
    });
    const done = await submit({ kind: 'edit', user: { email: 'i@example.com' }, email: 'New@Example.com' });
    expect(done).toMatchObject({
      status: 'done',
      result: { email: 'new@example.com', reissued: { delivery: { mail: 'sent' } } },
    });
    expect(h.sent.map((m) => [m.kind, m.email])).toEqual([
      ['invite', 'i@example.com'],
      ['invite', 'new@example.com'],
    ]);
    const user = await read('new@example.com');
    expect(user.version).toBe(2);
    const invites = await prisma.invite.findMany({ where: { userId: user.id }, orderBy: { createdAt: 'asc' } });
    expect(invites.map((i) => i.status).sort()).toEqual(['pending', 'superseded']);
    expect(await events('user.edited')).toMatchObject([
      { before: { email: 'i@example.com' }, after: { email: 'new@example.com' } },
    ]);
  });

  it('re-addressing an invitee who holds Admin is a grant of admin power and waits for approval', async () => {
    const { h, read, addUser, submit } = await setup();
    await addUser('admin2@example.com', ['admin']);
    await submit({ kind: 'invite', emails: ['boss@example.com'], role: 'admin' });
    const approving = h.services({ approvals: { 'grant-admin': { approvals: 1 } } });
    await expect(
      approving.changes.submit(h.owner, { kind: 'edit', user: { email: 'boss@example.com' }, email: 'other@example.com' }),
    ).resolves.toMatchObject({ status: 'awaiting', request: { action: 'grant-admin' } });
    expect((await read('boss@example.com')).version).toBe(1);
    expect(h.sent).toHaveLength(1);
    await expect(
      approving.changes.submit(h.owner, { kind: 'edit', user: { email: 'boss@example.com' }, name: 'Boss' }),
    ).resolves.toMatchObject({ status: 'done' });
  });

  it('disables and enables, only from the right status, and never the owner', async () => {
    const { h, read, events, addUser, submit } = await setup();
    await addUser('v@example.com', ['viewer']);
    await addUser('i@example.com', ['viewer'], 'invited');
    await expect(submit({ kind: 'enable', user: { email: 'v@example.com' } })).rejects.toMatchObject({ code: 'invalid_state' });
    await expect(submit({ kind: 'disable', user: { email: 'v@example.com' } })).resolves.toMatchObject({
      status: 'done',
      result: { status: 'disabled' },
    });
    await expect(submit({ kind: 'disable', user: { email: 'v@example.com' } })).rejects.toMatchObject({
      code: 'invalid_state',
      message: 'v@example.com is disabled; only active users can be disabled.',
    });
    await submit({ kind: 'enable', user: { email: 'v@example.com' } });
    expect(await read('v@example.com')).toMatchObject({ status: 'active', version: 3 });
    expect((await events('user.disabled')).map((e) => [e.before, e.after])).toEqual([
      [{ status: 'active' }, { status: 'disabled' }],
    ]);
    expect((await events('user.enabled')).map((e) => [e.before, e.after])).toEqual([
      [{ status: 'disabled' }, { status: 'active' }],
    ]);
    await expect(submit({ kind: 'enable', user: { email: 'i@example.com' } })).rejects.toMatchObject({
      code: 'invalid_state',
      hint: 'Send it again with `/users resend i@example.com`.',
    });
    await expect(submit({ kind: 'disable', user: { id: h.owner.userId as string } })).rejects.toMatchObject({
      code: 'owner_protected',
    });
    expect((await read('owner@example.com')).status).toBe('active');
  });

  it('revoke waits for approval when the policy asks, and otherwise ends every credential at once', async () => {
    const { h, prisma, read, events, addUser, submit } = await setup();
    await addUser('admin2@example.com', ['admin']);
    const id = await addUser('v@example.com', ['viewer']);
    await prisma.user.update({ where: { id }, data: { passwordHash: 'scrypt$test' } });
    await prisma.apiKey.create({ data: { accountId: h.accountId, userId: id, prefix: 'rk_test', keyHash: 'k'.repeat(64) } });

    const approving = h.services({ approvals: { revoke: { approvals: 1 } } });
    await expect(approving.changes.submit(h.owner, { kind: 'revoke', user: { email: 'v@example.com' } })).resolves.toMatchObject({
      status: 'awaiting',
      request: { action: 'revoke', requiredApprovals: 1 },
    });
    expect(await read('v@example.com')).toMatchObject({ status: 'active', passwordHash: 'scrypt$test', version: 1 });
    expect(await prisma.apiKey.count({ where: { userId: id } })).toBe(1);
    expect(await events('user.revoked')).toHaveLength(0);

    await expect(submit({ kind: 'revoke', user: { email: 'v@example.com' } })).resolves.toMatchObject({
      status: 'done',
      result: { status: 'revoked' },
    });
    expect(await read('v@example.com')).toMatchObject({ status: 'revoked', passwordHash: null, version: 2 });
    expect(await prisma.apiKey.count({ where: { userId: id } })).toBe(0);
    expect(await events('user.revoked')).toMatchObject([{ before: { status: 'active' }, after: { status: 'revoked' } }]);
    await expect(submit({ kind: 'revoke', user: { email: 'v@example.com' } })).rejects.toMatchObject({ code: 'invalid_state' });
    await expect(submit({ kind: 'revoke', user: { email: 'owner@example.com' } })).rejects.toMatchObject({
      code: 'owner_protected',
    });
  });

  it('sets and removes properties, up to 50', async () => {
    const { read, events, addUser, submit } = await setup();
    await addUser('v@example.com', ['viewer']);
    await expect(submit({ kind: 'props', user: { email: 'v@example.com' }, set: {}, remove: ['team'] })).rejects.toMatchObject({
      code: 'bad_input',
      field: 'props',
    });
    await submit({ kind: 'props', user: { email: 'v@example.com' }, set: { team: 'ops', city: 'Oslo' }, remove: [] });
    await submit({ kind: 'props', user: { email: 'v@example.com' }, set: { team: 'sales' }, remove: ['city'] });
    const user = await read('v@example.com');
    expect(user.properties.map((p) => [p.key, p.value])).toEqual([['team', 'sales']]);
    expect(user.version).toBe(3);
    expect((await events('user.properties-changed')).map((e) => [e.before, e.after])).toEqual([
      [{ properties: {} }, { properties: { team: 'ops', city: 'Oslo' } }],
      [{ properties: { team: 'ops', city: 'Oslo' } }, { properties: { team: 'sales' } }],
    ]);
    const many = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, 'v']));
    await expect(submit({ kind: 'props', user: { email: 'v@example.com' }, set: many, remove: [] })).rejects.toMatchObject({
      code: 'bad_input',
      message: 'A user can have at most 50 properties.',
    });
    expect((await read('v@example.com')).properties).toHaveLength(1);
  });

  it('adds to and removes from groups, never All Users by hand', async () => {
    const { read, events, addUser, submit } = await setup();
    await addUser('v@example.com', ['viewer']);
    const groups = (add: string[], remove: string[] = []) =>
      submit({ kind: 'groups', user: { email: 'v@example.com' }, add, remove });
    await expect(groups(['All Users'])).rejects.toMatchObject({ code: 'bad_input', field: 'groups' });
    await expect(groups(['Nope'])).rejects.toMatchObject({ code: 'not_found', field: 'groups' });
    await expect(groups([], ['Default'])).rejects.toMatchObject({
      code: 'bad_input',
      field: 'groups',
      message: 'v@example.com is not in Default.',
    });
    await expect(groups(['default'])).resolves.toMatchObject({ status: 'done' });
    expect((await read('v@example.com')).groups.map((m) => m.group.name)).toEqual(['Default']);
    await groups([], ['Default']);
    expect(await read('v@example.com')).toMatchObject({ groups: [], version: 3 });
    expect((await events('user.groups-changed')).map((e) => [e.before, e.after])).toEqual([
      [{ groups: [] }, { groups: ['Default'] }],
      [{ groups: ['Default'] }, { groups: [] }],
    ]);
  });

  it('transfers ownership only from the owner, only to another active Admin', async () => {
    const { h, prisma, read, events, addUser, actor, submit } = await setup();
    const second = await actor(await addUser('admin2@example.com', ['admin']));
    await addUser('v@example.com', ['viewer']);
    await addUser('off@example.com', ['admin'], 'disabled');
    await expect(submit({ kind: 'owner', user: { email: 'admin2@example.com' } }, second)).rejects.toMatchObject({
      code: 'forbidden',
      message: 'Only the owner (owner@example.com) can transfer ownership.',
    });
    await expect(submit({ kind: 'owner', user: { email: 'owner@example.com' } })).rejects.toMatchObject({ code: 'bad_input' });
    await expect(submit({ kind: 'owner', user: { email: 'v@example.com' } })).rejects.toMatchObject({ code: 'invalid_state' });
    await expect(submit({ kind: 'owner', user: { email: 'off@example.com' } })).rejects.toMatchObject({ code: 'invalid_state' });
    await expect(submit({ kind: 'owner', user: { email: 'admin2@example.com' } })).resolves.toMatchObject({ status: 'done' });
    expect((await prisma.account.findUniqueOrThrow({ where: { id: h.accountId } })).ownerId).toBe(second.userId);
    expect((await read('admin2@example.com')).version).toBe(2);
    expect((await read('owner@example.com')).version).toBe(2);
    expect(await events('account.owner-transferred')).toMatchObject([
      { targetEmail: 'admin2@example.com', before: { owner: 'owner@example.com' }, after: { owner: 'admin2@example.com' } },
    ]);
    // The former owner is an ordinary Admin now: their Admin role may go.
    await expect(
      submit({ kind: 'change-roles', user: { email: 'owner@example.com' }, add: ['viewer'], remove: ['admin'] }, second),
    ).resolves.toMatchObject({ status: 'done' });
  });
});
