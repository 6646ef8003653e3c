import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ListenerHarness, OWNER, startListenerHarness } from '../support/listener-harness';
import { directoryState, seedUser } from '../support/seed';
import { testTargets } from '../support/test-database';

type View = { callback_id: string; private_metadata: string; blocks: unknown[] };
const input = (value: string) => ({ type: 'plain_text_input', value });
const select = (value: string) => ({ type: 'static_select', selected_option: { value } });
const multi = (...values: string[]) => ({ type: 'multi_static_select', selected_options: values.map((value) => ({ value })) });

describe.each(testTargets())('partners from a list (%s store)', (target) => {
  let h: ListenerHarness;
  const ask = async (text: string, user = OWNER.slackId) => String((await h.slack.commandAndWait(user, text)).text);
  const scopes = async (email: string) =>
    (
      await h.roster.prisma.userRole.findMany({
        where: { user: { email } },
        include: { role: true },
      })
    )
      .map((r) => (r.scope ? `${r.role.key}=${r.scope}` : r.role.key))
      .sort();
  const openInviteModal = async () => {
    const opened = h.fake.callsTo('views.open').length;
    await h.slack.command(OWNER.slackId, 'invite');
    return h.fake.waitFor(() =>
      h.fake
        .callsTo('views.open')
        .slice(opened)
        .map((c) => c.args.view as View)
        .find((v) => v.callback_id === 'invite.modal'),
    );
  };

  beforeAll(async () => {
    h = await startListenerHarness(target, { ROSTER_CONFIG: 'config/presets/partners.yaml' });
    await seedUser(h.roster, { email: 'ada@example.com', roles: ['admin'], slackUserId: 'UADA' });
    await seedUser(h.roster, { email: 'nora@example.com', roles: ['normal'], slackUserId: 'UNORA' });
    h.fake.addUser({ id: 'UADA', email: 'ada@example.com' });
    h.fake.addUser({ id: 'UNORA', email: 'nora@example.com' });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('starts with no partners, and the invite modal says how to add one', async () => {
    expect(await ask('partner list')).toContain('No partners yet');
    expect(JSON.stringify((await openInviteModal()).blocks)).toContain('/users partner add');
  });

  it('adds partners (audited), refuses the same name in any case, and lists them', async () => {
    expect(await ask('partner add Acme')).toContain('Added the partner Acme');
    expect(await ask('partner add "Globex Corp"')).toContain('Added the partner Globex Corp');
    expect(await ask('partner add ACME')).toContain('The partner Acme already exists');
    expect(await ask('partner add')).toContain(
      'Usage: `/users partner list | add <name> | rename <old> <new> | delete <name> [--reassign <partner>]`',
    );
    expect(await ask('partner remove Acme')).toContain('Say `list`, `add`, `rename` or `delete`');
    const list = await ask('partner list');
    expect(list).toContain('Acme — 0 users');
    expect(list).toContain('Globex Corp — 0 users');
    const audit = await h.roster.prisma.auditEvent.findMany({ where: { action: 'partner.added' } });
    expect(audit.map((a) => (a.after as { name: string }).name).sort()).toEqual(['Acme', 'Globex Corp']);
    expect(audit[0]?.actorEmail).toBe(OWNER.email);
  });

  it('needs roles:manage to give a partner scope in an invite, as for any role but the default', async () => {
    await seedUser(h.roster, {
      email: 'mgr@example.com',
      roles: ['normal'],
      extraPermissions: ['users:manage'],
      slackUserId: 'UMGR',
    });
    h.fake.addUser({ id: 'UMGR', email: 'mgr@example.com' });
    expect(await ask('invite scoped@example.com --partner Acme', 'UMGR')).toContain('`roles:manage`');
    expect(await h.roster.prisma.user.count({ where: { email: 'scoped@example.com' } })).toBe(0);
  });

  it('lets only Admins add a partner', async () => {
    expect(await ask('partner add Initech', 'UNORA')).toContain('You need the `roles:manage` permission');
    expect(await h.roster.prisma.partner.count({ where: { nameKey: 'initech' } })).toBe(0);
  });

  it('keeps one partner when two admins add the same name at once', async () => {
    const answers = await Promise.all([ask('partner add Initech'), ask('partner add initech', 'UADA')]);
    expect(answers.filter((a) => a.includes('Added the partner')).length).toBe(1);
    expect(answers.filter((a) => a.includes('already exists')).length).toBe(1);
    expect(await h.roster.prisma.partner.count({ where: { nameKey: 'initech' } })).toBe(1);
  });

  it('refuses an unknown partner by name with how to add it, in commands and invites, and writes nothing', async () => {
    const before = await directoryState(h.roster);
    expect(await ask('invite pat@example.com --role partner=Hooli')).toContain(
      'There is no partner `Hooli`. An Admin adds it with `/users partner add Hooli`',
    );
    expect(await ask('invite pat@example.com --role partner --partner Hooli')).toContain('There is no partner `Hooli`');
    const rows = await ask('invite pat@example.com:partner=Hooli quinn@example.com:normal');
    expect(rows).toContain('Nobody was invited');
    expect(rows).toContain('pat@example.com — there is no partner `Hooli`');
    expect(await ask('roles nora@example.com +partner=Hooli')).toContain('There is no partner `Hooli`');
    expect(await directoryState(h.roster)).toBe(before);
  });

  it('gives a Partner one partner, in the partner list spelling; a Normal user may hold several', async () => {
    expect(await ask('partner add Umbrella')).toContain('Added the partner Umbrella');
    expect(await ask('invite pat@example.com --role partner=acme')).toContain('Invited pat@example.com');
    expect(await scopes('pat@example.com')).toEqual(['partner=Acme']);
    expect(await ask('invite two@example.com --role partner --partner acme --partner "globex corp"')).toContain(
      '`partner` is limited to one partner',
    );
    expect(await ask('invite sam@example.com --role normal --partner acme --partner "globex corp"')).toContain(
      'Invited sam@example.com',
    );
    expect(await scopes('sam@example.com')).toEqual(['normal', 'partner=Acme', 'partner=Globex Corp']);
    expect(await ask('invite tia@example.com:normal+partner=umbrella+partner=acme')).toContain('Invited tia@example.com');
    expect(await scopes('tia@example.com')).toEqual(['normal', 'partner=Acme', 'partner=Umbrella']);

    await ask('roles nora@example.com +partner=acme +partner=umbrella');
    expect(await scopes('nora@example.com')).toEqual(['normal', 'partner=Acme', 'partner=Umbrella']);
    await ask('roles nora@example.com -partner=umbrella');
    expect(await scopes('nora@example.com')).toEqual(['normal', 'partner=Acme']);
    // Without the general role, a Partner covers one partner: a second scope replaces the first.
    await ask('roles pat@example.com +partner=umbrella');
    expect(await scopes('pat@example.com')).toEqual(['partner=Umbrella']);
    expect(await ask('roles sam@example.com -normal')).toContain('`partner` is limited to one partner');
    expect(await ask('partner list')).toContain('Acme — 3 users');
  });

  it('keeps every partner a Normal user holds when the roles modal is saved unchanged, and changes them by the list', async () => {
    const opened = h.fake.callsTo('views.open').length;
    await h.slack.blockAction(OWNER.slackId, { actionId: 'card.roles', value: 'sam@example.com' });
    const view = await h.fake.waitFor(() =>
      h.fake
        .callsTo('views.open')
        .slice(opened)
        .map((c) => c.args.view as { callback_id: string; private_metadata: string; blocks: unknown[] })
        .find((v) => v.callback_id === 'roles.modal'),
    );
    expect(JSON.stringify(view.blocks)).toContain('"initial_value":"Acme, Globex Corp"');
    const save = async (scopesText: string) => {
      await h.slack.viewSubmission(OWNER.slackId, {
        callbackId: 'roles.modal',
        privateMetadata: view.private_metadata,
        values: {
          'roles.general': { 'roles.general': multi('normal', 'partner') },
          'roles.scope': { 'roles.scope': input(scopesText) },
        },
      });
    };
    await save('Acme, Globex Corp');
    expect(await scopes('sam@example.com')).toEqual(['normal', 'partner=Acme', 'partner=Globex Corp']);
    await save('acme');
    expect(await scopes('sam@example.com')).toEqual(['normal', 'partner=Acme']);
  });

  it('offers the partners in the invite modal and invites with them', async () => {
    const view = await openInviteModal();
    const blocks = JSON.stringify(view.blocks);
    expect(blocks).toContain('invite.partners');
    expect(blocks).toContain('Globex Corp');
    const submit = (values: Record<string, Record<string, unknown>>) =>
      h.slack.viewSubmission(OWNER.slackId, { callbackId: 'invite.modal', privateMetadata: view.private_metadata, values });

    const two = await submit({
      'invite.emails': { 'invite.emails': input('uma@example.com') },
      'invite.role': { 'invite.role': select('partner') },
      'invite.partners': { 'invite.partners': multi('Acme', 'Globex Corp') },
    });
    expect(two.json?.response_action).toBe('errors');
    expect(JSON.stringify(two.json)).toContain('invite.partners');
    expect(JSON.stringify(two.json)).toContain('limited to one partner');
    expect(await h.roster.prisma.user.count({ where: { email: 'uma@example.com' } })).toBe(0);

    await submit({
      'invite.emails': { 'invite.emails': input('uma@example.com\nvic@example.com:normal') },
      'invite.role': { 'invite.role': select('partner') },
      'invite.partners': { 'invite.partners': multi('Globex Corp') },
    });
    await h.fake.waitFor(() =>
      h.fake.callsTo('chat.postEphemeral').find((c) => String(c.args.text).includes('Invited 2 people')),
    );
    expect(await scopes('uma@example.com')).toEqual(['partner=Globex Corp']);
    expect(await scopes('vic@example.com')).toEqual(['normal']);
  });
});
