/**
 * The change layer on a real store, both stores: an approved change and its execution commit
 * together (issue 14, item 7), and ownership transfer re-checks its target under the lock (item 9).
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/domain/access/actor';
import type { Tx } from '../../src/store/tx';
import { type DomainHarness, domainStore } from '../support/domain-harness';
import { testTargets } from '../support/test-database';

async function user(h: DomainHarness, email: string, role: string): Promise<string> {
  const created = await h.db.prisma.user.create({
    data: {
      accountId: h.accountId,
      email,
      status: 'active',
      roles: { create: { role: { connect: { accountId_key: { accountId: h.accountId, key: role } } } } },
    },
  });
  return created.id;
}

describe.each(testTargets())('the change layer (%s store)', (target) => {
  let h: DomainHarness;
  const store = domainStore(target);
  afterAll(() => store.close());

  it('a crash while an approved change runs loses neither: the request stays pending and can be approved again', async () => {
    h = await store.fresh();
    const services = h.services({ approvals: { revoke: { approvals: 1 } } });
    const approver = await services.access.actorForUserId(await user(h, 'a@example.com', 'admin'), 'approval');
    await user(h, 'target@example.com', 'viewer');
    const submitted = await services.changes.submit(h.owner, { kind: 'revoke', user: { email: 'target@example.com' } });
    if (submitted.status !== 'awaiting') throw new Error('expected an approval request');
    // The same store and change layer, but the process "dies" right after the change ran, before the commit.
    const crashing = async (tx: Tx, requesterId: string, payload: unknown) => {
      await services.changes.runApproved(tx, requesterId, payload);
      throw new Error('the process died');
    };
    await expect(services.approvals.decide(approver, submitted.request.id, { approve: true }, crashing)).rejects.toThrow(
      'the process died',
    );
    const { prisma } = h.db;
    expect((await prisma.approvalRequest.findUniqueOrThrow({ where: { id: submitted.request.id } })).status).toBe('pending');
    expect(await prisma.approvalDecision.count()).toBe(0);
    expect((await prisma.user.findFirstOrThrow({ where: { email: 'target@example.com' } })).status).toBe('active');
    expect(await prisma.auditEvent.count({ where: { action: { in: ['user.revoked', 'approval.approved'] } } })).toBe(0);

    const result = await services.changes.decide(approver, submitted.request.id, { approve: true });
    expect(result.kind).toBe('executed');
    expect((await prisma.user.findFirstOrThrow({ where: { email: 'target@example.com' } })).status).toBe('revoked');
    expect(await prisma.auditEvent.count({ where: { action: 'user.revoked' } })).toBe(1);
  });

  it('an approved change the directory now refuses fails with the reason and changes nothing', async () => {
    h = await store.fresh();
    const services = h.services({ approvals: { 'grant-admin': { approvals: 1 } } });
    const approverId = await user(h, 'a@example.com', 'admin');
    const requesterId = await user(h, 'r@example.com', 'admin');
    await user(h, 'target@example.com', 'viewer');
    const requester = await services.access.actorForUserId(requesterId, 'command');
    const submitted = await services.changes.submit(requester, {
      kind: 'change-roles',
      user: { email: 'target@example.com' },
      add: ['admin'],
      remove: [],
    });
    if (submitted.status !== 'awaiting') throw new Error('expected an approval request');
    // The requester loses the right to grant roles before the decision: the change runs as they are now.
    await h.db.prisma.userRole.deleteMany({ where: { userId: requesterId } });
    await h.db.prisma.userRole.create({
      data: {
        user: { connect: { id: requesterId } },
        role: { connect: { accountId_key: { accountId: h.accountId, key: 'viewer' } } },
      },
    });
    const approver = await services.access.actorForUserId(approverId, 'approval');
    const result = await services.changes.decide(approver, submitted.request.id, { approve: true });
    expect(result.kind).toBe('failed');
    expect(result.request.outcome).toContain('roles:manage');
    const roles = await h.db.prisma.userRole.findMany({
      where: { user: { email: 'target@example.com' } },
      include: { role: true },
    });
    expect(roles.map((r) => r.role.key)).toEqual(['viewer']);
    expect(await h.db.prisma.approvalDecision.count({ where: { requestId: submitted.request.id } })).toBe(1);
  });

  it('ownership moves only to someone who is an active Admin when it commits, however the two race', async () => {
    h = await store.fresh();
    const services = h.services();
    const other: Actor = await services.access.actorForUserId(await user(h, 'other@example.com', 'admin'), 'command');
    for (let round = 0; round < 6; round++) {
      const email = `heir${round}@example.com`;
      await user(h, email, 'admin');
      const owner = await services.access.actorForUserId(
        (await h.db.prisma.account.findFirstOrThrow()).ownerId as string,
        'command',
      );
      await Promise.allSettled([
        services.changes.submit(owner, { kind: 'owner', user: { email } }),
        services.changes.submit(other, { kind: 'change-roles', user: { email }, add: ['viewer'], remove: ['admin'] }),
      ]);
      const account = await h.db.prisma.account.findFirstOrThrow({
        include: { owner: { include: { roles: { include: { role: true } } } } },
      });
      expect(account.owner?.status).toBe('active');
      expect(account.owner?.roles.map((r) => r.role.key)).toContain('admin');
    }
  });
});
