/**
 * Partner access end to end (issue 22, item 1), for each store: partners granted from Slack to a
 * Normal user come back from `/api/v1/login` and `/api/v1/auth/verify` as `partners`, with roles
 * [normal] and nothing overridden; a Partner user sees one partner; Admin sees all. Partners are
 * renamed and deleted from Slack (refused while held, naming the holders, or with `--reassign`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/domain/secrets';
import { type ListenerHarness, OWNER, startListenerHarness } from '../support/listener-harness';
import { directoryState, seedUser } from '../support/seed';
import { testTargets } from '../support/test-database';
import { postJson } from '../support/web-client';

const PASSWORD = 'a long enough passphrase';

describe.each(testTargets())('partner access (%s store)', (target) => {
  let h: ListenerHarness;
  const ask = async (text: string, user = OWNER.slackId) => String((await h.slack.commandAndWait(user, text)).text);
  const login = async (email: string) =>
    (await postJson(`${h.baseUrl}/api/v1/login`, { email, password: PASSWORD }, {}, h.fetch)).json;
  const scopes = async (email: string) =>
    (await h.roster.prisma.userRole.findMany({ where: { user: { email } }, include: { role: true } }))
      .map((r) => (r.scope ? `${r.role.key}=${r.scope}` : r.role.key))
      .sort();
  /** Issues an API key for a user with a Slack ID and returns it, as the holder's DM shows it. */
  const apiKeyOf = async (email: string, slackUserId: string) => {
    await h.slack.commandAndWait(OWNER.slackId, `apikey ${email}`);
    const dm = await h.fake.waitFor(() =>
      h.fake
        .callsTo('chat.postMessage')
        .filter((c) => c.args.channel === `D${slackUserId}` && String(c.args.text).includes('rk_'))
        .at(-1),
    );
    return (/(rk_[A-Za-z0-9_-]+)/.exec(String(dm.args.text)) as RegExpExecArray)[1] as string;
  };

  beforeAll(async () => {
    h = await startListenerHarness(target, { ROSTER_CONFIG: 'config/presets/partners.yaml' });
    const passwordHash = await hashPassword(PASSWORD);
    for (const [email, roles, slackUserId] of [
      ['nora@example.com', ['normal'], 'UNORA'],
      ['pat@example.com', ['normal'], 'UPAT'],
      ['ada@example.com', ['admin'], 'UADA'],
    ] as const) {
      const user = await seedUser(h.roster, { email, roles: [...roles], slackUserId });
      await h.roster.prisma.user.update({ where: { id: user.id }, data: { passwordHash } });
      h.fake.addUser({ id: slackUserId, email });
    }
    for (const name of ['Acme', 'Globex', 'Initech']) expect(await ask(`partner add ${name}`)).toContain('Added the partner');
  });
  afterAll(async () => {
    await h?.close();
  });

  it('a Normal user granted Acme and Globex: login and verify answer roles [normal] and partners [Acme, Globex]', async () => {
    expect(await login('nora@example.com')).toMatchObject({ roles: [{ key: 'normal', scope: null }], partners: [] });
    await ask('roles nora@example.com +partner=acme +partner=globex');
    const answer = await login('nora@example.com');
    expect(answer.roles).toEqual([{ key: 'normal', scope: null }]);
    expect(answer.overriddenRoles).toEqual([]);
    expect(answer.partners).toEqual(['Acme', 'Globex']);
    const verified = await postJson(
      `${h.baseUrl}/api/v1/auth/verify`,
      { apiKey: await apiKeyOf('nora@example.com', 'UNORA') },
      {},
      h.fetch,
    );
    expect(verified.status).toBe(200);
    expect(verified.json).toMatchObject({
      roles: [{ key: 'normal', scope: null }],
      overriddenRoles: [],
      partners: ['Acme', 'Globex'],
    });
    // The card shows the partners in force, not as overridden.
    const card = JSON.stringify((await h.slack.commandAndWait(OWNER.slackId, 'show nora@example.com')).blocks);
    expect(card).toContain('Partner (Acme)');
    expect(card).not.toContain('overridden');
  });

  it('a Partner user sees one partner; Admin sees every partner and has the three extra permissions', async () => {
    expect(await ask('roles pat@example.com +partner=initech -normal')).not.toContain('limited');
    expect(await login('pat@example.com')).toMatchObject({
      roles: [{ key: 'partner', scope: 'Initech' }],
      overriddenRoles: [],
      partners: ['Initech'],
    });
    const admin = await login('ada@example.com');
    expect(admin.partners).toBe('all');
    expect(admin.permissions).toEqual(
      expect.arrayContaining(['integrations:access', 'issue-comments:access', 'messages:reprocess']),
    );
  });

  it('renames a partner from Slack: the grants follow and login answers the new name', async () => {
    expect(await ask('partner rename Acme "Acme Corp"')).toContain('Renamed the partner Acme to Acme Corp; its 1 user keep it.');
    expect(await scopes('nora@example.com')).toEqual(['normal', 'partner=Acme Corp', 'partner=Globex']);
    expect((await login('nora@example.com')).partners).toEqual(['Acme Corp', 'Globex']);
    expect(await ask('partner rename Globex initech')).toContain('The partner Initech already exists; choose another name.');
    expect(await ask('partner rename Globex')).toContain('Give the old and the new name');
    expect(await ask('partner rename Acme Globex', 'UNORA')).toContain('You need the `roles:manage` permission');
  });

  it('refuses to delete a held partner, naming the holders, and moves them with --reassign', async () => {
    const before = await directoryState(h.roster);
    const refused = await ask('partner delete globex');
    expect(refused).toContain('Globex is held by nora@example.com.');
    expect(refused).toContain('--reassign <partner>');
    expect(await ask('partner delete Globex --reassign Hooli')).toContain('There is no partner `Hooli`');
    expect(await ask('partner delete')).toContain('Give the partner’s name');
    expect(await directoryState(h.roster)).toBe(before);

    expect(await ask('partner delete Initech --reassign "acme corp"')).toContain(
      'Deleted the partner Initech. pat@example.com now holds Acme Corp instead.',
    );
    expect(await scopes('pat@example.com')).toEqual(['partner=Acme Corp']);
    expect((await login('pat@example.com')).partners).toEqual(['Acme Corp']);
    const list = await ask('partner list');
    expect(list).toContain('Acme Corp — 2 users');
    expect(list).not.toContain('Initech');
  });
});
