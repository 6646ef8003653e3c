import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ListenerHarness, OWNER, startListenerHarness } from '../support/listener-harness';
import { seedUser } from '../support/seed';
import { testTargets } from '../support/test-database';

const CHANNEL = 'C0APPROVALS';
type View = { callback_id: string; private_metadata: string; blocks: unknown[] };
const input = (value: string) => ({ type: 'plain_text_input', value });
const multi = (...values: string[]) => ({ type: 'multi_static_select', selected_options: values.map((value) => ({ value })) });
/** Polls an async check until it gives a value (the app works after acknowledging). */
async function eventually<T>(check: () => Promise<T | null | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
const mailbox = (kind: string, i: number) => `${kind}-with-a-rather-long-mailbox-name-${i}@example-corporation.com`;

describe.each(testTargets())('long lists stay within Block Kit limits (%s store)', (target) => {
  let h: ListenerHarness;
  const opened = (callbackId: string) =>
    h.fake.waitFor(() =>
      h.fake
        .callsTo('views.open')
        .map((c) => c.args.view as View)
        .filter((v) => v.callback_id === callbackId)
        .at(-1),
    );
  const pendingRequest = (action: string) =>
    eventually(() => h.roster.prisma.approvalRequest.findFirst({ where: { action, status: 'pending' } }));
  async function approve(id: string) {
    await h.slack.blockAction('UADA', { actionId: 'approval.approve', value: id });
    await opened('approval.modal');
    // Not its acknowledgement: a decision that runs a change of many users may be acknowledged after
    // Slack's 3 seconds on a loaded machine (issue 14, item 6); what it sends Slack is checked here.
    await h.slack.viewSubmission('UADA', {
      callbackId: 'approval.modal',
      privateMetadata: JSON.stringify({ id, approve: true }),
      values: { 'approval.reason': { 'approval.reason': input('') } },
    });
    await eventually(
      async () => (await h.roster.prisma.approvalRequest.findUniqueOrThrow({ where: { id } })).status !== 'pending',
    );
  }

  beforeAll(async () => {
    h = await startListenerHarness(target, { APPROVALS_CHANNEL: CHANNEL });
    await seedUser(h.roster, { email: 'ada@example.com', roles: ['admin'], slackUserId: 'UADA' });
    h.fake.addUser({ id: 'UADA', email: 'ada@example.com' });
    await h.roster.prisma.group.createMany({
      data: Array.from({ length: 130 }, (_, i) => ({
        accountId: h.roster.accountId,
        name: `Team ${String(i).padStart(3, '0')} of the regional office`,
      })),
    });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('shows a card with 50 long properties and 130 groups', async () => {
    const user = await seedUser(h.roster, { email: 'prop@example.com', name: 'Pro Perty' });
    await h.roster.prisma.userProperty.createMany({
      data: Array.from({ length: 49 }, (_, i) => ({ userId: user.id, key: `k${i}`, value: `${'v & w '.repeat(60)}${i}` })),
    });
    const groups = await h.roster.prisma.group.findMany({ where: { name: { startsWith: 'Team' } } });
    await h.roster.prisma.groupMembership.createMany({ data: groups.map((g) => ({ userId: user.id, groupId: g.id })) });
    const answer = await h.slack.commandAndWait(OWNER.slackId, `props prop@example.com last=${'x'.repeat(400)}`);
    expect(String(answer.text)).toContain('prop@example.com');
    const blocks = JSON.stringify(answer.blocks);
    expect(blocks).toContain('k0');
    expect(blocks).toContain('last');
    expect(blocks).toContain('k48');
    expect(blocks).toMatch(/…and \d+ more/);
    expect(h.fake.rejected).toEqual([]);
  });

  it('offers more than 100 groups in the invite modal, every one selectable', async () => {
    await h.slack.command(OWNER.slackId, 'invite');
    const view = await opened('invite.modal');
    expect(h.fake.rejected).toEqual([]);
    expect(JSON.stringify(view.blocks)).toContain('Team 129 of the regional office');
    const answer = await h.slack.viewSubmission(OWNER.slackId, {
      callbackId: 'invite.modal',
      privateMetadata: view.private_metadata,
      values: {
        'invite.emails': { 'invite.emails': input('grace@example.com') },
        'invite.groups': { 'invite.groups': multi('Team 125 of the regional office') },
      },
    });
    expect(answer.status).toBe(200);
    const member = await eventually(() =>
      h.roster.prisma.groupMembership.findFirst({ where: { user: { email: 'grace@example.com' } }, include: { group: true } }),
    );
    expect(member.group.name).toBe('Team 125 of the regional office');
  });

  it('confirms, asks for and runs the deletion of 80 users', async () => {
    const emails = Array.from({ length: 80 }, (_, i) => mailbox('gone', i));
    for (const email of emails) await seedUser(h.roster, { email });
    await h.slack.command(OWNER.slackId, `delete ${emails.join(' ')}`);
    const view = await opened('delete.modal');
    expect(h.fake.rejected).toEqual([]);
    expect(view.private_metadata.length).toBeLessThanOrEqual(3000);
    expect(JSON.stringify(view.blocks)).toMatch(/…and \d+ more/);
    await h.slack.viewSubmission(OWNER.slackId, {
      callbackId: 'delete.modal',
      privateMetadata: view.private_metadata,
      values: { 'delete.reason': { 'delete.reason': input('left the company') } },
    });
    const post = await h.fake.waitFor(() => h.fake.callsTo('chat.postMessage').find((c) => c.args.channel === CHANNEL));
    expect(h.fake.rejected).toEqual([]);
    expect(JSON.stringify(post.args.blocks)).toMatch(/…and \d+ more/);
    expect(JSON.stringify(post.args.blocks)).toContain('asset(s) move to');
    await approve((await pendingRequest('delete')).id);
    expect(h.fake.rejected).toEqual([]);
    // The change runs after the decision is recorded.
    await eventually(async () => (await h.roster.prisma.user.count({ where: { email: { in: emails } } })) === 0);
  });

  it('reviews and saves a bulk role change of 60 users', async () => {
    const emails = Array.from({ length: 60 }, (_, i) => mailbox('bulk', i));
    for (const email of emails) await seedUser(h.roster, { email, roles: ['viewer'] });
    const first = await h.slack.viewSubmission(OWNER.slackId, {
      callbackId: 'bulk-roles.modal',
      privateMetadata: JSON.stringify({ channelId: 'C0GENERAL' }),
      values: {
        'bulk.users': { 'bulk.users': input(emails.join('\n')) },
        'bulk.assign': { 'bulk.assign': multi('editor') },
        'bulk.unassign': { 'bulk.unassign': multi('viewer') },
      },
    });
    const review = first.json?.view as View;
    expect(first.json?.response_action).toBe('update');
    expect(JSON.stringify(review.blocks)).toMatch(/…and \d+ more/);
    await h.slack.viewSubmission(OWNER.slackId, {
      callbackId: review.callback_id,
      privateMetadata: review.private_metadata,
      values: {},
    });
    await approve((await pendingRequest('bulk')).id);
    const roles = await eventually(async () => {
      const held = await h.roster.prisma.userRole.findMany({
        where: { user: { email: { in: emails } } },
        include: { role: true },
      });
      return held.every((r) => r.role.key === 'editor') && held;
    });
    expect(roles).toHaveLength(60);
    expect(h.fake.rejected).toEqual([]);
  });

  it('reads a stored list back only for whoever opened the modal, and only for a day', async () => {
    const emails = Array.from({ length: 60 }, (_, i) => mailbox('kept', i));
    for (const email of emails) await seedUser(h.roster, { email, roles: ['viewer'] });
    const first = await h.slack.viewSubmission(OWNER.slackId, {
      callbackId: 'bulk-roles.modal',
      privateMetadata: JSON.stringify({ channelId: 'C0GENERAL' }),
      values: {
        'bulk.users': { 'bulk.users': input(emails.join('\n')) },
        'bulk.assign': { 'bulk.assign': multi('contributor') },
        'bulk.unassign': { 'bulk.unassign': multi() },
      },
    });
    const review = first.json?.view as View;
    expect(JSON.parse(review.private_metadata)).toEqual({ channelId: 'C0GENERAL', stateId: expect.any(String) });
    const requests = await h.roster.prisma.approvalRequest.count();
    const refusals = () =>
      h.fake.callsTo('chat.postEphemeral').filter((c) => String(c.args.text).includes('This form has expired'));
    await h.slack.viewSubmission('UADA', {
      callbackId: review.callback_id,
      privateMetadata: review.private_metadata,
      values: {},
    });
    await h.fake.waitFor(() => refusals().find((c) => c.args.user === 'UADA'));
    h.clock.advanceHours(25);
    await h.slack.viewSubmission(OWNER.slackId, {
      callbackId: review.callback_id,
      privateMetadata: review.private_metadata,
      values: {},
    });
    await h.fake.waitFor(() => refusals().find((c) => c.args.user === OWNER.slackId));
    expect(await h.roster.prisma.approvalRequest.count()).toBe(requests);
  });
});
