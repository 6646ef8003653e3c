/**
 * Adding a partner (partner-changes.ts) through the change layer (issue 21, item 4): roles:manage
 * first, a name of 1 to 60 characters kept once whatever its case, and an audit entry.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/domain/access/actor';
import { domainStore } from '../support/domain-harness';
import { testTargets } from '../support/test-database';

describe.each(testTargets())('partner changes (%s store)', (target) => {
  const store = domainStore(target);
  afterAll(() => store.close());

  async function setup() {
    const h = await store.fresh();
    const services = h.services();
    const { prisma } = h.db;
    const partners = async () => (await prisma.partner.findMany({ orderBy: { name: 'asc' } })).map((p) => p.name);
    const submit = (name: string, as: Actor = h.owner) => services.changes.submit(as, { kind: 'partner-add', name });
    return { h, services, prisma, partners, submit };
  }

  it('needs roles:manage', async () => {
    const { h, prisma, services, partners, submit } = await setup();
    const user = await prisma.user.create({
      data: {
        accountId: h.accountId,
        email: 'manager@example.com',
        status: 'active',
        roles: { create: { role: { connect: { accountId_key: { accountId: h.accountId, key: 'editor' } } } } },
      },
    });
    const manager: Actor = {
      ...(await services.access.actorForUserId(user.id, 'command')),
      permissions: new Set(['users:manage']),
    };
    await expect(submit('Acme', manager)).rejects.toMatchObject({ code: 'forbidden' });
    expect(await partners()).toEqual([]);
    expect(await prisma.auditEvent.count({ where: { action: 'partner.added' } })).toBe(0);
  });

  it('adds a partner once, whatever the case and spacing of its name, and records it', async () => {
    const { prisma, partners, submit } = await setup();
    await expect(submit('  Acme   Corp ')).resolves.toEqual({ status: 'done', result: { name: 'Acme Corp' } });
    await expect(submit('ACME CORP')).rejects.toMatchObject({
      code: 'conflict',
      field: 'name',
      message: 'The partner Acme Corp already exists; see `/users partner list`.',
    });
    await expect(submit('   ')).rejects.toMatchObject({ code: 'bad_input', field: 'name' });
    await expect(submit('x'.repeat(61))).rejects.toMatchObject({ code: 'bad_input', field: 'name' });
    await expect(submit('x'.repeat(60))).resolves.toMatchObject({ status: 'done' });
    expect(await partners()).toEqual(['Acme Corp', 'x'.repeat(60)]);
    const events = await prisma.auditEvent.findMany({ where: { action: 'partner.added' }, orderBy: { seq: 'asc' } });
    expect(events.map((e) => [e.actorEmail, e.after])).toEqual([
      ['owner@example.com', { name: 'Acme Corp' }],
      ['owner@example.com', { name: 'x'.repeat(60) }],
    ]);
  });
});
