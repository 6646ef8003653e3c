/**
 * Role and extra-permission changes (role-changes.ts) through the change layer (issue 21, item 4):
 * roles:manage first, then the directory's rules, grantableTo, the approval a grant of admin power
 * or a bulk change asks for, the touched users' versions and the audit trail.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { Services } from '../../src/create-services';
import type { Actor } from '../../src/domain/access/actor';
import { changeKit, type DomainHarness, domainStore } from '../support/domain-harness';
import { testTargets } from '../support/test-database';

type Change = Parameters<Services['changes']['submit']>[1];

describe.each(testTargets())('role changes (%s store)', (target) => {
  const store = domainStore(target);
  afterAll(() => store.close());

  /** A fresh account, its services, and helpers to seed users and read them back. */
  async function setup(options: Parameters<DomainHarness['services']>[0] = {}) {
    const h = await store.fresh();
    const { services, prisma, addUser, events, actor, submit } = changeKit(h, options);
    const read = (email: string) =>
      prisma.user.findFirstOrThrow({
        where: { accountId: h.accountId, email },
        include: { roles: { include: { role: true } } },
      });
    const rolesOf = async (email: string) => (await read(email)).roles.map((r) => r.role.key).sort();
    return { h, services, prisma, addUser, read, rolesOf, events, actor, submit };
  }

  it('needs roles:manage for every kind, refused before anyone is looked up, and writes nothing', async () => {
    const { addUser, actor, submit, prisma } = await setup();
    const editor = await actor(await addUser('editor@example.com', ['editor']));
    const before = await prisma.auditEvent.count();
    for (const change of [
      { kind: 'change-roles', user: { email: 'nobody@example.com' }, add: ['admin'], remove: [] },
      { kind: 'set-roles', user: { email: 'nobody@example.com' }, role: 'admin' },
      { kind: 'bulk-roles', emails: ['nobody@example.com'], add: ['admin'], remove: [] },
      { kind: 'perms', user: { email: 'nobody@example.com' }, add: ['users:view'], remove: [] },
    ] satisfies Change[]) {
      await expect(submit(change, editor)).rejects.toMatchObject({ code: 'forbidden' });
    }
    expect(await prisma.auditEvent.count()).toBe(before);
  });

  it('sees a role written outside the change layer at the next change: the lock reads the catalog’s version', async () => {
    const { h, addUser, rolesOf, submit, prisma } = await setup();
    await addUser('c@example.com', ['viewer']);
    // The first change reads the roles and keeps them in memory.
    await submit({ kind: 'change-roles', user: { email: 'c@example.com' }, add: ['editor'], remove: [] });
    const version = async () => (await prisma.account.findUniqueOrThrow({ where: { id: h.accountId } })).catalogVersion;
    const before = await version();
    const role = await prisma.role.create({
      data: { accountId: h.accountId, key: 'auditor', name: 'Auditor', precedence: 15, permissions: ['users:view'] },
    });
    expect(await version()).toBe(before + 1);
    await submit({ kind: 'change-roles', user: { email: 'c@example.com' }, add: ['auditor'], remove: [] });
    expect(await rolesOf('c@example.com')).toEqual(['auditor', 'editor', 'viewer']);
    // Renamed and removed by any writer: each bumps the version, and the next change reads the catalog again.
    await prisma.role.update({ where: { id: role.id }, data: { name: 'Checker' } });
    expect(await version()).toBe(before + 2);
    await submit({ kind: 'change-roles', user: { email: 'c@example.com' }, add: [], remove: ['Checker'] });
    expect(await rolesOf('c@example.com')).toEqual(['editor', 'viewer']);
    await prisma.role.delete({ where: { id: role.id } });
    expect(await version()).toBe(before + 3);
    await expect(
      submit({ kind: 'change-roles', user: { email: 'c@example.com' }, add: ['auditor'], remove: [] }),
    ).rejects.toMatchObject({ code: 'not_found' });
  });

  it('adds and removes roles, bumps the version once and records before → after', async () => {
    const { addUser, read, rolesOf, events, submit } = await setup();
    await addUser('v@example.com', ['viewer']);
    const version = (await read('v@example.com')).version;
    const done = await submit({ kind: 'change-roles', user: { email: 'v@example.com' }, add: ['editor'], remove: ['viewer'] });
    expect(done).toMatchObject({ status: 'done', result: { email: 'v@example.com' } });
    expect(await rolesOf('v@example.com')).toEqual(['editor']);
    expect((await read('v@example.com')).version).toBe(version + 1);
    const [event, ...more] = await events('user.roles-changed');
    expect(more).toHaveLength(0);
    expect(event).toMatchObject({
      targetEmail: 'v@example.com',
      actorEmail: 'owner@example.com',
      source: 'command',
      before: { roles: ['viewer'] },
      after: { roles: ['editor'] },
    });
    await expect(submit({ kind: 'change-roles', user: { email: 'v@example.com' }, add: [], remove: [] })).rejects.toMatchObject({
      code: 'bad_input',
    });
    await expect(
      submit({ kind: 'change-roles', user: { email: 'gone@example.com' }, add: ['editor'], remove: [] }),
    ).rejects.toMatchObject({ code: 'not_found' });
  });

  it('refuses to leave a user with no role, and the owner without Admin, rolling back', async () => {
    const { h, addUser, actor, read, rolesOf, events, submit } = await setup();
    await addUser('v@example.com', ['viewer']);
    const version = (await read('v@example.com')).version;
    await expect(
      submit({ kind: 'change-roles', user: { email: 'v@example.com' }, add: [], remove: ['viewer'] }),
    ).rejects.toMatchObject({ code: 'last_role', message: expect.stringContaining('v@example.com would have none') });
    expect(await rolesOf('v@example.com')).toEqual(['viewer']);
    expect((await read('v@example.com')).version).toBe(version);

    const admin = await actor(await addUser('admin2@example.com', ['admin']));
    await expect(
      submit({ kind: 'change-roles', user: { email: 'owner@example.com' }, add: ['editor'], remove: ['admin'] }, admin),
    ).rejects.toMatchObject({ code: 'owner_protected' });
    await expect(
      submit({ kind: 'set-roles', user: { id: h.owner.userId as string }, role: 'viewer' }, admin),
    ).rejects.toMatchObject({ code: 'owner_protected' });
    expect(await rolesOf('owner@example.com')).toEqual(['admin']);
    expect(await events('user.roles-changed')).toHaveLength(0);
  });

  it('keeps one active Admin when the account has no owner', async () => {
    const { h, prisma, rolesOf, submit } = await setup();
    await prisma.account.update({ where: { id: h.accountId }, data: { ownerId: null } });
    await expect(
      submit({ kind: 'change-roles', user: { email: 'owner@example.com' }, add: ['editor'], remove: ['admin'] }),
    ).rejects.toMatchObject({ code: 'last_admin' });
    expect(await rolesOf('owner@example.com')).toEqual(['admin']);
  });

  it('refuses anyone giving themselves admin power, approvals or not', async () => {
    const { h, addUser, rolesOf, submit } = await setup();
    const id = await addUser('e@example.com', ['editor']);
    const self: Actor = {
      ...h.owner,
      userId: id,
      email: 'e@example.com',
      roleKeys: ['editor'],
      permissions: new Set(['roles:manage']),
    };
    await expect(
      submit({ kind: 'change-roles', user: { email: 'e@example.com' }, add: ['admin'], remove: [] }, self),
    ).rejects.toMatchObject({ code: 'forbidden', message: expect.stringContaining('You cannot give yourself') });
    expect(await rolesOf('e@example.com')).toEqual(['editor']);
  });

  it('replaces roles with set-roles and refuses a role the catalog lacks', async () => {
    const { addUser, rolesOf, events, submit } = await setup();
    await addUser('c@example.com', ['contributor']);
    await expect(submit({ kind: 'set-roles', user: { email: 'c@example.com' }, role: 'editor' })).resolves.toMatchObject({
      status: 'done',
    });
    expect(await rolesOf('c@example.com')).toEqual(['editor']);
    expect((await events('user.roles-changed'))[0]).toMatchObject({
      before: { roles: ['contributor'] },
      after: { roles: ['editor'] },
    });
    await expect(submit({ kind: 'set-roles', user: { email: 'c@example.com' }, role: 'wizard' })).rejects.toMatchObject({
      code: 'not_found',
    });
    expect(await rolesOf('c@example.com')).toEqual(['editor']);
  });

  it('with grant-admin approvals on, a grant of Admin waits and writes nothing; approving applies it', async () => {
    const { addUser, actor, read, rolesOf, events, submit, services, prisma } = await setup({
      approvals: { 'grant-admin': { approvals: 1 } },
    });
    const approver = await actor(await addUser('admin2@example.com', ['admin']));
    await addUser('v@example.com', ['viewer']);
    const version = (await read('v@example.com')).version;
    const change: Change = { kind: 'change-roles', user: { email: 'v@example.com' }, add: ['admin'], remove: ['viewer'] };
    await expect(services.changes.preview(await actor((await read('owner@example.com')).id), change)).resolves.toMatchObject({
      approval: { action: 'grant-admin', approvals: 1 },
    });
    const submitted = await submit(change);
    expect(submitted).toMatchObject({ status: 'awaiting', request: { action: 'grant-admin', status: 'pending' } });
    expect(await rolesOf('v@example.com')).toEqual(['viewer']);
    expect((await read('v@example.com')).version).toBe(version);
    expect(await events('user.roles-changed')).toHaveLength(0);
    const stored = await prisma.approvalRequest.findFirstOrThrow();
    expect(stored.payload).toEqual({ ...change, user: { id: (await read('v@example.com')).id } });
    if (submitted.status !== 'awaiting') throw new Error('expected a request');

    const decided = await services.changes.decide(approver, submitted.request.id, { approve: true });
    expect(decided.kind).toBe('executed');
    expect(await rolesOf('v@example.com')).toEqual(['admin']);
    expect((await read('v@example.com')).version).toBe(version + 1);
    expect(await events('user.roles-changed')).toMatchObject([{ source: 'approval', after: { roles: ['admin'] } }]);
  });

  it('a request whose target changed meanwhile is stale and changes nothing', async () => {
    const { addUser, actor, rolesOf, submit, services } = await setup({ approvals: { 'grant-admin': { approvals: 1 } } });
    const approver = await actor(await addUser('admin2@example.com', ['admin']));
    await addUser('v@example.com', ['viewer']);
    const submitted = await submit({ kind: 'change-roles', user: { email: 'v@example.com' }, add: ['admin'], remove: [] });
    if (submitted.status !== 'awaiting') throw new Error('expected a request');
    await submit({ kind: 'change-roles', user: { email: 'v@example.com' }, add: ['editor'], remove: ['viewer'] });
    const decided = await services.changes.decide(approver, submitted.request.id, { approve: true });
    expect(decided).toMatchObject({ kind: 'stale', request: { status: 'stale' } });
    expect(await rolesOf('v@example.com')).toEqual(['editor']);
  });

  it('with approvals off, a grant of Admin is done at once', async () => {
    const { addUser, rolesOf, submit, prisma } = await setup();
    await addUser('v@example.com', ['viewer']);
    await expect(
      submit({ kind: 'change-roles', user: { email: 'v@example.com' }, add: ['admin'], remove: [] }),
    ).resolves.toMatchObject({ status: 'done' });
    expect(await rolesOf('v@example.com')).toEqual(['admin', 'viewer']);
    expect(await prisma.approvalRequest.count()).toBe(0);
  });

  it('keeps extra permissions to grantableTo and to the catalog', async () => {
    const { addUser, read, events, submit } = await setup();
    await addUser('v@example.com', ['viewer']);
    const version = (await read('v@example.com')).version;
    const perms = (add: string[], remove: string[] = []) =>
      submit({ kind: 'perms', user: { email: 'v@example.com' }, add, remove });
    await expect(perms(['audit:view'])).rejects.toMatchObject({
      code: 'not_grantable',
      field: 'perms',
      message: '`audit:view` can only be granted to `editor`; this user holds `viewer`.',
    });
    await expect(perms(['users:manage'])).rejects.toMatchObject({ code: 'not_grantable', field: 'perms' });
    await expect(perms(['no:such'])).rejects.toMatchObject({ code: 'not_found', field: 'perms' });
    await expect(perms([], ['users:view'])).rejects.toMatchObject({ code: 'bad_input', field: 'perms' });
    expect((await read('v@example.com')).version).toBe(version);

    await expect(perms([' Users:View '])).resolves.toMatchObject({ status: 'done' });
    expect(await read('v@example.com')).toMatchObject({ extraPermissions: ['users:view'], version: version + 1 });
    await perms([], ['users:view']);
    expect(await read('v@example.com')).toMatchObject({ extraPermissions: [], version: version + 2 });
    expect(await events('user.perms-changed')).toMatchObject([
      { before: { perms: [] }, after: { perms: ['users:view'] } },
      { before: { perms: ['users:view'] }, after: { perms: [] } },
    ]);
  });

  it('an admin-plane extra is a grant of admin power and waits for approval', async () => {
    const { addUser, read, submit } = await setup({ approvals: { 'grant-admin': { approvals: 1 } } });
    await addUser('admin2@example.com', ['admin']);
    await addUser('v@example.com', ['viewer']);
    await expect(
      submit({ kind: 'perms', user: { email: 'v@example.com' }, add: ['users:view'], remove: [] }),
    ).resolves.toMatchObject({ status: 'awaiting', request: { action: 'grant-admin' } });
    expect((await read('v@example.com')).extraPermissions).toEqual([]);
  });

  it('changes roles in bulk, all or none, skipping a removal the user lacks', async () => {
    const { h, services, addUser, read, rolesOf, events, submit } = await setup();
    await addUser('a@example.com', ['viewer']);
    await addUser('b@example.com', ['contributor']);
    await expect(
      submit({ kind: 'bulk-roles', emails: ['a@example.com', 'missing@example.com'], add: ['editor'], remove: [] }),
    ).rejects.toMatchObject({ code: 'not_found', field: 'users', message: 'Not in the directory: missing@example.com.' });
    await expect(submit({ kind: 'bulk-roles', emails: [' '], add: ['editor'], remove: [] })).rejects.toMatchObject({
      code: 'bad_input',
      field: 'users',
    });
    await expect(
      submit({ kind: 'bulk-roles', emails: ['a@example.com', 'b@example.com'], add: [], remove: ['viewer'] }),
    ).rejects.toMatchObject({ code: 'last_role' });
    expect(await rolesOf('b@example.com')).toEqual(['contributor']);

    const done = await services.changes.submit(h.owner, {
      kind: 'bulk-roles',
      emails: ['A@example.com', 'b@example.com'],
      add: ['editor'],
      remove: ['viewer'],
    });
    if (done.status !== 'done') throw new Error('expected the bulk change to be done');
    expect([...done.result.previews].sort((x, y) => x.email.localeCompare(y.email))).toEqual([
      { email: 'a@example.com', before: ['viewer'], after: ['editor'] },
      { email: 'b@example.com', before: ['contributor'], after: ['contributor', 'editor'] },
    ]);
    expect(done.result.skipped).toEqual({ emails: [], gone: 0 });
    expect(await rolesOf('a@example.com')).toEqual(['editor']);
    expect(await rolesOf('b@example.com')).toEqual(['contributor', 'editor']);
    expect((await read('a@example.com')).version).toBe(2);
    expect((await read('b@example.com')).version).toBe(2);
    expect((await events('user.roles-changed')).map((e) => e.targetEmail).sort()).toEqual(['a@example.com', 'b@example.com']);
  });

  it('a bulk change over more users than the threshold waits for the bulk approval', async () => {
    const { addUser, rolesOf, submit } = await setup({ approvals: { bulk: { approvals: 1 } } });
    await addUser('admin2@example.com', ['admin']);
    const emails = Array.from({ length: 11 }, (_, i) => `u${i}@example.com`);
    for (const email of emails) await addUser(email, ['viewer']);
    await expect(submit({ kind: 'bulk-roles', emails: emails.slice(0, 10), add: ['editor'], remove: [] })).resolves.toMatchObject(
      {
        status: 'done',
      },
    );
    await expect(submit({ kind: 'bulk-roles', emails, add: ['contributor'], remove: [] })).resolves.toMatchObject({
      status: 'awaiting',
      request: { action: 'bulk' },
    });
    expect(await rolesOf('u10@example.com')).toEqual(['viewer']);
    expect(await rolesOf('u0@example.com')).toEqual(['editor', 'viewer']);
  });
});
