import { afterAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/domain/access/actor';
import { type DomainHarness, domainStore } from '../support/domain-harness';
import { testTargets } from '../support/test-database';

async function setup(h: DomainHarness, approvalsFor: Record<string, { approvals: number }>) {
  const { prisma } = h.db;
  const accountId = h.accountId;
  const services = h.services({ approvals: approvalsFor });
  const admin = async (email: string): Promise<Actor> => {
    const user = await prisma.user.create({
      data: {
        accountId,
        email,
        status: 'active',
        roles: { create: { role: { connect: { accountId_key: { accountId, key: 'admin' } } } } },
      },
    });
    return services.access.actorForUserId(user.id, 'approval');
  };
  await prisma.user.create({
    data: {
      accountId,
      email: 'target@example.com',
      status: 'active',
      roles: { create: { role: { connect: { accountId_key: { accountId, key: 'viewer' } } } } },
    },
  });
  /** Asks for a revoke as the owner and returns the stored request. */
  const askRevoke = async (email: string) => {
    const submitted = await services.changes.submit(h.owner, { kind: 'revoke', user: { email } });
    if (submitted.status !== 'awaiting') throw new Error('expected the revoke to wait for approval');
    return submitted;
  };
  return { approvals: services.changes, admin, prisma, askRevoke };
}

describe.each(testTargets())('approval decisions (%s store)', (target) => {
  let h: DomainHarness;
  const store = domainStore(target);
  afterAll(() => store.close());

  it('two approvers clicking at the same moment run the change exactly once', async () => {
    h = await store.fresh();
    const { approvals, admin, prisma, askRevoke } = await setup(h, { revoke: { approvals: 1 } });
    const [a, b] = [await admin('a@example.com'), await admin('b@example.com')];
    const { request } = await askRevoke('target@example.com');
    const results = await Promise.allSettled([
      approvals.decide(a, request.id, { approve: true }),
      approvals.decide(b, request.id, { approve: true }),
    ]);
    const executed = results.filter((r) => r.status === 'fulfilled' && r.value.kind === 'executed');
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(executed).toHaveLength(1);
    expect(refused).toHaveLength(1);
    expect(refused[0]?.reason.message).toMatch(/already approved by [ab]@example.com/);
    expect(await prisma.auditEvent.count({ where: { action: 'user.revoked' } })).toBe(1);
    expect(await prisma.approvalDecision.count()).toBe(1);
  });

  it('a two-approver action needs two distinct people', async () => {
    h = await store.fresh();
    const { approvals, admin, prisma, askRevoke } = await setup(h, { revoke: { approvals: 2 } });
    const [a, b] = [await admin('a@example.com'), await admin('b@example.com')];
    const { request } = await askRevoke('target@example.com');
    const first = await approvals.decide(a, request.id, { approve: true });
    expect(first.kind).toBe('waiting');
    await expect(approvals.decide(a, request.id, { approve: true })).rejects.toThrow('You already approved');
    expect((await prisma.user.findFirstOrThrow({ where: { email: 'target@example.com' } })).status).toBe('active');
    const second = await approvals.decide(b, request.id, { approve: true });
    expect(second.kind).toBe('executed');
    expect((await prisma.user.findFirstOrThrow({ where: { email: 'target@example.com' } })).status).toBe('revoked');
  });

  it('two approvals racing on a two-approver request settle it once', async () => {
    h = await store.fresh();
    const { approvals, admin, prisma, askRevoke } = await setup(h, { revoke: { approvals: 2 } });
    const [a, b] = [await admin('a@example.com'), await admin('b@example.com')];
    for (let round = 0; round < 8; round++) {
      const email = `race${round}@example.com`;
      await prisma.user.create({
        data: {
          accountId: h.accountId,
          email,
          status: 'active',
          roles: { create: { role: { connect: { accountId_key: { accountId: h.accountId, key: 'viewer' } } } } },
        },
      });
      const { request } = await askRevoke(email);
      const results = await Promise.all([
        approvals.decide(a, request.id, { approve: true }),
        approvals.decide(b, request.id, { approve: true }),
      ]);
      expect(results.map((r) => r.kind).sort()).toEqual(['executed', 'waiting']);
    }
    expect(await prisma.auditEvent.count({ where: { action: 'user.revoked' } })).toBe(8);
  });

  it('refuses a request nobody else could approve', async () => {
    h = await store.fresh();
    const { admin, askRevoke, prisma } = await setup(h, { revoke: { approvals: 1 } });
    await expect(askRevoke('target@example.com')).rejects.toThrow('nobody else may approve');
    await admin('a@example.com');
    const { request } = await askRevoke('target@example.com');
    expect(request.status).toBe('pending');
    expect((await prisma.user.findFirstOrThrow({ where: { email: 'target@example.com' } })).status).toBe('active');
  });
});
