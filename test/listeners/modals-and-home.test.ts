import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ListenerHarness, OWNER, startListenerHarness } from '../support/listener-harness';
import { seedUser } from '../support/seed';

type View = { callback_id: string; private_metadata: string; blocks: unknown[] };
const input = (value: string) => ({ type: 'plain_text_input', value });
const select = (value: string) => ({ type: 'static_select', selected_option: { value } });
const multi = (...values: string[]) => ({ type: 'multi_static_select', selected_options: values.map((value) => ({ value })) });

describe('modals and App Home (embedded store)', () => {
  let h: ListenerHarness;
  const lastView = (callbackId: string) =>
    h.fake.waitFor(() =>
      h.fake
        .callsTo('views.open')
        .map((c) => c.args.view as View)
        .filter((v) => v.callback_id === callbackId)
        .at(-1),
    );
  const submit = (callbackId: string, view: View, values: Record<string, Record<string, unknown>>, user = OWNER.slackId) =>
    h.slack.viewSubmission(user, { callbackId, privateMetadata: view.private_metadata, values });

  beforeAll(async () => {
    h = await startListenerHarness('embedded');
    await seedUser(h.roster, { email: 'mo@example.com', roles: ['viewer'], slackUserId: 'UMO' });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('publishes App Home with seats, the last-Admin warning and quick actions', async () => {
    expect((await h.slack.event({ type: 'app_home_opened', user: OWNER.slackId, tab: 'home', channel: 'D1' })).status).toBe(200);
    const publish = await h.fake.waitFor(() => h.fake.callsTo('views.publish').at(-1));
    const text = JSON.stringify(publish.args.view);
    expect(publish.args.user_id).toBe(OWNER.slackId);
    expect(text).toContain('2 / 25');
    expect(text).toContain('Only one active Admin is left');
    expect(text).toContain('help.invite');
    await h.slack.event({ type: 'app_home_opened', user: 'UNOBODY', tab: 'home', channel: 'D2' });
    const stranger = await h.fake.waitFor(() => h.fake.callsTo('views.publish').find((c) => c.args.user_id === 'UNOBODY'));
    expect(JSON.stringify(stranger.args.view)).toContain('not in this account');
  });

  it('invites through the modal; a bad address comes back on the field', async () => {
    await h.slack.command(OWNER.slackId, 'invite');
    const view = await lastView('invite.modal');
    const bad = await submit('invite.modal', view, {
      'invite.emails': { 'invite.emails': input('ok@example.com\nnope') },
      'invite.role': { 'invite.role': select('editor') },
    });
    expect(bad.json?.response_action).toBe('errors');
    expect(JSON.stringify(bad.json)).toContain('nope is not a valid e-mail address');
    expect(await h.roster.prisma.user.count({ where: { email: 'ok@example.com' } })).toBe(0);
    const good = await submit('invite.modal', view, {
      'invite.emails': { 'invite.emails': input('ok@example.com, ok2@example.com') },
      'invite.role': { 'invite.role': select('editor') },
      'invite.groups': { 'invite.groups': multi('Default') },
      'invite.note': { 'invite.note': input('Hello!') },
    });
    expect(good.status).toBe(200);
    const told = await h.fake.waitFor(() =>
      h.fake.callsTo('chat.postEphemeral').find((c) => String(c.args.text).includes('Invited 2 people')),
    );
    expect(told.args.user).toBe(OWNER.slackId);
    expect(
      await h.roster.prisma.user.count({ where: { email: { in: ['ok@example.com', 'ok2@example.com'] }, status: 'invited' } }),
    ).toBe(2);
    const home = await h.fake.waitFor(() =>
      h.fake
        .callsTo('views.publish')
        .filter((c) => JSON.stringify(c.args.view).includes('4 / 25'))
        .at(-1),
    );
    expect(home).toBeTruthy();
  });

  it('edits and changes roles through the card buttons and their modals', async () => {
    await h.slack.blockAction(OWNER.slackId, { actionId: 'card.edit', value: 'mo@example.com' });
    const edit = await lastView('edit.modal');
    await submit('edit.modal', edit, { 'edit.name': { 'edit.name': input('Mo Salah') } });
    await h.fake.waitFor(() =>
      h.fake.callsTo('chat.postEphemeral').find((c) => String(c.args.text).includes('Updated mo@example.com')),
    );
    await h.slack.blockAction(OWNER.slackId, { actionId: 'card.roles', value: 'mo@example.com' });
    const roles = await lastView('roles.modal');
    await submit('roles.modal', roles, { 'roles.general': { 'roles.general': select('contributor') } });
    await h.fake.waitFor(() =>
      h.fake.callsTo('chat.postEphemeral').find((c) => String(c.args.text).includes('Roles of mo@example.com saved')),
    );
    const mo = await h.roster.prisma.user.findFirstOrThrow({
      where: { email: 'mo@example.com' },
      include: { roles: { include: { role: true } } },
    });
    expect(mo.name).toBe('Mo Salah');
    expect(mo.roles.map((r) => r.role.key)).toEqual(['contributor']);
  });

  it('bulk roles: pick users, review every change, then save', async () => {
    await h.slack.command(OWNER.slackId, 'roles');
    const pick = await lastView('bulk-roles.modal');
    const bad = await submit('bulk-roles.modal', pick, {
      'bulk.users': { 'bulk.users': input('ghost@example.com') },
      'bulk.assign': { 'bulk.assign': multi('editor') },
    });
    expect(JSON.stringify(bad.json)).toContain('Not in the directory: ghost@example.com');
    const review = await submit('bulk-roles.modal', pick, {
      'bulk.users': { 'bulk.users': input('mo@example.com ok@example.com') },
      'bulk.assign': { 'bulk.assign': multi('editor') },
      'bulk.unassign': { 'bulk.unassign': multi('contributor') },
    });
    expect(review.json?.response_action).toBe('update');
    const reviewView = (review.json as { view: View }).view;
    expect(JSON.stringify(reviewView)).toContain('mo@example.com: contributor → *editor*');
    expect(
      (
        await h.roster.prisma.user.findFirstOrThrow({
          where: { email: 'mo@example.com' },
          include: { roles: { include: { role: true } } },
        })
      ).roles[0]?.role.key,
    ).toBe('contributor');
    await submit('bulk-roles.review', reviewView, {});
    await h.fake.waitFor(() => h.fake.callsTo('chat.postEphemeral').find((c) => String(c.args.text).includes('Saved: roles of')));
    const mo = await h.roster.prisma.user.findFirstOrThrow({
      where: { email: 'mo@example.com' },
      include: { roles: { include: { role: true } } },
    });
    expect(mo.roles.map((r) => r.role.key)).toEqual(['editor']);
  });

  it('grants a passcode from the card through the tenure modal', async () => {
    await h.slack.blockAction(OWNER.slackId, { actionId: 'card.passcode', value: 'mo@example.com' });
    const view = await lastView('passcode.modal');
    // Approvals are off here: no tenure is marked as waiting for one.
    expect(JSON.stringify(view)).not.toContain('needs approval');
    const missing = await submit('passcode.modal', view, {});
    expect(missing.json).toEqual({
      response_action: 'errors',
      errors: { 'passcode.tenure': 'Choose how long the passcode is valid.' },
    });
    await submit('passcode.modal', view, { 'passcode.tenure': { 'passcode.tenure': select('7') } });
    await h.fake.waitFor(() =>
      h.fake.callsTo('chat.postMessage').find((c) => c.args.channel === 'DUMO' && String(c.args.text).includes('rp_')),
    );
    expect((await h.roster.prisma.passcode.findFirstOrThrow({ where: { user: { email: 'mo@example.com' } } })).tenureDays).toBe(
      7,
    );
  });

  it('refuses a view-only viewer in App Home buttons by DM', async () => {
    await h.slack.blockAction('UMO', { actionId: 'help.list', view: { id: 'VHOME' } });
    const dm = await h.fake.waitFor(() =>
      h.fake.callsTo('chat.postMessage').find((c) => c.args.channel === 'DUMO' && String(c.args.text).includes('users:view')),
    );
    expect(dm).toBeTruthy();
  });
});
