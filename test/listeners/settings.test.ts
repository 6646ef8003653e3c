import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ListenerHarness, OWNER, startListenerHarness } from '../support/listener-harness';
import { seedUser } from '../support/seed';
import { testTargets } from '../support/test-database';

type View = { callback_id: string; private_metadata: string; blocks: { block_id?: string; hint?: { text: string } }[] };
const input = (value: string) => ({ type: 'plain_text_input', value });
const select = (value: string) => ({ type: 'static_select', selected_option: { value } });
const conversation = (id: string | null) => ({ type: 'conversations_select', selected_conversation: id });

/** The form as the owner fills it: every field, as Slack sends an input block's state. */
function form(fields: { seats?: string; ttl?: string; approvals?: string | null; notices?: string | null; catalog?: string }) {
  return {
    'settings.seat-limit': { 'settings.seat-limit': input(fields.seats ?? '') },
    'settings.invite-ttl': { 'settings.invite-ttl': input(fields.ttl ?? '') },
    'settings.approvals-channel': { 'settings.approvals-channel': conversation(fields.approvals ?? null) },
    'settings.notices-channel': { 'settings.notices-channel': conversation(fields.notices ?? null) },
    'settings.catalog': { 'settings.catalog': select(fields.catalog ?? 'deployment') },
  };
}

