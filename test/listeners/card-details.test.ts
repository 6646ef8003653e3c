import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APPROVALS_CHANNEL } from '../support/approvals';
import { type ListenerHarness, OWNER, startListenerHarness } from '../support/listener-harness';
import { seedUser } from '../support/seed';
import { testTargets } from '../support/test-database';

type View = { callback_id: string; private_metadata: string; blocks: unknown[] };
type Values = Record<string, Record<string, unknown>>;
const input = (value: string) => ({ type: 'plain_text_input', value });
const select = (value: string) => ({ type: 'static_select', selected_option: { value } });
const multi = (...values: string[]) => ({ type: 'multi_static_select', selected_options: values.map((value) => ({ value })) });
const people = (...ids: string[]) => ({ type: 'multi_users_select', selected_users: ids });
/** Polls an async check until it holds (the app works after acknowledging). */
async function eventually(check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe.each(testTargets())('the user card edits what the details pages edit (%s store)', (target) => {
  let h: ListenerHarness;
  const opened = (callbackId: string) =>
    h.fake.waitFor(() =>
      h.fake
        .callsTo('views.open')
        .map((c) => c.args.view as View)
        .filter((v) => v.callback_id === callbackId)
        .at(-1),
    );
  /** Clicks a card button and returns the modal it opened. */
  async function open(actionId: string, email: string, callbackId: string, slackUserId = OWNER.slackId): Promise<View> {
    const before = h.fake.callsTo('views.open').length;
    await h.slack.blockAction(slackUserId, { actionId, value: email });
    await h.fake.waitFor(() => h.fake.callsTo('views.open').length > before);
    return opened(callbackId);
  }
  const submit = (view: View, values: Values) =>
    h.slack.viewSubmission(OWNER.slackId, { callbackId: view.callback_id, privateMetadata: view.private_metadata, values });
  const told = (text: string) =>
    h.fake.waitFor(() => h.fake.callsTo('chat.postEphemeral').find((c) => String(c.args.text).includes(text)));
  const user = (email: string) =>
    h.roster.prisma.user.findFirstOrThrow({
      where: { email },
      include: { groups: { include: { group: true } }, properties: true },
    });
  const audited = (action: string, email: string) =>
    h.roster.prisma.auditEvent.findFirst({ where: { action, targetEmail: email }, orderBy: { at: 'desc' } });

  beforeAll(async () => {
    h = await startListenerHarness(target, { APPROVALS_CHANNEL });
    await seedUser(h.roster, { email: 'ada@example.com', roles: ['admin'], slackUserId: 'UADA' });
    h.fake.addUser({ id: 'UADA', email: 'ada@example.com' });
    await seedUser(h.roster, { email: 'mo@example.com', roles: ['viewer'], slackUserId: 'UMO' });
    await seedUser(h.roster, { email: 'zed@example.com', roles: ['viewer'], slackUserId: 'UZED' });
    await seedUser(h.roster, { email: 'ann@example.com', roles: ['viewer'] });
    await seedUser(h.roster, { email: 'rex@example.com', roles: ['viewer'], status: 'revoked' });
    await h.slack.commandAndWait(OWNER.slackId, 'group create Ops');
    await h.slack.commandAndWait(OWNER.slackId, 'group create Sales');
  });
  afterAll(async () => {
    await h?.close();
  });

  it('shows the detail buttons a status allows', async () => {
    const active = JSON.stringify((await h.slack.commandAndWait(OWNER.slackId, 'show mo@example.com')).blocks);
    for (const id of ['card.groups', 'card.props', 'card.perms', 'card.signin-google']) expect(active).toContain(id);
    expect(active).not.toContain('card.signin-password');
    expect(active).not.toContain('card.passcode-reset');
    const revoked = JSON.stringify((await h.slack.commandAndWait(OWNER.slackId, 'show rex@example.com')).blocks);
    expect(revoked).not.toContain('card.groups');
    expect(revoked).not.toContain('card.signin-google');
    expect(h.fake.rejected).toEqual([]);
  });

  it('adds to and removes from groups; nothing chosen, or a group gone since, comes back on the field', async () => {
    const view = await open('card.groups', 'mo@example.com', 'card-groups.modal');
    expect(JSON.stringify(view.blocks)).toContain('Sales');
    const empty = await submit(view, {});
    expect(empty.json).toEqual({ response_action: 'errors', errors: { 'card-groups.add': 'Choose groups to add or remove.' } });
    await h.slack.commandAndWait(OWNER.slackId, 'group create Gone');
    const stale = await open('card.groups', 'mo@example.com', 'card-groups.modal');
    await h.slack.commandAndWait(OWNER.slackId, 'group delete Gone');
    const gone = await submit(stale, { 'card-groups.add': { 'card-groups.add': multi('Gone') } });
    expect(JSON.stringify(gone.json)).toContain('card-groups.add');
    expect(JSON.stringify(gone.json)).toContain('Gone');
    await submit(view, { 'card-groups.add': { 'card-groups.add': multi('Ops', 'Sales') } });
    await told('Groups of mo@example.com changed.');
    expect((await user('mo@example.com')).groups.map((g) => g.group.name).sort()).toEqual(['Ops', 'Sales']);
    const leave = await open('card.groups', 'mo@example.com', 'card-groups.modal');
    await submit(leave, { 'card-groups.remove': { 'card-groups.remove': multi('Sales') } });
    await eventually(async () => (await user('mo@example.com')).groups.length === 1);
    expect((await audited('user.groups-changed', 'mo@example.com'))?.source).toBe('modal');
  });

  it('sets and removes properties; a bad line comes back on the field, naming it', async () => {
    const view = await open('card.props', 'mo@example.com', 'card-props.modal');
    const bad = await submit(view, { 'card-props.set': { 'card-props.set': input('team=Platform\nnot a pair') } });
    expect(bad.json?.response_action).toBe('errors');
    expect(JSON.stringify(bad.json)).toContain('card-props.set');
    expect(JSON.stringify(bad.json)).toContain('Line 2');
    expect((await user('mo@example.com')).properties).toEqual([]);
    await submit(view, { 'card-props.set': { 'card-props.set': input('team=Platform\n\nLevel = 3') } });
    await told('Properties of mo@example.com changed.');
    const props = (await user('mo@example.com')).properties.map((p) => `${p.key}=${p.value}`).sort();
    expect(props).toEqual(['level=3', 'team=Platform']);
    const again = await open('card.props', 'mo@example.com', 'card-props.modal');
    expect(JSON.stringify(again.blocks)).toContain('Platform');
    await submit(again, { 'card-props.remove': { 'card-props.remove': multi('level') } });
    await eventually(async () => (await user('mo@example.com')).properties.length === 1);
    expect(await audited('user.properties-changed', 'mo@example.com')).toBeTruthy();
  });

  it('grants extra permissions; one of Roster itself waits for approval; one not grantable comes back on the field', async () => {
    const view = await open('card.perms', 'mo@example.com', 'card-perms.modal');
    expect(JSON.stringify(view.blocks)).toContain('content:publish');
    const refused = await submit(view, { 'card-perms.add': { 'card-perms.add': multi('audit:view') } });
    expect(refused.json?.response_action).toBe('errors');
    expect(JSON.stringify(refused.json)).toContain('audit:view');
    await submit(view, { 'card-perms.add': { 'card-perms.add': multi('content:publish') } });
    await told('Extra permissions of mo@example.com: content:publish.');
    expect(await audited('user.perms-changed', 'mo@example.com')).toBeTruthy();
    await submit(view, { 'card-perms.add': { 'card-perms.add': multi('users:view') } });
    await told('This needs approval');
    expect((await user('mo@example.com')).extraPermissions).toEqual(['content:publish']);
    const request = await h.roster.prisma.approvalRequest.findFirstOrThrow({ where: { status: 'pending' } });
    expect(request.summary).toContain('users:view');
  });

  it('takes typed permission keys from an admin who may change permissions but not read the catalog', async () => {
    await seedUser(h.roster, {
      email: 'rol@example.com',
      roles: ['viewer'],
      slackUserId: 'UROL',
      extraPermissions: ['roles:manage', 'users:view'],
    });
    const view = await open('card.perms', 'ann@example.com', 'card-perms.modal', 'UROL');
    expect(JSON.stringify(view.blocks)).toContain('plain_text_input');
    await h.slack.viewSubmission('UROL', {
      callbackId: 'card-perms.modal',
      privateMetadata: view.private_metadata,
      values: { 'card-perms.add': { 'card-perms.add': input('content:publish, content:write') } },
    });
    await eventually(async () => (await user('ann@example.com')).extraPermissions.length === 2);
    expect((await audited('user.perms-changed', 'ann@example.com'))?.actorEmail).toBe('rol@example.com');
  });

  it('switches the sign-in method both ways and resets a passcode, from the card', async () => {
    const google = await h.slack.blockActionAndWait(OWNER.slackId, { actionId: 'card.signin-google', value: 'zed@example.com' });
    expect(google.text).toContain('zed@example.com now signs in with Google');
    expect(JSON.stringify(google.blocks)).toContain('card.signin-password');
    expect((await user('zed@example.com')).signInMethod).toBe('google');
    const back = await h.slack.blockActionAndWait(OWNER.slackId, { actionId: 'card.signin-password', value: 'zed@example.com' });
    expect(back.text).toContain('now signs in with a password');
    expect((await user('zed@example.com')).signInMethod).toBe('password');
    expect(await audited('user.signin-changed', 'zed@example.com')).toBeTruthy();
    const twice = await h.slack.blockActionAndWait(OWNER.slackId, { actionId: 'card.signin-password', value: 'zed@example.com' });
    expect(twice.text).toContain('already signs in with a password');

    await h.slack.commandAndWait(OWNER.slackId, 'passcode grant zed@example.com 7d');
    const card = JSON.stringify((await h.slack.commandAndWait(OWNER.slackId, 'show zed@example.com')).blocks);
    expect(card).toContain('card.passcode-reset');
    const first = await h.roster.prisma.passcode.findFirstOrThrow({ where: { user: { email: 'zed@example.com' } } });
    const reset = await h.slack.blockActionAndWait(OWNER.slackId, { actionId: 'card.passcode-reset', value: 'zed@example.com' });
    expect(reset.text).toContain('Any previous passcode no longer works');
    expect(await audited('passcode.reset', 'zed@example.com')).toBeTruthy();
    const now = await h.roster.prisma.passcode.findFirstOrThrow({ where: { user: { email: 'zed@example.com' } } });
    expect(now.codeHash).not.toBe(first.codeHash);
  });

  it('opens a detail modal only for an admin holding what the change takes', async () => {
    const refused = await h.slack.blockActionAndWait('UMO', { actionId: 'card.groups', value: 'zed@example.com' });
    expect(refused.text).toContain('`groups:manage`');
    const props = await h.slack.blockActionAndWait('UMO', { actionId: 'card.props', value: 'zed@example.com' });
    expect(props.text).toContain('`users:manage`');
  });

  it('stays within Block Kit limits with 130 groups and 50 long properties', async () => {
    const many = await seedUser(h.roster, { email: 'many@example.com', roles: ['viewer'] });
    await h.roster.prisma.group.createMany({
      data: Array.from({ length: 130 }, (_, i) => ({
        accountId: h.roster.accountId,
        name: `Team ${String(i).padStart(3, '0')}`,
      })),
    });
    const teams = await h.roster.prisma.group.findMany({ where: { name: { startsWith: 'Team' } } });
    await h.roster.prisma.groupMembership.createMany({
      data: teams.slice(0, 120).map((g) => ({ userId: many.id, groupId: g.id })),
    });
    await h.roster.prisma.userProperty.createMany({
      data: Array.from({ length: 50 }, (_, i) => ({ userId: many.id, key: `k${i}`, value: `${'v & w '.repeat(80)}${i}` })),
    });
    const card = await h.slack.commandAndWait(OWNER.slackId, 'show many@example.com');
    expect(JSON.stringify(card.blocks)).toContain('card.groups');
    const groups = await open('card.groups', 'many@example.com', 'card-groups.modal');
    expect(JSON.stringify(groups.blocks)).toContain('option_groups');
    await open('card.props', 'many@example.com', 'card-props.modal');
    await open('card.perms', 'many@example.com', 'card-perms.modal');
    const list = await h.slack.commandAndWait(OWNER.slackId, 'group list');
    expect(JSON.stringify(list.blocks)).toContain('Team 129');
    await open('group.add-members', '', 'group-members.modal');
    expect(h.fake.rejected).toEqual([]);
  });

  it('adds several people to a group at once from the group modal', async () => {
    const list = await h.slack.commandAndWait(OWNER.slackId, 'group list');
    expect(JSON.stringify(list.blocks)).toContain('group.add-members');
    const view = await open('group.add-members', '', 'group-members.modal');
    const nobody = await submit(view, { 'group-members.group': { 'group-members.group': select('Sales') } });
    expect(nobody.json).toEqual({
      response_action: 'errors',
      errors: { 'group-members.emails': 'Choose people or give their e-mail addresses.' },
    });
    const stranger = await submit(view, {
      'group-members.group': { 'group-members.group': select('Sales') },
      'group-members.users': { 'group-members.users': people('UMO', 'UNOBODY') },
    });
    expect(JSON.stringify(stranger.json)).toContain('group-members.users');
    expect(JSON.stringify(stranger.json)).toContain('UNOBODY');
    const missing = await submit(view, {
      'group-members.group': { 'group-members.group': select('Sales') },
      'group-members.emails': { 'group-members.emails': input('ann@example.com ghost@example.com') },
    });
    expect(JSON.stringify(missing.json)).toContain('Not in the directory: ghost@example.com');
    await submit(view, {
      'group-members.group': { 'group-members.group': select('Sales') },
      'group-members.users': { 'group-members.users': people('UMO', 'UZED') },
      'group-members.emails': { 'group-members.emails': input('ann@example.com,\nzed@example.com') },
    });
    const done = await told('Added to Sales');
    expect(String(done.args.text)).toContain('mo@example.com, zed@example.com, ann@example.com');
    const sales = await h.roster.prisma.groupMembership.count({ where: { group: { name: 'Sales' } } });
    expect(sales).toBe(3);
    const trail = await h.roster.prisma.auditEvent.findFirstOrThrow({ where: { action: 'group.members-changed' } });
    expect(JSON.stringify(trail.after)).toContain('ann@example.com');
    expect(h.fake.rejected).toEqual([]);
  });
});
