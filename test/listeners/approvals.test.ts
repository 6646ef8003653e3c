import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APPROVALS_CHANNEL, decide, latestRequestButton } from '../support/approvals';
import type { ListenerHarness } from '../support/listener-harness';
import { OWNER, startListenerHarness } from '../support/listener-harness';
import { seedUser } from '../support/seed';

const CHANNEL = APPROVALS_CHANNEL;

describe('approvals (embedded store)', () => {
  let h: ListenerHarness;
  beforeAll(async () => {
    h = await startListenerHarness('embedded', { APPROVALS_CHANNEL: CHANNEL });
    await seedUser(h.roster, { email: 'ada@example.com', roles: ['admin'], slackUserId: 'UADA' });
    await seedUser(h.roster, { email: 'vic@example.com', roles: ['viewer'], slackUserId: 'UVIC' });
    for (const email of ['t1@example.com', 't2@example.com', 't3@example.com', 't4@example.com'])
      await seedUser(h.roster, { email });
    h.fake.addUser({ id: 'UADA', email: 'ada@example.com' });
    h.fake.addUser({ id: 'UVIC', email: 'vic@example.com' });
  });
  afterAll(async () => {
    await h?.close();
  });

  const status = async (email: string) => (await h.roster.prisma.user.findFirstOrThrow({ where: { email } })).status;

  it('asks instead of revoking, and says for whom it waits', async () => {
    const answer = await h.slack.commandAndWait(OWNER.slackId, 'revoke t1@example.com');
    expect(answer.text).toContain('This needs approval');
    expect(answer.text).toContain('<@UADA>');
    expect(await status('t1@example.com')).toBe('active');
    const post = h.fake.callsTo('chat.postMessage').find((c) => c.args.channel === CHANNEL);
    expect(JSON.stringify(post?.args.blocks)).toContain('Revoke t1@example.com');
    expect(await h.roster.prisma.approvalRequest.count({ where: { status: 'pending' } })).toBe(1);
  });

  it('refuses the requester and a non-approver, and needs a reason to reject', async () => {
    const id = latestRequestButton(h);
    await h.slack.blockAction(OWNER.slackId, { actionId: 'approval.approve', value: id });
    const self = await h.fake.waitFor(() => h.fake.callsTo('chat.postEphemeral').find((c) => c.args.user === OWNER.slackId));
    expect(String(self.args.text)).toContain('someone else must decide');
    await h.slack.blockAction('UVIC', { actionId: 'approval.approve', value: id });
    const viewer = await h.fake.waitFor(() => h.fake.callsTo('chat.postEphemeral').find((c) => c.args.user === 'UVIC'));
    expect(String(viewer.args.text)).toContain('approvals:approve');
    const noReason = await decide(h, 'UADA', id, false, '  ');
    expect(noReason.json).toEqual({
      response_action: 'errors',
      errors: { 'approval.reason': 'Say why you reject it; the requester will read it.' },
    });
    expect(h.fake.callsTo('views.open')).toHaveLength(0);
    expect(await status('t1@example.com')).toBe('active');
  });

  it('opens the decision modal for an approver, runs the change once, updates the message and tells the requester', async () => {
    const id = latestRequestButton(h);
    await h.slack.blockAction('UADA', { actionId: 'approval.approve', value: id });
    const modal = await h.fake.waitFor(() => h.fake.callsTo('views.open')[0]);
    expect(JSON.stringify(modal.args.view)).toContain('Revoke t1@example.com');
    expect((await decide(h, 'UADA', id, true)).status).toBe(200);
    await h.fake.waitFor(() => h.fake.callsTo('chat.update').length > 0);
    expect(await status('t1@example.com')).toBe('revoked');
    const update = h.fake.callsTo('chat.update')[0];
    expect(JSON.stringify(update?.args.blocks)).toContain('Approved by ada@example.com');
    expect(JSON.stringify(update?.args.blocks)).not.toContain('approval.approve');
    const dm = await h.fake.waitFor(() => h.fake.callsTo('chat.postMessage').find((c) => c.args.channel === `D${OWNER.slackId}`));
    expect(String(dm.args.text)).toContain('Approved by ada@example.com');
    const audit = await h.roster.prisma.auditEvent.findMany({
      where: { action: { in: ['approval.requested', 'approval.approved', 'user.revoked'] } },
    });
    expect(audit.map((a) => a.action).sort()).toEqual(['approval.approved', 'approval.requested', 'user.revoked']);
    expect(audit.find((a) => a.action === 'user.revoked')?.source).toBe('approval');
  });

  it('tells a late click who decided and when', async () => {
    const id = latestRequestButton(h);
    await seedUser(h.roster, { email: 'bob@example.com', roles: ['admin'], slackUserId: 'UBOB' });
    h.fake.addUser({ id: 'UBOB', email: 'bob@example.com' });
    await h.slack.blockAction('UBOB', { actionId: 'approval.approve', value: id });
    const late = await h.fake.waitFor(() => h.fake.callsTo('chat.postEphemeral').find((c) => c.args.user === 'UBOB'));
    expect(String(late.args.text)).toMatch(/already approved by ada@example.com at \d{4}-\d\d-\d\d/);
  });

  it('rejects with a reason', async () => {
    await h.slack.commandAndWait(OWNER.slackId, 'revoke t2@example.com');
    const id = latestRequestButton(h);
    await decide(h, 'UADA', id, false, 'They still need access');
    const request = await h.fake.waitFor(() =>
      h.fake.callsTo('chat.update').find((c) => JSON.stringify(c.args.blocks).includes('They still need access')),
    );
    expect(request).toBeTruthy();
    expect(await status('t2@example.com')).toBe('active');
  });

  it('marks a request stale when its target changed, and runs nothing', async () => {
    await h.slack.commandAndWait(OWNER.slackId, 'revoke t3@example.com');
    const id = latestRequestButton(h);
    await h.slack.commandAndWait(OWNER.slackId, 'edit t3@example.com --name "Changed meanwhile"');
    await decide(h, 'UADA', id, true);
    await h.fake.waitFor(() => h.fake.callsTo('chat.update').find((c) => JSON.stringify(c.args.blocks).includes('Stale')));
    expect(await status('t3@example.com')).toBe('active');
    expect((await h.roster.prisma.approvalRequest.findUniqueOrThrow({ where: { id } })).status).toBe('stale');
  });

  it('refuses at request time a change that would fail', async () => {
    const before = await h.roster.prisma.approvalRequest.count();
    const answer = await h.slack.commandAndWait(OWNER.slackId, `revoke ${OWNER.email}`);
    expect(answer.text).toContain('owns the account');
    expect(await h.roster.prisma.approvalRequest.count()).toBe(before);
  });

  it('still executes exactly once when updating the Slack message fails', async () => {
    await h.slack.commandAndWait(OWNER.slackId, 'revoke t4@example.com');
    const id = latestRequestButton(h);
    h.fake.failNext('chat.update', { error: 'message_not_found' });
    await decide(h, 'UADA', id, true);
    await h.fake.waitFor(() => h.logs().includes('could not update an approval message'));
    expect(await status('t4@example.com')).toBe('revoked');
    expect(await h.roster.prisma.auditEvent.count({ where: { action: 'user.revoked', targetEmail: 't4@example.com' } })).toBe(1);
    await decide(h, 'UBOB', id, true);
    const told = await h.fake.waitFor(() => h.fake.callsTo('chat.postMessage').find((c) => c.args.channel === 'DUBOB'));
    expect(String(told.args.text)).toContain('already approved');
    expect(await h.roster.prisma.auditEvent.count({ where: { action: 'user.revoked', targetEmail: 't4@example.com' } })).toBe(1);
  });

  it('a bulk change that grants Admin waits for approval, however few users it touches', async () => {
    await h.slack.command(OWNER.slackId, 'roles');
    const pick = await h.fake.waitFor(() =>
      h.fake
        .callsTo('views.open')
        .map((c) => c.args.view as { callback_id: string; private_metadata: string })
        .find((v) => v.callback_id === 'bulk-roles.modal'),
    );
    const review = await h.slack.viewSubmission(OWNER.slackId, {
      callbackId: 'bulk-roles.modal',
      privateMetadata: pick.private_metadata,
      values: {
        'bulk.users': { 'bulk.users': { type: 'plain_text_input', value: 't2@example.com' } },
        'bulk.assign': { 'bulk.assign': { type: 'multi_static_select', selected_options: [{ value: 'admin' }] } },
      },
    });
    const view = (review.json as { view: { private_metadata: string } }).view;
    expect(JSON.stringify(view)).toContain('Ask for approval');
    await h.slack.viewSubmission(OWNER.slackId, {
      callbackId: 'bulk-roles.review',
      privateMetadata: view.private_metadata,
      values: {},
    });
    await h.fake.waitFor(() =>
      h.fake.callsTo('chat.postEphemeral').find((c) => String(c.args.text).includes('This needs approval')),
    );
    const request = await h.roster.prisma.approvalRequest.findFirstOrThrow({ where: { action: 'grant-admin' } });
    expect(request.summary).toContain('t2@example.com: viewer → viewer, admin');
    const roles = await h.roster.prisma.userRole.findMany({
      where: { user: { email: 't2@example.com' } },
      include: { role: true },
    });
    expect(roles.map((r) => r.role.key)).toEqual(['viewer']);
  });

  it('lists pending requests for an approver', async () => {
    await h.slack.commandAndWait(OWNER.slackId, 'revoke ada@example.com');
    const list = await h.slack.commandAndWait('UBOB', 'approvals');
    expect(list.text).toContain('2 approval requests waiting');
    expect((await h.slack.commandAndWait('UVIC', 'approvals')).text).toContain('approvals:approve');
  });

  it('marks the passcode tenures that will wait for an approver in the tenure modal', async () => {
    await h.slack.blockAction(OWNER.slackId, { actionId: 'card.passcode', value: 't4@example.com' });
    const open = await h.fake.waitFor(() =>
      h.fake.callsTo('views.open').find((c) => (c.args.view as { callback_id: string }).callback_id === 'passcode.modal'),
    );
    const text = JSON.stringify(open.args.view);
    expect(text).toContain('"30 days"');
    expect(text).toContain('"90 days (needs approval)"');
  });
});