describe.each(testTargets())('account settings from App Home (%s store)', (target) => {
  let h: ListenerHarness;
  const account = () => h.roster.prisma.account.findUniqueOrThrow({ where: { id: h.roster.accountId } });
  const homeOf = (user: string) =>
    h.fake.waitFor(() =>
      h.fake
        .callsTo('views.publish')
        .filter((c) => c.args.user_id === user)
        .at(-1),
    );
  const dmTo = (user: string, text: string) =>
    h.fake.waitFor(() =>
      h.fake.callsTo('chat.postMessage').find((c) => c.args.channel === `D${user}` && String(c.args.text).includes(text)),
    );
  const openSettings = async (): Promise<View> => {
    const opened = h.fake.callsTo('views.open').length;
    const click = await h.slack.blockAction(OWNER.slackId, { actionId: 'home.settings', view: { id: 'VHOME' } });
    expect(click.status).toBe(200);
    const call = await h.fake.waitFor(() => h.fake.callsTo('views.open').slice(opened).at(-1));
    return call.args.view as View;
  };
  const save = (view: View, values: Record<string, Record<string, unknown>>) =>
    h.slack.viewSubmission(OWNER.slackId, { callbackId: 'settings.modal', privateMetadata: view.private_metadata, values });

  beforeAll(async () => {
    h = await startListenerHarness(target);
    await seedUser(h.roster, { email: 'ada@example.com', roles: ['admin'], slackUserId: 'UADA' });
    await seedUser(h.roster, { email: 'vic@example.com', roles: ['viewer'], slackUserId: 'UVIC' });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('App Home names the account and offers Settings to the owner only', async () => {
    await h.slack.event({ type: 'app_home_opened', user: OWNER.slackId, tab: 'home', channel: 'DOWNER' });
    const owner = JSON.stringify((await homeOf(OWNER.slackId)).args.view);
    expect(owner).toContain('home.settings');
    expect(owner).toContain(`Slack workspace \`${h.fake.teamId}\``);
    await h.roster.prisma.account.update({ where: { id: h.roster.accountId }, data: { slug: 'acme' } });
    const published = h.fake.callsTo('views.publish').length;
    await h.slack.blockAction(OWNER.slackId, { actionId: 'home.refresh', view: { id: 'VHOME' } });
    await h.fake.waitFor(() => h.fake.callsTo('views.publish').length > published);
    expect(JSON.stringify((await homeOf(OWNER.slackId)).args.view)).toContain('API sign-in uses account `acme`');

    await h.slack.event({ type: 'app_home_opened', user: 'UADA', tab: 'home', channel: 'DUADA' });
    const admin = JSON.stringify((await homeOf('UADA')).args.view);
    expect(admin).toContain('API sign-in uses account `acme`');
    expect(admin).not.toContain('home.settings');
  });

  it('refuses Settings to anyone but the owner, by DM naming the owner', async () => {
    const opened = h.fake.callsTo('views.open').length;
    await h.slack.blockAction('UADA', { actionId: 'home.settings', view: { id: 'VHOME' } });
    const dm = await dmTo('UADA', 'Only the account owner');
    expect(String(dm.args.text)).toContain('owner@example.com');
    expect(h.fake.callsTo('views.open').length).toBe(opened);
  });

  it('sends bad values back to the field at fault; nothing is saved', async () => {
    const view = await openSettings();
    expect(view.callback_id).toBe('settings.modal');
    const hints = view.blocks.map((b) => b.hint?.text ?? '').join('\n');
    expect(hints).toContain("Now 25. At most 25, the seats of the account's plan; empty: all of them.");
    expect(hints).toContain('Now 48 hours.');
    expect(JSON.stringify(view)).toContain('Deployment default (standard)');

    const cases: [Parameters<typeof form>[0], string, string][] = [
      [{ seats: 'ten' }, 'settings.seat-limit', 'Seat limit must be a whole number'],
      [{ seats: '0' }, 'settings.seat-limit', 'Seat limit must be at least 1'],
      [{ ttl: '0' }, 'settings.invite-ttl', 'more than 0 hours'],
      [{ ttl: '3000' }, 'settings.invite-ttl', 'at most 2160 hours'],
      [{ approvals: 'general' }, 'settings.approvals-channel', 'Approvals channel must be a Slack channel ID'],
      [{ notices: 'UPERSON01' }, 'settings.notices-channel', 'Notices channel must be a Slack channel ID'],
      [{ catalog: 'enterprise' }, 'settings.catalog', 'Role catalog must be one of'],
      // Three seats are in use: the owner, Ada and Vic.
      [{ seats: '2' }, 'settings.seat-limit', '3 seats are in use'],
      // Vic holds Viewer, which the partners catalog does not have.
      [{ catalog: 'partners' }, 'settings.catalog', 'viewer (1)'],
    ];
    for (const [fields, block, message] of cases) {
      const answer = await save(view, form(fields));
      expect(answer.json?.response_action).toBe('errors');
      const errors = answer.json?.errors as Record<string, string>;
      expect(Object.keys(errors)).toEqual([block]);
      expect(errors[block]).toContain(message);
    }
    expect(await account()).toMatchObject({ seatLimit: null, catalogPreset: null, settingsVersion: 1 });
    expect(await h.roster.prisma.auditEvent.count({ where: { action: 'account.settings' } })).toBe(0);
  });

  it('the owner saves: the account changes, is audited, is told, and App Home is refreshed', async () => {
    const view = await openSettings();
    const published = h.fake.callsTo('views.publish').length;
    const answer = await save(view, form({ seats: '15', ttl: '24', approvals: 'C0APPROVALS' }));
    expect(answer.status).toBe(200);
    expect(answer.json).toBeUndefined();
    const told = await dmTo(OWNER.slackId, 'Settings saved');
    expect(String(told.args.text)).toContain('Seat limit: the default → `15`');
    expect(String(told.args.text)).toContain('Approvals channel: the default → <#C0APPROVALS>');
    expect(await account()).toMatchObject({
      seatLimit: 15,
      inviteTtlHours: 24,
      approvalsChannel: 'C0APPROVALS',
      noticesChannel: null,
      catalogPreset: null,
      settingsVersion: 2,
    });
    const audit = await h.roster.prisma.auditEvent.findFirstOrThrow({ where: { action: 'account.settings' } });
    expect(audit).toMatchObject({
      actorEmail: OWNER.email,
      actorSlackId: OWNER.slackId,
      source: 'modal',
      before: { seatLimit: null, inviteTtlHours: null, approvalsChannel: null },
      after: { seatLimit: 15, inviteTtlHours: 24, approvalsChannel: 'C0APPROVALS' },
    });
    await h.fake.waitFor(() =>
      h.fake
        .callsTo('views.publish')
        .slice(published)
        .find((c) => c.args.user_id === OWNER.slackId),
    );

    // The form reopened shows the account's own values, and offers the approvals channel's default back.
    const reopened = await openSettings();
    expect(JSON.stringify(reopened)).toContain('"initial_value":"15"');
    expect(JSON.stringify(reopened)).toContain('"initial_conversation":"C0APPROVALS"');
    expect(JSON.stringify(reopened)).toContain('Approvals: use the deployment default');

    // The first form, saved after that change, is refused rather than overwriting it.
    const stale = await save(view, form({ seats: '20' }));
    expect(stale.json).toBeUndefined();
    await dmTo(OWNER.slackId, 'changed since you opened them');
    expect((await account()).seatLimit).toBe(15);

    await save(reopened, {
      ...form({ seats: '15', ttl: '24', approvals: 'C0APPROVALS' }),
      'settings.channel-defaults': {
        'settings.channel-defaults': { type: 'checkboxes', selected_options: [{ value: 'approvals' }] },
      },
    });
    await dmTo(OWNER.slackId, 'Approvals channel: <#C0APPROVALS> → the default');
    expect(await account()).toMatchObject({ seatLimit: 15, approvalsChannel: null, settingsVersion: 3 });
    // Every view and message Roster sent was one Slack accepts.
    expect(h.fake.rejected).toEqual([]);
  });

  it('takes effect at once: the seat limit, the invite lifetime and the approvals channel the owner set', async () => {
    const used = await h.roster.prisma.user.count({
      where: { accountId: h.roster.accountId, status: { in: ['active', 'invited'] } },
    });
    let view = await openSettings();
    await save(view, form({ seats: String(used + 1), ttl: '6', approvals: 'C0SETAPPRV' }));
    await expect.poll(async () => (await account()).seatLimit).toBe(used + 1);
    const before = h.clock.now().getTime();
    expect((await h.slack.commandAndWait(OWNER.slackId, 'invite tia@example.com')).text).toContain('Invited tia@example.com');
    const invite = await h.roster.prisma.invite.findFirstOrThrow({ where: { user: { email: 'tia@example.com' } } });
    expect(invite.expiresAt.getTime() - before).toBe(6 * 3600_000);
    expect((await h.slack.commandAndWait(OWNER.slackId, 'invite uma@example.com')).text).toMatch(/seat/i);
    expect(await h.roster.prisma.user.count({ where: { email: 'uma@example.com' } })).toBe(0);
    // Making someone an Admin now waits for another approver, in the channel the owner chose.
    expect((await h.slack.commandAndWait(OWNER.slackId, 'roles vic@example.com +admin')).text).toMatch(/approv/i);
    await h.fake.waitFor(() => h.fake.callsTo('chat.postMessage').find((c) => c.args.channel === 'C0SETAPPRV'));

    view = await openSettings();
    await save(view, form({ seats: '15' }));
    await expect.poll(async () => (await account()).seatLimit).toBe(15);
    expect((await h.slack.commandAndWait(OWNER.slackId, 'invite uma@example.com')).text).toContain('Invited uma@example.com');
  });
});
