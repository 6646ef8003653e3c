/**
 * The identity provider's group changes (scim-group-changes.ts) through the change layer (issue 21,
 * item 4): groups:manage first; create, rename and members by id, all or nothing; All Users read-only
 * and Default never deleted; the stale check; members' and the group's versions; the audit trail.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import type { Services } from '../../src/create-services';
import { type Actor, scimActor } from '../../src/domain/access/actor';
import { domainStore } from '../support/domain-harness';
import { seedUser } from '../support/seed';
import { testTargets } from '../support/test-database';

type Change = Parameters<Services['changes']['submit']>[1];

describe.each(testTargets())('SCIM group changes (%s store)', (target) => {
  const store = domainStore(target);
  afterAll(() => store.close());

  async function setup() {
    const h = await store.fresh();
    const services = h.services();
    const { prisma } = h.db;
    const addUser = async (email: string) => (await seedUser({ prisma, accountId: h.accountId }, { email })).id;
    const group = (name: string) => prisma.group.findFirstOrThrow({ where: { accountId: h.accountId, name } });
    const members = async (name: string) =>
      (await prisma.groupMembership.findMany({ where: { group: { name } }, include: { user: true } }))
        .map((m) => m.user.email)
        .sort();
    const version = async (id: string) => (await prisma.user.findUniqueOrThrow({ where: { id } })).version;
    const events = (action: string) => prisma.auditEvent.findMany({ where: { action }, orderBy: { seq: 'asc' } });
    const submit = (change: Change, as: Actor = scimActor()) => services.changes.submit(as, change);
    return { h, services, prisma, addUser, group, members, version, events, submit };
  }

  it('needs groups:manage, refused before the group is looked up', async () => {
    const { h, services, prisma, addUser, submit } = await setup();
    const manager: Actor = {
      ...(await services.access.actorForUserId(await addUser('m@example.com'), 'command')),
      permissions: new Set(['users:manage', 'roles:manage']),
    };
    const groups = await prisma.group.count();
    for (const change of [
      { kind: 'scim-group', displayName: 'Ops', add: [], remove: [] },
      { kind: 'scim-group', group: { id: randomUUID() }, add: [], remove: [] },
      { kind: 'scim-group-delete', group: { id: randomUUID() } },
    ] satisfies Change[]) {
      await expect(submit(change, manager)).rejects.toMatchObject({ code: 'forbidden' });
    }
    expect(await prisma.group.count()).toBe(groups);
    expect(h.sent).toEqual([]);
  });

  it('creates a group with members, bumping their versions, and records both', async () => {
    const { addUser, group, members, version, events, submit } = await setup();
    const a = await addUser('a@example.com');
    await expect(submit({ kind: 'scim-group', add: [], remove: [] })).rejects.toMatchObject({
      code: 'bad_input',
      field: 'displayName',
    });
    await expect(submit({ kind: 'scim-group', displayName: 'default', add: [], remove: [] })).rejects.toMatchObject({
      code: 'conflict',
      field: 'displayName',
    });
    const missing = randomUUID();
    await expect(submit({ kind: 'scim-group', displayName: 'Ops', add: [a, missing], remove: [] })).rejects.toMatchObject({
      code: 'not_found',
      field: 'members',
      message: `No user ${missing} in the directory.`,
    });
    const done = await submit({ kind: 'scim-group', displayName: ' Ops ', add: [a, a], remove: [] });
    const ops = await group('Ops');
    expect(done).toEqual({ status: 'done', result: { groupId: ops.id, created: true } });
    expect(ops.version).toBe(1);
    expect(await members('Ops')).toEqual(['a@example.com']);
    expect(await version(a)).toBe(2);
    expect((await events('group.created')).map((e) => [e.source, e.after])).toEqual([['scim', { group: 'Ops' }]]);
    expect((await events('group.members-changed')).map((e) => e.after)).toEqual([
      { group: 'Ops', added: ['a@example.com'], removed: [] },
    ]);
  });

  it('renames and changes members, refusing a stale version and All Users', async () => {
    const { h, prisma, addUser, group, members, version, events, submit } = await setup();
    const a = await addUser('a@example.com');
    const b = await addUser('b@example.com');
    await submit({ kind: 'scim-group', displayName: 'Ops', add: [a], remove: [] });
    const ops = await group('Ops');
    await expect(
      submit({ kind: 'scim-group', group: { id: ops.id }, ifVersion: 5, displayName: 'Platform', add: [], remove: [] }),
    ).rejects.toMatchObject({ code: 'stale', message: 'Ops changed since version 5; read it again.' });
    const all = await prisma.group.findFirstOrThrow({ where: { accountId: h.accountId, kind: 'all_users' } });
    await expect(submit({ kind: 'scim-group', group: { id: all.id }, add: [b], remove: [] })).rejects.toMatchObject({
      code: 'bad_input',
      field: 'group',
    });
    await expect(
      submit({ kind: 'scim-group', group: { id: ops.id }, ifVersion: 1, displayName: 'Platform', add: [b], remove: [a] }),
    ).resolves.toEqual({ status: 'done', result: { groupId: ops.id, created: false } });
    expect((await group('Platform')).version).toBe(2);
    expect(await members('Platform')).toEqual(['b@example.com']);
    expect([await version(a), await version(b)]).toEqual([3, 2]);
    expect((await events('group.renamed')).map((e) => [e.before, e.after])).toEqual([[{ group: 'Ops' }, { group: 'Platform' }]]);
    expect((await events('group.members-changed')).map((e) => e.after)).toEqual([
      { group: 'Ops', added: ['a@example.com'], removed: [] },
      { group: 'Platform', added: ['b@example.com'], removed: ['a@example.com'] },
    ]);
  });

  it('adding a member or removing a non-member touches nobody: no version bump, nothing in the trail', async () => {
    const { addUser, group, version, events, submit } = await setup();
    const a = await addUser('a@example.com');
    const b = await addUser('b@example.com');
    await submit({ kind: 'scim-group', displayName: 'Ops', add: [a], remove: [] });
    const ops = await group('Ops');
    const [va, vb] = [await version(a), await version(b)];
    await submit({ kind: 'scim-group', group: { id: ops.id }, add: [a], remove: [b] });
    expect([await version(a), await version(b)]).toEqual([va, vb]);
    expect((await events('group.members-changed')).map((e) => e.after)).toEqual([
      { group: 'Ops', added: ['a@example.com'], removed: [] },
    ]);
  });

  it('deletes a custom group, keeping its members, but never Default or All Users', async () => {
    const { h, prisma, addUser, group, version, events, submit } = await setup();
    const a = await addUser('a@example.com');
    await submit({ kind: 'scim-group', displayName: 'Temp', add: [a], remove: [] });
    const temp = await group('Temp');
    for (const kind of ['default', 'all_users'] as const) {
      const builtIn = await prisma.group.findFirstOrThrow({ where: { accountId: h.accountId, kind } });
      await expect(submit({ kind: 'scim-group-delete', group: { id: builtIn.id } })).rejects.toMatchObject({
        message: expect.stringContaining('cannot be deleted'),
      });
    }
    await expect(submit({ kind: 'scim-group-delete', group: { id: temp.id }, ifVersion: 9 })).rejects.toMatchObject({
      code: 'stale',
    });
    await expect(submit({ kind: 'scim-group-delete', group: { id: temp.id }, ifVersion: 1 })).resolves.toEqual({
      status: 'done',
      result: { name: 'Temp', members: 1 },
    });
    expect(await prisma.group.count({ where: { name: 'Temp' } })).toBe(0);
    expect(await prisma.user.count({ where: { id: a } })).toBe(1);
    expect(await version(a)).toBe(3);
    expect((await events('group.deleted')).map((e) => [e.source, e.before])).toEqual([['scim', { group: 'Temp', members: 1 }]]);
    await expect(submit({ kind: 'scim-group-delete', group: { id: temp.id } })).rejects.toMatchObject({ code: 'not_found' });
  });
});
