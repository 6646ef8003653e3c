import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APPROVALS_CHANNEL } from '../support/approvals';
import { type ListenerHarness, OWNER, startListenerHarness } from '../support/listener-harness';
import { seedUser } from '../support/seed';
import { testTargets } from '../support/test-database';

describe.each(testTargets())('the owner’s first co-approver (%s store)', (target) => {
  let h: ListenerHarness;
  const rolesOf = async (email: string) =>
    (
      await h.roster.prisma.user.findFirstOrThrow({ where: { email }, include: { roles: { include: { role: true } } } })
    ).roles.map((r) => r.role.key);
  const home = async (slackId: string) => {
    const published = h.fake.callsTo('views.publish').length;
    await h.slack.event({ type: 'app_home_opened', user: slackId, tab: 'home', channel: `D${slackId}` });
    const call = await h.fake.waitFor(() =>
      h.fake
        .callsTo('views.publish')
        .slice(published)
        .find((c) => c.args.user_id === slackId),
    );
    return JSON.stringify(call.args.view);
  };
  const announcements = () =>
    h.fake
      .callsTo('chat.postMessage')
      .filter((c) => c.args.channel === APPROVALS_CHANNEL && String(c.args.text).includes('without an approval'));

  beforeAll(async () => {
    // Approvals on, and the owner is the only Admin: nobody else may approve anything.
    h = await startListenerHarness(target, { APPROVALS_CHANNEL });
    await seedUser(h.roster, { email: 'bob@example.com', roles: ['viewer'], slackUserId: 'UBOB' });
    await seedUser(h.roster, { email: 'cy@example.com', roles: ['editor'], slackUserId: 'UCY' });
    await seedUser(h.roster, { email: 'dan@example.com', status: 'invited' });
    h.fake.addUser({ id: 'UBOB', email: 'bob@example.com' });
    h.fake.addUser({ id: 'UCY', email: 'cy@example.com' });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('a grant that needs approval is refused, and the refusal names the way out', async () => {
    const refused = await h.slack.commandAndWait(OWNER.slackId, 'roles bob@example.com +admin');
    expect(refused.text).toContain('nobody else may approve it');
    expect(refused.text).toContain('`/users first-approver <who>`');
    expect(await rolesOf('bob@example.com')).toEqual(['viewer']);
    expect(await h.roster.prisma.approvalRequest.count()).toBe(0);
  });

  it('App Home shows the owner, and only the owner, the set-up hint', async () => {
    const owner = await home(OWNER.slackId);
    expect(owner).toContain('Set up approvals');
    expect(owner).toContain('/users first-approver <who>');
    expect(owner).toContain(`<#${APPROVALS_CHANNEL}>`);
    expect(await home('UBOB')).not.toContain('Set up approvals');
  });

  it('refuses anyone but the owner, and someone who is not active', async () => {
    const notOwner = await h.slack.commandAndWait('UBOB', 'first-approver cy@example.com');
    expect(notOwner.text).toContain('Only the account owner (owner@example.com) can make the first co-approver');
    const invited = await h.slack.commandAndWait(OWNER.slackId, 'first-approver dan@example.com');
    expect(invited.text).toContain('dan@example.com is invited');
    const self = await h.slack.commandAndWait(OWNER.slackId, 'first-approver owner@example.com');
    expect(self.text).toContain('choose someone else');
    const unknown = await h.slack.commandAndWait(OWNER.slackId, 'first-approver');
    expect(unknown.text).toContain('/users first-approver <who>');
    expect(await rolesOf('cy@example.com')).toEqual(['editor']);
    expect(await h.roster.prisma.account.findFirstOrThrow()).toMatchObject({ firstApproversGranted: 0 });
  });

  it('two at once make one first co-approver: an Admin, announced in the approvals channel and audited', async () => {
    const [bob, cy] = await Promise.all([
      h.slack.commandAndWait(OWNER.slackId, 'first-approver bob@example.com'),
      h.slack.commandAndWait(OWNER.slackId, 'first-approver cy@example.com'),
    ]);
    const answers = [bob.text, cy.text].map(String);
    const made = answers.filter((text) => text.includes('is now an Admin and may approve'));
    expect(made).toHaveLength(1);
    expect(answers.filter((text) => text.includes('already has 1 approver besides you'))).toHaveLength(1);
    expect(made[0]).toContain(`Announced in <#${APPROVALS_CHANNEL}>`);
    const admins = [await rolesOf('bob@example.com'), await rolesOf('cy@example.com')].filter((r) => r.includes('admin'));
    expect(admins).toHaveLength(1);

    const announced = await h.fake.waitFor(() => announcements()[0]);
    expect(String(announced.args.text)).toContain('owner@example.com (the account owner) made');
    expect(announcements()).toHaveLength(1);
    const audit = await h.roster.prisma.auditEvent.findMany({ where: { action: 'approvals.first-approver' } });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actorEmail: OWNER.email, after: { role: 'admin', withoutApproval: true } });
    expect(await h.roster.prisma.auditEvent.count({ where: { action: 'user.roles-changed' } })).toBe(1);
    expect(await h.roster.prisma.account.findFirstOrThrow()).toMatchObject({ firstApproversGranted: 1 });
  });

  it('a second attempt is refused, the hint is gone, and granting now waits for the new approver', async () => {
    const made = (await rolesOf('bob@example.com')).includes('admin') ? 'bob@example.com' : 'cy@example.com';
    const other = made === 'bob@example.com' ? 'cy@example.com' : 'bob@example.com';
    const again = await h.slack.commandAndWait(OWNER.slackId, `first-approver ${other}`);
    expect(again.text).toContain('already has 1 approver besides you');
    expect(await rolesOf(other)).not.toContain('admin');
    await expect.poll(() => home(OWNER.slackId), { timeout: 10_000 }).not.toContain('Set up approvals');

    const asked = await h.slack.commandAndWait(OWNER.slackId, `roles ${other} +admin`);
    expect(asked.text).toContain('This needs approval');
    expect(asked.text).toContain(made === 'bob@example.com' ? '<@UBOB>' : '<@UCY>');
  });

  it('with the first co-approver gone, the owner may not make another', async () => {
    const made = (await rolesOf('bob@example.com')).includes('admin') ? 'bob@example.com' : 'cy@example.com';
    await h.roster.prisma.user.updateMany({ where: { email: made }, data: { status: 'disabled' } });
    // The previous test's command refreshes App Home after its answer; a refresh read before the disable may land late.
    await expect.poll(() => home(OWNER.slackId), { timeout: 10_000 }).toContain('You already made your first co-approver');
    const refused = await h.slack.commandAndWait(OWNER.slackId, 'first-approver dan@example.com');
    expect(refused.text).toContain('allowed only once');
  });
});
