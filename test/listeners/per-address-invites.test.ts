import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ListenerHarness, OWNER, startListenerHarness } from '../support/listener-harness';
import { directoryState, seedUser } from '../support/seed';
import { testTargets } from '../support/test-database';

const CHANNEL = 'C0APPROVALS';
type View = { callback_id: string; private_metadata: string; blocks: unknown[] };
const input = (value: string) => ({ type: 'plain_text_input', value });
const select = (value: string) => ({ type: 'static_select', selected_option: { value } });
const multi = (...values: string[]) => ({ type: 'multi_static_select', selected_options: values.map((value) => ({ value })) });

async function held(h: ListenerHarness, email: string) {
  const user = await h.roster.prisma.user.findFirstOrThrow({
    where: { email },
    include: { roles: { include: { role: true } }, groups: { include: { group: true } } },
  });
  return {
    status: user.status,
    roles: user.roles.map((r) => (r.scope ? `${r.role.key}=${r.scope}` : r.role.key)).sort(),
    groups: user.groups.map((m) => m.group.name).sort(),
  };
}

describe.each(testTargets())('per-address roles and groups in one invite (%s store)', (target) => {
  let h: ListenerHarness;
  beforeAll(async () => {
    h = await startListenerHarness(target, { SEAT_LIMIT: '20', APPROVALS_CHANNEL: CHANNEL });
    await seedUser(h.roster, { email: 'ada@example.com', roles: ['admin'], slackUserId: 'UADA' });
    h.fake.addUser({ id: 'UADA', email: 'ada@example.com' });
    await h.slack.commandAndWait(OWNER.slackId, 'group create Sales');
    await h.slack.commandAndWait(OWNER.slackId, 'group create "Field Ops"');
  });
  afterAll(async () => {
    await h?.close();
  });

  it('gives each address of the command its own role, the others the invite role', async () => {
    const answer = await h.slack.commandAndWait(
      OWNER.slackId,
      'invite alice@example.com:editor Bob@example.com:viewer carol@example.com --role contributor --group Sales',
    );
    expect(answer.text).toContain('Invited 3 people');
    expect(await held(h, 'alice@example.com')).toEqual({ status: 'invited', roles: ['editor'], groups: ['Sales'] });
    expect(await held(h, 'bob@example.com')).toEqual({ status: 'invited', roles: ['viewer'], groups: ['Sales'] });
    expect(await held(h, 'carol@example.com')).toEqual({ status: 'invited', roles: ['contributor'], groups: ['Sales'] });
    const audit = await h.roster.prisma.auditEvent.findFirstOrThrow({
      where: { action: 'user.invited', targetEmail: 'alice@example.com' },
    });
    expect(audit.after).toMatchObject({ roles: ['editor'], groups: ['Sales'] });
  });

  it('refuses the whole invite when any address is bad, naming each one and why', async () => {
    const before = await directoryState(h.roster);
    const answer = await h.slack.commandAndWait(
      OWNER.slackId,
      'invite dan@example.com:editor erin@example.com:wizard not-an-email:viewer alice@example.com:viewer fay@example.com:partner=acme',
    );
    expect(answer.text).toContain('Nobody was invited');
    expect(answer.text).toContain('erin@example.com — there is no role `wizard`');
    expect(answer.text).toContain('not-an-email — is not a valid e-mail address');
    expect(answer.text).toContain('alice@example.com — is already invited');
    expect(answer.text).toContain('fay@example.com — there is no role `partner`');
    expect(answer.text).not.toContain('dan@example.com —');
    expect(await directoryState(h.roster)).toBe(before);
  });

  it('refuses a product level in the standard catalog and two levels of one product', async () => {
    const answer = await h.slack.commandAndWait(OWNER.slackId, 'invite gus@example.com:crm=editor');
    expect(answer.text).toContain('gus@example.com — there is no role `crm`');
    expect(await h.roster.prisma.user.count({ where: { email: 'gus@example.com' } })).toBe(0);
  });

  it('sends the whole invite for approval when one address would get Admin, and names who gets what', async () => {
    const answer = await h.slack.commandAndWait(OWNER.slackId, 'invite hal@example.com:viewer ida@example.com:admin');
    expect(answer.text).toContain('This needs approval');
    expect(await h.roster.prisma.user.count({ where: { email: { in: ['hal@example.com', 'ida@example.com'] } } })).toBe(0);
    const post = await h.fake.waitFor(() => h.fake.callsTo('chat.postMessage').find((c) => c.args.channel === CHANNEL));
    const summary = JSON.stringify(post.args.blocks);
    expect(summary).toContain('hal@example.com as viewer; ida@example.com as admin');
    const request = await h.roster.prisma.approvalRequest.findFirstOrThrow({ where: { status: 'pending' } });
    expect(request.action).toBe('grant-admin');

    await h.slack.viewSubmission('UADA', {
      callbackId: 'approval.modal',
      privateMetadata: JSON.stringify({ id: request.id, approve: true }),
      values: { 'approval.reason': { 'approval.reason': { type: 'plain_text_input', value: '' } } },
    });
    await h.fake.waitFor(() => h.fake.callsTo('chat.update').length > 0);
    expect(await held(h, 'ida@example.com')).toMatchObject({ roles: ['admin'] });
    expect(await held(h, 'hal@example.com')).toMatchObject({ roles: ['viewer'] });
  });

  it('invites without approval when no address gets Admin', async () => {
    const answer = await h.slack.commandAndWait(OWNER.slackId, 'invite jo@example.com:editor --role viewer');
    expect(answer.text).toContain('Invited jo@example.com');
  });

  it('takes rows with their own role and groups in the modal; a bad row comes back on the field', async () => {
    await h.slack.command(OWNER.slackId, 'invite');
    const view = await h.fake.waitFor(() =>
      h.fake
        .callsTo('views.open')
        .map((c) => c.args.view as View)
        .filter((v) => v.callback_id === 'invite.modal')
        .at(-1),
    );
    expect(JSON.stringify(view.blocks)).toContain('ann@example.com:editor | Sales, Ops');
    const submit = (people: string) =>
      h.slack.viewSubmission(OWNER.slackId, {
        callbackId: 'invite.modal',
        privateMetadata: view.private_metadata,
        values: {
          'invite.emails': { 'invite.emails': input(people) },
          'invite.role': { 'invite.role': select('viewer') },
          'invite.groups': { 'invite.groups': multi('Default') },
        },
      });
    const before = await directoryState(h.roster);
    const bad = await submit('kim@example.com:editor | Sales\nlee@example.com | Nowhere');
    expect(bad.json?.response_action).toBe('errors');
    expect(JSON.stringify(bad.json)).toContain('lee@example.com there is no group `Nowhere`');
    expect(await directoryState(h.roster)).toBe(before);

    const good = await submit('kim@example.com:editor | Sales, field ops\nlee@example.com | \nmay@example.com, ned@example.com');
    expect(good.status).toBe(200);
    await h.fake.waitFor(() =>
      h.fake.callsTo('chat.postEphemeral').find((c) => String(c.args.text).includes('Invited 4 people')),
    );
    expect(await held(h, 'kim@example.com')).toEqual({ status: 'invited', roles: ['editor'], groups: ['Field Ops', 'Sales'] });
    expect(await held(h, 'lee@example.com')).toEqual({ status: 'invited', roles: ['viewer'], groups: [] });
    expect(await held(h, 'may@example.com')).toEqual({ status: 'invited', roles: ['viewer'], groups: ['Default'] });
    expect(await held(h, 'ned@example.com')).toEqual({ status: 'invited', roles: ['viewer'], groups: ['Default'] });
  });
});

describe.each(testTargets())('per-address product levels (%s store)', (target) => {
  let h: ListenerHarness;
  beforeAll(async () => {
    h = await startListenerHarness(target, { ROSTER_CONFIG: 'config/presets/products.yaml' });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('gives each address its own levels; an address with none or two levels of one product is refused', async () => {
    const bad = await h.slack.commandAndWait(
      OWNER.slackId,
      'invite ann@example.com:crm=editor bo@example.com:crm=none cy@example.com:crm=viewer+crm=editor',
    );
    expect(bad.text).toContain('Nobody was invited');
    expect(bad.text).toContain('bo@example.com — needs a role or a product level');
    expect(bad.text).toContain('cy@example.com — gives two levels of `crm`');
    expect(await h.roster.prisma.user.count({ where: { status: 'invited' } })).toBe(0);

    const good = await h.slack.commandAndWait(
      OWNER.slackId,
      'invite ann@example.com:crm=editor+analytics=none bo@example.com:analytics=viewer --product crm=viewer',
    );
    expect(good.text).toContain('Invited 2 people');
    expect((await held(h, 'ann@example.com')).roles).toEqual(['crm-editor']);
    expect((await held(h, 'bo@example.com')).roles).toEqual(['analytics-viewer']);
  });
});
