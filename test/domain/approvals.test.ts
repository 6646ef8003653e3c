import { afterEach, describe, expect, it } from 'vitest';
import { createAccessService } from '../../src/domain/access/access-service';
import type { Actor } from '../../src/domain/access/actor';
import { createDirectoryExecutors } from '../../src/domain/approvals/approval-executors';
import { createApprovalService } from '../../src/domain/approvals/approval-service';
import { createAuditService } from '../../src/domain/audit/audit-service';
import { createDirectoryService } from '../../src/domain/directory/directory-service';
import { loadCatalog } from '../../src/domain/roles/catalog';
import { createRoleService } from '../../src/domain/users/role-service';
import { createUserChanger } from '../../src/domain/users/user-change';
import { createUserService } from '../../src/domain/users/user-service';
import { type DomainHarness, startDomainHarness } from '../support/domain-harness';
import { testTargets } from '../support/test-database';

async function setup(h: DomainHarness, approvalsFor: Record<string, { approvals: number }>) {
  const { prisma } = h.db;
  const accountId = h.accountId;
  const audit = createAuditService({ db: prisma, accountId, clock: h.clock });
  const directory = createDirectoryService({ prisma, accountId, clock: h.clock, seatLimit: 100 });
  const changer = createUserChanger({ prisma, accountId, audit, directory });
  const users = createUserService({ prisma, accountId, audit, directory, changer });
  const roles = createRoleService({ prisma, accountId, audit, directory, changer });
  const access = createAccessService({ prisma, accountId, profiles: { emailOf: async () => null } });
  const policy = { ...loadCatalog().catalog.policy.approvals, actions: approvalsFor };
  const approvals = createApprovalService({
    prisma,
    accountId,
    clock: h.clock,
    audit,
    policy,
    enabled: true,
    executors: createDirectoryExecutors({ users, roles }),
    actorById: (id) => access.actorForUserId(id, 'approval'),
  });
  const admin = async (email: string): Promise<Actor> => {
    const user = await prisma.user.create({
      data: {
        accountId,
        email,
        status: 'active',
        roles: { create: { role: { connect: { accountId_key: { accountId, key: 'admin' } } } } },
      },
    });
    return access.actorForUserId(user.id, 'approval');
  };
  await prisma.user.create({
    data: {
      accountId,
      email: 'target@example.com',
      status: 'active',
      roles: { create: { role: { connect: { accountId_key: { accountId, key: 'viewer' } } } } },
    },
  });
  return { approvals, admin, prisma };
}

describe.each(testTargets())('approval decisions (%s store)', (target) => {
  let h: DomainHarness;
  afterEach(async () => {
    await h?.close();
  });

  it('two approvers clicking at the same moment run the change exactly once', async () => {
    h = await startDomainHarness(target);
    const { approvals, admin, prisma } = await setup(h, { revoke: { approvals: 1 } });
    const [a, b] = [await admin('a@example.com'), await admin('b@example.com')];
    const { request } = await approvals.request(h.owner, 'revoke', { email: 'target@example.com' }, 'left');
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
    h = await startDomainHarness(target);
    const { approvals, admin, prisma } = await setup(h, { revoke: { approvals: 2 } });
    const [a, b] = [await admin('a@example.com'), await admin('b@example.com')];
    const { request } = await approvals.request(h.owner, 'revoke', { email: 'target@example.com' }, null);
    const first = await approvals.decide(a, request.id, { approve: true });
    expect(first.kind).toBe('waiting');
    await expect(approvals.decide(a, request.id, { approve: true })).rejects.toThrow('You already approved');
    expect((await prisma.user.findFirstOrThrow({ where: { email: 'target@example.com' } })).status).toBe('active');
    const second = await approvals.decide(b, request.id, { approve: true });
    expect(second.kind).toBe('executed');
    expect((await prisma.user.findFirstOrThrow({ where: { email: 'target@example.com' } })).status).toBe('revoked');
  });

  it('two approvals racing on a two-approver request settle it once', async () => {
    h = await startDomainHarness(target);
    const { approvals, admin, prisma } = await setup(h, { revoke: { approvals: 2 } });
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
      const { request } = await approvals.request(h.owner, 'revoke', { email }, null);
      const results = await Promise.all([
        approvals.decide(a, request.id, { approve: true }),
        approvals.decide(b, request.id, { approve: true }),
      ]);
      expect(results.map((r) => r.kind).sort()).toEqual(['executed', 'waiting']);
    }
    expect(await prisma.auditEvent.count({ where: { action: 'user.revoked' } })).toBe(8);
  });

  it('refuses a request nobody else could approve, and expires old ones', async () => {
    h = await startDomainHarness(target);
    const { approvals, admin } = await setup(h, { revoke: { approvals: 1 } });
    await expect(approvals.request(h.owner, 'revoke', { email: 'target@example.com' }, null)).rejects.toThrow(
      'nobody else may approve',
    );
    await admin('a@example.com');
    const { request } = await approvals.request(h.owner, 'revoke', { email: 'target@example.com' }, null);
    h.clock.advanceHours(23);
    expect(await approvals.expireDue()).toEqual([]);
    h.clock.advanceHours(2);
    const expired = await approvals.expireDue();
    expect(expired.map((r) => [r.id, r.status])).toEqual([[request.id, 'expired']]);
    expect(await approvals.expireDue()).toEqual([]);
  });
});
