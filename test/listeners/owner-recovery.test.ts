import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APPROVALS_CHANNEL, decide, latestRequestButton } from '../support/approvals';
import { type ListenerHarness, OWNER, startListenerHarness } from '../support/listener-harness';
import { directoryState, seedUser } from '../support/seed';
import { testTargets } from '../support/test-database';

const CHANNEL = APPROVALS_CHANNEL;
const approve = (h: ListenerHarness, slackUserId: string, id: string) => decide(h, slackUserId, id, true);

async function ownerEmail(h: ListenerHarness): Promise<string | undefined> {
  return (await h.roster.prisma.account.findFirstOrThrow({ include: { owner: true } })).owner?.email;
}

describe.each(testTargets())('/users owner when the owner is gone (%s store)', (target) => {
  let h: ListenerHarness;
  const ask = (user: string, text: string) => h.slack.commandAndWait(user, text).then((answer) => String(answer.text));
  /** A command that must be refused and change nothing (no approval request either). */
  async function refused(user: string, text: string): Promise<string> {
    const before = await directoryState(h.roster);
    const requests = await h.roster.prisma.approvalRequest.count();
    const answer = await ask(user, text);
    expect(answer).toMatch(/^:warning:/);
    expect(await directoryState(h.roster)).toBe(before);
    expect(await h.roster.prisma.approvalRequest.count()).toBe(requests);
    return answer;
  }

  beforeAll(async () => {
    h = await startListenerHarness(target, { APPROVALS_CHANNEL: CHANNEL });
    await seedUser(h.roster, { email: 'ada@example.com', roles: ['admin'], slackUserId: 'UADA' });
    // Every permission a recovery needs, and approvals:approve, but not the Admin role.
    await seedUser(h.roster, {
      email: 'eve@example.com',
      roles: ['editor'],
      slackUserId: 'UEVE',
      extraPermissions: ['users:manage', 'roles:manage', 'approvals:approve'],
    });
    await seedUser(h.roster, { email: 'vic@example.com', roles: ['viewer'], slackUserId: 'UVIC' });
    await seedUser(h.roster, { email: 'off@example.com', roles: ['admin'], status: 'disabled' });
    for (const [id, email] of [
      ['UADA', 'ada@example.com'],
      ['UEVE', 'eve@example.com'],
      ['UVIC', 'vic@example.com'],
    ] as const) {
      h.fake.addUser({ id, email });
    }
    // The owner has used Roster once, so Roster knows their Slack user.
    await ask(OWNER.slackId, 'seats');
  });
  afterAll(async () => {
    await h?.close();
  });

  it('refuses while the owner is active and in Slack: only they can transfer it', async () => {
    expect(await refused('UADA', 'owner ada@example.com')).toContain(
      `Only the owner (${OWNER.email}) can transfer ownership while they are active and in Slack: ask them to run \`/users owner ada@example.com\`.`,
    );
  });

  it('refuses someone who is not an Admin, whatever permissions they hold, and a viewer', async () => {
    expect(await refused('UEVE', 'owner eve@example.com')).toContain(
      'Only an Admin can take over ownership from an owner who is gone.',
    );
    expect(await refused('UVIC', 'owner vic@example.com')).toContain('You need the `users:manage` permission');
  });

  it('refuses when the owner has left Slack but no second Admin could approve', async () => {
    h.fake.addUser({ id: OWNER.slackId, email: OWNER.email, deleted: true });
    expect(await refused('UADA', 'owner ada@example.com')).toContain(
      'This change needs the approval of a second active Admin, and there is none.',
    );
  });

  it('notices when the owner is back in Slack, and refuses again', async () => {
    const leftAt = async () => (await h.roster.prisma.user.findFirstOrThrow({ where: { email: OWNER.email } })).slackLeftAt;
    expect(await leftAt()).not.toBeNull();
    h.fake.addUser({ id: OWNER.slackId, email: OWNER.email });
    expect(await refused('UADA', 'owner ada@example.com')).toContain(`Only the owner (${OWNER.email})`);
    expect(await leftAt()).toBeNull();
    h.fake.addUser({ id: OWNER.slackId, email: OWNER.email, deleted: true });
  });

  it('refuses a target who is not an active Admin', async () => {
    await seedUser(h.roster, { email: 'bob@example.com', roles: ['admin'], slackUserId: 'UBOB' });
    h.fake.addUser({ id: 'UBOB', email: 'bob@example.com' });
    expect(await refused('UADA', 'owner vic@example.com')).toContain(
      'vic@example.com must be an active Admin to own the account. Make them an Admin first.',
    );
    expect(await refused('UADA', 'owner off@example.com')).toContain(
      'off@example.com is disabled; only an active user can own the account.',
    );
    expect(await refused('UADA', `owner ${OWNER.email}`)).toContain(`${OWNER.email} already owns the account.`);
  });

  it('asks a second Admin when the owner has left Slack, and moves ownership once approved', async () => {
    const answer = await ask('UADA', 'owner ada@example.com');
    expect(answer).toContain('This needs approval');
    expect(answer).toContain(`Recover ownership: ${OWNER.email} (left the Slack workspace) → ada@example.com.`);
    // Only Admins decide, never the requester or the owner it is taken from.
    expect(answer).toContain('waits for one of <@UBOB>.');
    expect(await ownerEmail(h)).toBe(OWNER.email);
    const id = latestRequestButton(h);

    await h.slack.blockAction('UEVE', { actionId: 'approval.approve', value: id });
    const eve = await h.fake.waitFor(() => h.fake.callsTo('chat.postEphemeral').find((c) => c.args.user === 'UEVE'));
    expect(String(eve.args.text)).toContain('Only an Admin can decide on this request.');
    await h.slack.blockAction('UADA', { actionId: 'approval.approve', value: id });
    const ada = await h.fake.waitFor(() => h.fake.callsTo('chat.postEphemeral').find((c) => c.args.user === 'UADA'));
    expect(String(ada.args.text)).toContain('someone else must decide');
    expect(await ownerEmail(h)).toBe(OWNER.email);

    expect((await approve(h, 'UBOB', id)).status).toBe(200);
    await h.fake.waitFor(() => h.fake.callsTo('chat.update').length > 0);
    expect(await ownerEmail(h)).toBe('ada@example.com');
    const request = await h.roster.prisma.approvalRequest.findUniqueOrThrow({ where: { id } });
    expect(request).toMatchObject({ action: 'recover-owner', status: 'approved', requiredApprovals: 1 });
    const events = await h.roster.prisma.auditEvent.findMany({ where: { action: 'account.owner-recovered' } });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      actorEmail: 'ada@example.com',
      source: 'approval',
      targetEmail: 'ada@example.com',
      before: { owner: OWNER.email, ownerState: 'left the Slack workspace' },
    });
    // Every active Admin is told by DM.
    const dms = await h.fake.waitFor(() => {
      const sent = h.fake.callsTo('chat.postMessage').filter((c) => String(c.args.text).includes('ownership was recovered'));
      return sent.length >= 3 && sent;
    });
    expect(dms.map((c) => c.args.channel).sort()).toEqual(['DUADA', 'DUBOB', `D${OWNER.slackId}`]);
    expect(String(dms[0]?.args.text)).toContain(
      `recovered by ada@example.com with a second Admin’s approval: ada@example.com now owns the account instead of ${OWNER.email} (left the Slack workspace).`,
    );
  });

  it('also recovers from a disabled owner, and a request goes stale when the owner comes back first', async () => {
    // The owner can only be disabled behind Roster's back (the rules forbid it); that is the case to recover from.
    await h.roster.prisma.user.updateMany({ where: { email: 'ada@example.com' }, data: { status: 'disabled' } });
    expect(await ask('UBOB', 'owner bob@example.com')).toContain(
      'Recover ownership: ada@example.com (disabled) → bob@example.com.',
    );
    const stale = latestRequestButton(h);
    await h.roster.prisma.user.updateMany({ where: { email: 'ada@example.com' }, data: { status: 'active' } });
    await h.slack.commandAndWait('UBOB', 'edit ada@example.com --name "Ada, back"');
    expect(await refused('UBOB', 'owner bob@example.com')).toContain('Only the owner (ada@example.com)');
    await approve(h, OWNER.slackId, stale);
    await h.fake.waitFor(() => h.fake.callsTo('chat.update').find((c) => JSON.stringify(c.args.blocks).includes('Stale')));
    expect(await ownerEmail(h)).toBe('ada@example.com');

    await h.roster.prisma.user.updateMany({ where: { email: 'ada@example.com' }, data: { status: 'disabled' } });
    await ask('UBOB', 'owner bob@example.com');
    const id = latestRequestButton(h);
    const updates = h.fake.callsTo('chat.update').length;
    // The former owner is an Admin too; neither owner of this request (ada, bob) may decide it.
    expect((await approve(h, OWNER.slackId, id)).status).toBe(200);
    await h.fake.waitFor(() => h.fake.callsTo('chat.update').length > updates);
    expect((await h.roster.prisma.approvalRequest.findUniqueOrThrow({ where: { id } })).status).toBe('approved');
    expect(await ownerEmail(h)).toBe('bob@example.com');
  });
});

describe('/users owner when the owner is gone and approvals are off', () => {
  let h: ListenerHarness;
  beforeAll(async () => {
    h = await startListenerHarness('embedded');
    await seedUser(h.roster, { email: 'ada@example.com', roles: ['admin'], slackUserId: 'UADA' });
    await seedUser(h.roster, { email: 'bob@example.com', roles: ['admin'], slackUserId: 'UBOB' });
    h.fake.addUser({ id: 'UADA', email: 'ada@example.com' });
    await h.roster.prisma.user.updateMany({ where: { email: OWNER.email }, data: { status: 'disabled' } });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('refuses rather than let one Admin take ownership alone, and points to the server', async () => {
    const before = await directoryState(h.roster);
    const answer = String((await h.slack.commandAndWait('UADA', 'owner ada@example.com')).text);
    expect(answer).toContain('That needs a second Admin’s approval, and approvals are off (APPROVALS_CHANNEL is unset).');
    expect(answer).toContain('npm run recover-owner -- --email <address>');
    expect(await directoryState(h.roster)).toBe(before);
    expect(await ownerEmail(h)).toBe(OWNER.email);
  });
});
