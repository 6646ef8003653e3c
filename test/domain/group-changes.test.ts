/**
 * Groups created, renamed and deleted from Slack are changes like any other (issue 21, item 1): the
 * permission first, then the rules, the members' versions and the audit trail in one transaction.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Services } from '../../src/create-services';
import type { Actor } from '../../src/domain/access/actor';
import { type DomainHarness, startDomainHarness } from '../support/domain-harness';
import { testTargets } from '../support/test-database';

describe.each(testTargets())('group changes (%s store)', (target) => {
  let h: DomainHarness;
  let services: Services;
  beforeAll(async () => {
    h = await startDomainHarness(target);
    services = h.services();
  });
  afterAll(async () => {
    await h?.close();
  });

  const submit = (change: Parameters<Services['changes']['submit']>[1], actor: Actor = h.owner) =>
    services.changes.submit(actor, change);

  it('creates a group once, whatever the case of its name, and records it', async () => {
    await expect(submit({ kind: 'group-create', name: '  Sales   team ' })).resolves.toMatchObject({
      status: 'done',
      result: { name: 'Sales team' },
    });
    await expect(submit({ kind: 'group-create', name: 'SALES TEAM' })).rejects.toMatchObject({ code: 'conflict', field: 'name' });
    await expect(submit({ kind: 'group-create', name: ' ' })).rejects.toMatchObject({ code: 'bad_input', field: 'name' });
    await expect(submit({ kind: 'group-create', name: 'x'.repeat(61) })).rejects.toMatchObject({ field: 'name' });
    expect(await h.db.prisma.auditEvent.count({ where: { action: 'group.created' } })).toBe(1);
  });

  it('renames Default and custom groups, never All Users, and refuses a name in use', async () => {
    await submit({ kind: 'group-create', name: 'Ops' });
    await expect(submit({ kind: 'group-rename', group: 'all users', to: 'Everyone' })).rejects.toMatchObject({ field: 'name' });
    await expect(submit({ kind: 'group-rename', group: 'Ops', to: 'sales team' })).rejects.toMatchObject({ code: 'conflict' });
    await expect(submit({ kind: 'group-rename', group: 'Nope', to: 'X' })).rejects.toMatchObject({ code: 'not_found' });
    const renamed = await submit({ kind: 'group-rename', group: 'default', to: 'New joiners' });
    expect(renamed).toMatchObject({ status: 'done', result: { from: 'Default', to: 'New joiners' } });
    const group = await h.db.prisma.group.findFirstOrThrow({ where: { accountId: h.accountId, kind: 'default' } });
    expect(group).toMatchObject({ name: 'New joiners', version: 2 });
  });

  it('deletes a custom group, keeps its members and bumps their versions; built-in groups stay', async () => {
    await submit({ kind: 'group-create', name: 'Temp' });
    const temp = await h.db.prisma.group.findFirstOrThrow({ where: { name: 'Temp' } });
    const owner = await h.db.prisma.user.findUniqueOrThrow({ where: { id: h.owner.userId as string } });
    await h.db.prisma.groupMembership.create({ data: { groupId: temp.id, userId: owner.id } });
    await expect(submit({ kind: 'group-delete', group: 'New joiners' })).rejects.toThrow('cannot be deleted (it can be renamed)');
    await expect(submit({ kind: 'group-delete', group: 'All Users' })).rejects.toThrow('cannot be deleted');
    const deleted = await submit({ kind: 'group-delete', group: 'temp' });
    expect(deleted).toMatchObject({ status: 'done', result: { name: 'Temp', members: 1 } });
    expect(await h.db.prisma.group.count({ where: { name: 'Temp' } })).toBe(0);
    expect((await h.db.prisma.user.findUniqueOrThrow({ where: { id: owner.id } })).version).toBe(owner.version + 1);
    const event = await h.db.prisma.auditEvent.findFirstOrThrow({ where: { action: 'group.deleted' } });
    expect(event.before).toEqual({ group: 'Temp', members: 1 });
  });

  it('needs groups:manage, checked before anything is looked up', async () => {
    const viewer: Actor = { ...h.owner, userId: 'nobody', permissions: new Set(['users:view']), roleKeys: ['viewer'] };
    for (const change of [
      { kind: 'group-create' as const, name: 'Nope' },
      { kind: 'group-rename' as const, group: 'Nope', to: 'Still nope' },
      { kind: 'group-delete' as const, group: 'Nope' },
    ]) {
      await expect(submit(change, viewer)).rejects.toMatchObject({ code: 'forbidden' });
    }
  });
});
