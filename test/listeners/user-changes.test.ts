import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ListenerHarness, OWNER, startListenerHarness } from '../support/listener-harness';
import { directoryState, seedUser } from '../support/seed';
import { testTargets } from '../support/test-database';

describe.each(testTargets())('changing users from Slack (%s store)', (target) => {
  let h: ListenerHarness;
  const ask = (text: string, user = OWNER.slackId) => h.slack.commandAndWait(user, text);
  /** Runs a command that must be refused: returns its text and asserts nothing was written. */
  async function refused(text: string, user = OWNER.slackId): Promise<string> {
    const before = await directoryState(h.roster);
    const answer = await ask(text, user);
    expect(String(answer.text)).toMatch(/^:warning:/);
    expect(await directoryState(h.roster)).toBe(before);
    return String(answer.text);
  }

  beforeAll(async () => {
    h = await startListenerHarness(target, { ROSTER_CONFIG: 'config/presets/partners.yaml' });
    await seedUser(h.roster, { email: 'ann@example.com', roles: ['normal'], name: 'Ann' });
    await seedUser(h.roster, { email: 'pat@example.com', roles: ['partner'] });
    await h.roster.prisma.userRole.updateMany({
      where: { user: { email: 'pat@example.com' } },
      data: { scope: 'acme', scopeKey: 'acme' },
    });
    await h.roster.prisma.partner.createMany({
      data: ['acme', 'globex', 'x'].map((name) => ({ accountId: h.roster.accountId, name, nameKey: name })),
    });
    await seedUser(h.roster, { email: 'ivy@example.com', roles: ['normal'], status: 'invited' });
    await seedUser(h.roster, {
      email: 'vera@example.com',
      roles: ['normal'],
      extraPermissions: ['users:view'],
      slackUserId: 'UVERA',
    });
    h.fake.addUser({ id: 'UVERA', email: 'vera@example.com' });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('edits a name, and the e-mail of someone who has not accepted yet', async () => {
    expect((await ask('edit ann@example.com --name "Ann Lee"')).text).toContain('Updated ann@example.com');
    expect((await h.roster.prisma.user.findFirstOrThrow({ where: { email: 'ann@example.com' } })).name).toBe('Ann Lee');
    await ask('edit ivy@example.com --email ivy.new@example.com');
    expect(await h.roster.prisma.user.count({ where: { email: 'ivy.new@example.com', status: 'invited' } })).toBe(1);
    expect(await refused('edit ivy.new@example.com --email ann@example.com')).toContain('ann@example.com is already in use');
    const audit = await h.roster.prisma.auditEvent.findFirstOrThrow({
      where: { action: 'user.edited', targetEmail: 'ann@example.com' },
    });
    expect(audit.before).toEqual({ name: 'Ann' });
    expect(audit.after).toEqual({ name: 'Ann Lee' });
  });

  it('adds and removes roles, keeps scopes, refuses the last role and unknown roles', async () => {
    await ask('roles ann@example.com +partner=globex');
    const held = await h.roster.prisma.userRole.findMany({
      where: { user: { email: 'ann@example.com' } },
      include: { role: true },
    });
    expect(held.map((r) => `${r.role.key}:${r.scope}`).sort()).toEqual(['normal:null', 'partner:globex']);
    const card = await ask('show ann@example.com');
    // A partner is data scope beside Normal, never outranked by it.
    expect(JSON.stringify(card.blocks)).toContain('Normal, Partner (globex)');
    expect(JSON.stringify(card.blocks)).not.toContain('overridden');
    await ask('roles ann@example.com -partner');
    expect(await refused('roles ann@example.com -normal')).toContain('Every user needs at least one role');
    expect(await refused('roles ann@example.com +wizard')).toContain('There is no role `wizard`');
    expect(await refused('roles ann@example.com +partner')).toContain('needs a scope');
  });

  it('refuses to demote the owner or leave no active Admin', async () => {
    await seedUser(h.roster, { email: 'second-admin@example.com', roles: ['admin'] });
    expect(await refused(`roles ${OWNER.email} +normal -admin`)).toContain('owns the account');
    expect(await refused(`disable ${OWNER.email}`)).toContain('owns the account');
    expect(await refused(`revoke ${OWNER.email}`)).toContain('owns the account');
    await ask('disable second-admin@example.com');
    expect((await h.roster.prisma.user.findFirstOrThrow({ where: { email: 'second-admin@example.com' } })).status).toBe(
      'disabled',
    );
  });

  it('grants extra permissions only to roles they are grantable to', async () => {
    await ask('perms ann@example.com +integrations:access');
    expect((await h.roster.prisma.user.findFirstOrThrow({ where: { email: 'ann@example.com' } })).extraPermissions).toEqual([
      'integrations:access',
    ]);
    expect(await refused('perms pat@example.com +integrations:access')).toContain(
      '`integrations:access` can only be granted to `normal`',
    );
    expect(await refused('perms pat@example.com +teleport')).toContain('There is no permission `teleport`');
    expect(await refused('perms pat@example.com -integrations:access')).toContain('has no extra permission');
    // A role change that would strand a granted permission is refused too.
    expect(await refused('roles ann@example.com +partner=x -normal')).toContain(
      '`integrations:access` can only be granted to `normal`',
    );
  });

  it('manages groups and memberships; All Users and Default have their rules', async () => {
    await ask('group create "Sales team"');
    expect(await refused('group create "sales TEAM"')).toContain('already exists');
    await ask('groups ann@example.com +"Sales team" +Default');
    expect(JSON.stringify((await ask('show ann@example.com')).blocks)).toContain('All Users, Default, Sales team');
    expect(await refused('groups ann@example.com +"All Users"')).toContain('Everyone is in All Users');
    expect(await refused('groups ann@example.com +Nope')).toContain('There is no group `Nope`');
    expect(await refused('group rename "All Users" Everyone')).toContain('All Users cannot be renamed');
    expect(await refused('group delete Default')).toContain('cannot be deleted (it can be renamed)');
    await ask('group rename Default "New joiners"');
    const list = await ask('group list');
    expect(list.text).toContain('*All Users* (everyone, automatic) — 6 members');
    expect(list.text).toContain('*New joiners* (built in) — 1 member');
    expect((await ask('group delete "Sales team"')).text).toContain('its 1 member stay');
  });

  it('adds and removes many people to and from a group at once, all or nothing, naming what is at fault', async () => {
    await ask('group create Ops');
    const added = await ask('group add Ops ann@example.com, second-admin@example.com');
    expect(added.text).toContain('Added to Ops: ann@example.com, second-admin@example.com.');
    const again = await ask('group add Ops ann@example.com');
    expect(again.text).toContain('Nothing to change. Already as asked: ann@example.com.');
    expect(await refused('group add Ops ann@example.com nobody@example.com not-an-address')).toContain(
      'Not an e-mail address: not-an-address.',
    );
    expect(await refused('group add Ops ann@example.com nobody@example.com')).toContain(
      'Not in the directory: nobody@example.com.',
    );
    expect(await refused('group add "All Users" ann@example.com')).toContain('Everyone is in All Users');
    const removed = await ask('group remove Ops second-admin@example.com');
    expect(removed.text).toContain('Removed from Ops: second-admin@example.com.');
    const members = await h.roster.prisma.groupMembership.findMany({
      where: { group: { name: 'Ops' } },
      include: { user: true },
    });
    expect(members.map((m) => m.user.email)).toEqual(['ann@example.com']);
    const trail = await h.roster.prisma.auditEvent.findMany({
      where: { action: 'group.members-changed' },
      orderBy: { at: 'asc' },
    });
    expect(trail.map((e) => e.after)).toEqual([
      { group: 'Ops', added: ['ann@example.com', 'second-admin@example.com'], removed: [] },
      { group: 'Ops', added: [], removed: ['second-admin@example.com'] },
    ]);
    expect(await refused('group add Ops ann@example.com', 'UVERA')).toContain('You need the');
    await ask('group delete Ops');
  });

  it('sets and removes properties', async () => {
    await ask('props ann@example.com region=eu tier="gold plus"');
    await ask('props ann@example.com -tier');
    const props = await h.roster.prisma.userProperty.findMany({ where: { user: { email: 'ann@example.com' } } });
    expect(props.map((p) => [p.key, p.value])).toEqual([['region', 'eu']]);
    expect(await refused('props ann@example.com -nothere')).toContain('has no property `nothere`');
  });

  it('disables and enables; an invited user must accept first, with a resend offered', async () => {
    await ask('disable ann@example.com');
    expect(await refused('disable ann@example.com')).toContain('only active users can be disabled');
    await ask('enable ann@example.com');
    const text = await refused('enable ivy.new@example.com');
    expect(text).toContain('must accept the invite first');
    expect(text).toContain('/users resend ivy.new@example.com');
  });

  it('revokes: credentials, password and pending links stop working', async () => {
    const pat = await h.roster.prisma.user.findFirstOrThrow({ where: { email: 'pat@example.com' } });
    await h.roster.prisma.user.update({ where: { id: pat.id }, data: { passwordHash: 'scrypt$x' } });
    await h.roster.prisma.apiKey.create({
      data: { accountId: h.roster.accountId, userId: pat.id, prefix: 'rk_abc', keyHash: 'h1' },
    });
    await h.roster.prisma.passcode.create({
      data: { accountId: h.roster.accountId, userId: pat.id, codeHash: 'h2', tenureDays: 7, expiresAt: new Date('2030-01-01') },
    });
    await h.roster.prisma.passwordLink.create({
      data: { accountId: h.roster.accountId, userId: pat.id, tokenHash: 'h3', expiresAt: new Date('2030-01-01') },
    });
    expect((await ask('revoke pat@example.com')).text).toContain('Revoked pat@example.com');
    const after = await h.roster.prisma.user.findUniqueOrThrow({
      where: { id: pat.id },
      include: { apiKey: true, passcode: true, passwordLinks: true },
    });
    expect(after.status).toBe('revoked');
    expect(after.passwordHash).toBeNull();
    expect(after.apiKey).toBeNull();
    expect(after.passcode?.status).toBe('revoked');
    expect(after.passwordLinks).toEqual([]);
  });

  it('lets a view-only admin read but refuses every change', async () => {
    expect((await ask('show ann@example.com', 'UVERA')).text).toContain('Ann Lee');
    for (const command of [
      'edit ann@example.com --name X',
      'roles ann@example.com +partner=x',
      'disable ann@example.com',
      'group create X',
      'props ann@example.com a=b',
      'revoke ann@example.com',
    ]) {
      expect(await refused(command, 'UVERA')).toContain('You need the');
    }
  });

  it('transfers ownership only from the owner to an active Admin', async () => {
    expect(await refused('owner ann@example.com')).toContain('must be an active Admin');
    expect(await refused('owner second-admin@example.com')).toContain('must be an active Admin');
    await ask('enable second-admin@example.com');
    await ask('owner second-admin@example.com');
    const account = await h.roster.prisma.account.findFirstOrThrow({ include: { owner: true } });
    expect(account.owner?.email).toBe('second-admin@example.com');
    // The new owner is in Slack and active, so nobody else can take ownership from them.
    h.fake.addUser({ id: 'USECOND', email: 'second-admin@example.com' });
    expect(await refused('owner owner@example.com')).toContain('Only the owner (second-admin@example.com)');
    // The former owner can now be demoted, the new one cannot.
    await ask(`roles ${OWNER.email} +normal -admin`);
  });
});
