import { afterAll, describe, expect, it } from 'vitest';
import { consoleActor } from '../../src/domain/access/actor';
import { loadCatalog } from '../../src/domain/roles/catalog';
import { isRosterError } from '../../src/errors';
import { changeKit, type DomainHarness, domainStore } from '../support/domain-harness';
import { testTargets } from '../support/test-database';

const { catalog } = loadCatalog();

async function refusal(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (isRosterError(error)) return error.message;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe.each(testTargets())('plan seats and first co-approvers (%s store)', (target) => {
  let h: DomainHarness;
  const store = domainStore(target);
  afterAll(() => store.close());
  const account = () => h.db.prisma.account.findUniqueOrThrow({ where: { id: h.accountId } });

  it('only the server console sets the plan; it is audited, replicas are told, the same value writes nothing', async () => {
    h = await store.fresh();
    const changed: string[] = [];
    const kit = changeKit(h, { changed });
    // The owner holds every permission, and still may not.
    expect(await refusal(kit.submit({ kind: 'plan-seats', seats: 500 }))).toContain('Only whoever runs Roster');
    await expect(kit.submit({ kind: 'plan-seats', seats: 0 }, consoleActor())).rejects.toThrow();
    expect(await account()).toMatchObject({ planSeats: null });
    expect(await kit.events('account.plan-seats')).toHaveLength(0);

    const done = await kit.submit({ kind: 'plan-seats', seats: 40 }, consoleActor());
    expect(done).toMatchObject({ status: 'done', result: { before: null, after: 40, plan: 40, limit: 40, used: 1 } });
    expect(await account()).toMatchObject({ planSeats: 40 });
    expect(await kit.events('account.plan-seats')).toMatchObject([
      { actorEmail: 'server console', source: 'console', before: { planSeats: null }, after: { planSeats: 40 } },
    ]);
    expect(changed).toEqual([h.accountId]);
    await kit.submit({ kind: 'plan-seats', seats: 40 }, consoleActor());
    expect(await kit.events('account.plan-seats')).toHaveLength(1);
    expect(changed).toHaveLength(1);
  });

  it('a policy that needs two approvers lets the owner make two first co-approvers, then no more', async () => {
    h = await store.fresh();
    const twice = { ...catalog.policy.approvals, actions: { 'grant-admin': { approvals: 2 } } };
    const kit = changeKit(h, {
      approvals: twice.actions,
      settingsDefaults: {
        approvalsChannel: 'C0APPROVALS',
        catalog: { ...catalog, policy: { ...catalog.policy, approvals: twice } },
      },
    });
    const ids = await Promise.all(['a@example.com', 'b@example.com', 'c@example.com'].map((e) => kit.addUser(e, ['viewer'])));
    const first = await kit.submit({ kind: 'first-approver', user: { id: ids[0] as string } });
    expect(first).toMatchObject({ status: 'done', result: { approvers: 1, needed: 2 } });
    const second = await kit.submit({ kind: 'first-approver', user: { email: 'b@example.com' } });
    expect(second).toMatchObject({ status: 'done', result: { approvers: 2, needed: 2 } });
    expect(await refusal(kit.submit({ kind: 'first-approver', user: { email: 'c@example.com' } }))).toContain(
      'already has 2 approvers besides you',
    );
    expect(await account()).toMatchObject({ firstApproversGranted: 2 });
    expect(await kit.events('approvals.first-approver')).toHaveLength(2);
    // Anyone but the owner, even an Admin, is refused.
    const admin = await kit.actor(ids[0] as string);
    expect(await refusal(kit.submit({ kind: 'first-approver', user: { email: 'c@example.com' } }, admin))).toContain(
      'Only the account owner',
    );
  });

  it('with approvals off there is nothing to wait for: refused, naming the plain grant', async () => {
    h = await store.fresh();
    const kit = changeKit(h);
    await kit.addUser('a@example.com', ['viewer']);
    expect(await refusal(kit.submit({ kind: 'first-approver', user: { email: 'a@example.com' } }))).toContain(
      'Approvals are off',
    );
    expect(await account()).toMatchObject({ firstApproversGranted: 0 });
  });
});
