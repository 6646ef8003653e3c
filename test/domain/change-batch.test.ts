/**
 * Several changes in one transaction (`changes.submitBatch`, issue 23 item 9/10): one account lock,
 * each change in a savepoint, so a change that fails is undone alone and the others stay; the rules
 * are checked after every change, the trail is recorded per change, a change that would wait for
 * approval is refused, and what a change delivers after its commit is delivered.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { type Actor, scimActor } from '../../src/domain/access/actor';
import { inSavepoint, transaction } from '../../src/store/tx';
import { changeKit, type DomainHarness, domainStore } from '../support/domain-harness';
import { testTargets } from '../support/test-database';

describe.each(testTargets())('a batch of changes (%s store)', (target) => {
  const store = domainStore(target);
  afterAll(() => store.close());

  async function setup(options: Parameters<DomainHarness['services']>[0] = {}) {
    const h = await store.fresh();
    const kit = changeKit(h, options);
    const { prisma } = kit;
    const read = (email: string) =>
      prisma.user.findFirst({ where: { accountId: h.accountId, email }, include: { roles: { include: { role: true } } } });
    const rolesOf = async (email: string) => ((await read(email))?.roles ?? []).map((r) => r.role.key).sort();
    const batch = (changes: unknown[], as: Actor = h.owner) => kit.services.changes.submitBatch(as, changes);
    const provision = (email: string) => ({
      kind: 'scim-user',
      attributes: { email, name: null, externalId: `ext-${email}`, active: true },
    });
    return { h, ...kit, read, rolesOf, batch, provision };
  }

  it('undoes a failing change alone: the changes before and after it stay, each with its own trail', async () => {
    const { h, prisma, read, rolesOf, batch, provision, events } = await setup();
    const outcomes = await batch([
      provision('a@example.com'),
      provision('b@example.com'),
      // Breaks the owner rule: undone, with its audit event.
      { kind: 'change-roles', user: { email: 'owner@example.com' }, add: ['editor'], remove: ['admin'] },
      // Clashes with the first change's user.
      provision('a@example.com'),
      { kind: 'not-a-kind' },
      // Sees what the batch did before it.
      { kind: 'change-roles', user: { email: 'b@example.com' }, add: ['editor'], remove: [] },
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['done', 'done', 'failed', 'failed', 'failed', 'done']);
    expect(outcomes[0]).toMatchObject({ result: { created: true, user: { email: 'a@example.com' } } });
    expect(outcomes[2]).toMatchObject({ error: { code: 'owner_protected' } });
    expect(outcomes[3]).toMatchObject({ error: { code: 'conflict' } });
    expect(await rolesOf('owner@example.com')).toEqual(['admin']);
    expect(await rolesOf('b@example.com')).toEqual(['editor', 'viewer']);
    expect(await prisma.user.count({ where: { accountId: h.accountId, email: 'a@example.com' } })).toBe(1);
    // Each change bumps the versions of the users it touched, once per change.
    expect((await read('a@example.com'))?.version).toBe(2);
    expect((await read('b@example.com'))?.version).toBe(3);
    expect((await events('user.provisioned')).map((e) => e.targetEmail)).toEqual(['a@example.com', 'b@example.com']);
    const roles = await events('user.roles-changed');
    expect(roles).toHaveLength(1);
    expect(roles[0]).toMatchObject({ targetEmail: 'b@example.com', before: { roles: ['viewer'] } });
  });

  it('checks the seat rule after every change, on the seats the earlier changes took', async () => {
    const h = await store.fresh();
    const used = (await h.db.prisma.account.findUniqueOrThrow({ where: { id: h.accountId } })).seatsUsed;
    const { services, prisma } = changeKit(h, { seatLimit: used + 1 });
    const outcomes = await services.changes.submitBatch(scimActor(), [
      { kind: 'scim-user', attributes: { email: 'one@example.com', name: null, externalId: null, active: true } },
      { kind: 'scim-user', attributes: { email: 'two@example.com', name: null, externalId: null, active: true } },
    ]);
    expect(outcomes[0]).toMatchObject({ status: 'done' });
    expect(outcomes[1]).toMatchObject({ status: 'failed', error: { code: 'seat_limit' } });
    const account = await prisma.account.findUniqueOrThrow({ where: { id: h.accountId } });
    expect(account.seatsUsed).toBe(used + 1);
    expect(await prisma.user.count({ where: { accountId: h.accountId, email: 'two@example.com' } })).toBe(0);
  });

  it('refuses what needs a permission the actor lacks, and a change that would wait for approval', async () => {
    const { h, addUser, actor, batch, provision, read, rolesOf, prisma } = await setup({
      approvals: { 'grant-admin': { approvals: 1 } },
    });
    await addUser('v@example.com', ['viewer']);
    const before = await prisma.auditEvent.count({ where: { accountId: h.accountId } });
    const outcomes = await batch([
      { kind: 'change-roles', user: { email: 'v@example.com' }, add: ['admin'], remove: [] },
      provision('c@example.com'),
    ]);
    expect(outcomes[0]).toMatchObject({ status: 'failed', error: { code: 'forbidden' } });
    expect(outcomes[1]).toMatchObject({ status: 'done' });
    expect(await rolesOf('v@example.com')).toEqual(['viewer']);
    expect(await prisma.approvalRequest.count()).toBe(0);
    expect(await prisma.auditEvent.count({ where: { accountId: h.accountId } })).toBe(before + 1);
    // Without users:manage: refused before anyone is looked up, and nothing is written.
    const editor = await actor(await addUser('editor@example.com', ['editor']));
    const refused = await batch(
      [provision('e@example.com'), { kind: 'perms', user: { email: 'v@example.com' }, add: [], remove: [] }],
      editor,
    );
    expect(refused).toMatchObject([
      { status: 'failed', error: { code: 'forbidden' } },
      { status: 'failed', error: { code: 'forbidden' } },
    ]);
    expect(await read('e@example.com')).toBeNull();
  });

  it('delivers after the commit what a done change delivers', async () => {
    const { batch } = await setup();
    const [token] = await batch([{ kind: 'scim-token' }]);
    expect(token).toMatchObject({ status: 'done', result: { rotated: false } });
    expect(typeof (token as { result: { delivered: boolean } }).result.delivered).toBe('boolean');
  });

  it('a savepoint undoes a statement the store refused, and the transaction goes on', async () => {
    const { h, prisma } = await setup();
    await transaction(prisma, async (tx) => {
      await expect(inSavepoint(tx, 'probe', () => tx.$executeRawUnsafe('SELECT * FROM "NoSuchTable"'))).rejects.toThrow();
      await tx.account.update({ where: { id: h.accountId }, data: { name: 'Renamed in the same transaction' } });
    });
    expect((await prisma.account.findUniqueOrThrow({ where: { id: h.accountId } })).name).toBe('Renamed in the same transaction');
  });
});
