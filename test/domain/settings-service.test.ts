import { afterAll, describe, expect, it } from 'vitest';
import type { SettingsResult } from '../../src/domain/account/settings-service';
import type { Submission } from '../../src/domain/changes/change-service';
import { loadCatalog } from '../../src/domain/roles/catalog';
import { isRosterError, type RosterError } from '../../src/errors';
import { type DomainHarness, domainStore } from '../support/domain-harness';
import { seedUser } from '../support/seed';
import { testTargets } from '../support/test-database';

async function refusal(promise: Promise<unknown>): Promise<RosterError> {
  try {
    await promise;
  } catch (error) {
    if (isRosterError(error)) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

/** The result of a change that did not wait for approval. */
async function saved(submission: Promise<Submission<SettingsResult>>): Promise<SettingsResult> {
  const done = await submission;
  if (done.status !== 'done') throw new Error('expected the change to be done, not waiting for approval');
  return done.result;
}

describe.each(testTargets())('account settings (%s store)', (target) => {
  let h: DomainHarness;
  const store = domainStore(target);
  afterAll(() => store.close());

  const account = () => h.db.prisma.account.findUniqueOrThrow({ where: { id: h.accountId } });
  const roleKeys = async () => (await h.db.prisma.role.findMany({ orderBy: { key: 'asc' } })).map((r) => r.key);
  const actorOf = async (email: string) => {
    const user = await h.db.prisma.user.findFirstOrThrow({ where: { email } });
    return h.services().access.actorForUserId(user.id, 'modal');
  };
  const roster = () => ({ prisma: h.db.prisma, accountId: h.accountId });

  it('the owner saves: the row changes, the version goes up, only changed fields are audited, onChange is told', async () => {
    h = await store.fresh();
    const changed: string[] = [];
    const settings = h.settings({ changed });
    const before = await settings.get(h.owner);
    expect(before).toMatchObject({
      version: 1,
      isOwner: true,
      effective: { seatLimit: 25, inviteTtlHours: 48, catalogPreset: null },
      own: { seatLimit: null, inviteTtlHours: null },
      seatsUsed: 1,
    });
    const result = await saved(
      settings.update(h.owner, {
        version: 1,
        seatLimit: 20,
        inviteTtlHours: 48,
        approvalsChannel: 'C0APPROVALS',
        noticesChannel: null,
      }),
    );
    expect(result.changed.map((c) => c.key)).toEqual(['seatLimit', 'inviteTtlHours', 'approvalsChannel']);
    expect(result.version).toBe(2);
    expect(await account()).toMatchObject({
      seatLimit: 20,
      inviteTtlHours: 48,
      approvalsChannel: 'C0APPROVALS',
      noticesChannel: null,
      settingsVersion: 2,
    });
    const audit = await h.db.prisma.auditEvent.findMany({ where: { action: 'account.settings' } });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      actorEmail: 'owner@example.com',
      before: { seatLimit: null, inviteTtlHours: null, approvalsChannel: null },
      after: { seatLimit: 20, inviteTtlHours: 48, approvalsChannel: 'C0APPROVALS' },
    });
    expect(changed).toEqual([h.accountId]);

    // Saving the same values again writes nothing.
    const again = await saved(settings.update(h.owner, { version: 2, seatLimit: 20, approvalsChannel: 'C0APPROVALS' }));
    expect(again.changed).toEqual([]);
    expect((await account()).settingsVersion).toBe(2);
    expect(await h.db.prisma.auditEvent.count({ where: { action: 'account.settings' } })).toBe(1);
    expect(changed).toHaveLength(1);

    // Null puts a setting back to the deployment's default.
    await settings.update(h.owner, { version: 2, seatLimit: null });
    expect((await settings.get(h.owner)).effective.seatLimit).toBe(25);
  });

  it('refuses anyone but the owner, naming the owner; other admins may still read', async () => {
    h = await store.fresh();
    await seedUser(roster(), { email: 'ada@example.com', roles: ['admin'] });
    await seedUser(roster(), { email: 'vic@example.com', roles: ['viewer'] });
    const settings = h.settings();
    const admin = await actorOf('ada@example.com');
    expect(await settings.get(admin)).toMatchObject({ isOwner: false, owner: { email: 'owner@example.com' } });
    const refused = await refusal(settings.update(admin, { version: 1, seatLimit: 15 }));
    expect(refused.code).toBe('forbidden');
    expect(refused.message).toContain('Only the account owner (owner@example.com)');
    expect((await refusal(settings.requireOwner(admin))).code).toBe('forbidden');
    await settings.requireOwner(h.owner);
    expect((await refusal(settings.get(await actorOf('vic@example.com')))).code).toBe('forbidden');
    expect(await account()).toMatchObject({ seatLimit: null, settingsVersion: 1 });
    expect(await h.db.prisma.auditEvent.count({ where: { action: 'account.settings' } })).toBe(0);
  });

  it('refuses a seat limit below the seats in use, naming the count', async () => {
    h = await store.fresh();
    for (const email of ['a@example.com', 'b@example.com']) await seedUser(roster(), { email });
    await seedUser(roster(), { email: 'gone@example.com', status: 'revoked' });
    await seedUser(roster(), { email: 'pending@example.com', status: 'invited' });
    const settings = h.settings();
    const refused = await refusal(settings.update(h.owner, { version: 1, seatLimit: 3 }));
    expect(refused).toMatchObject({ code: 'seat_limit', field: 'seatLimit' });
    expect(refused.message).toContain('4 seats are in use');
    // The default counts too when the account goes back to it.
    await settings.update(h.owner, { version: 1, seatLimit: 4 });
    const low = h.settings({ defaults: { seatLimit: 2 } });
    expect((await refusal(low.update(h.owner, { version: 2, seatLimit: null }))).code).toBe('seat_limit');
    expect(await account()).toMatchObject({ seatLimit: 4, settingsVersion: 2 });
  });

  it('changes the catalog preset, refusing one that lacks a role someone holds', async () => {
    h = await store.fresh();
    await seedUser(roster(), { email: 'ed@example.com', roles: ['editor'] });
    await seedUser(roster(), { email: 'vi@example.com', roles: ['viewer'] });
    await seedUser(roster(), { email: 'vo@example.com', roles: ['viewer'] });
    const settings = h.settings();
    const standard = await roleKeys();
    const refused = await refusal(settings.update(h.owner, { version: 1, catalogPreset: 'partners' }));
    expect(refused).toMatchObject({ code: 'conflict', field: 'catalogPreset' });
    expect(refused.message).toContain('editor (1), viewer (2)');
    expect(await roleKeys()).toEqual(standard);
    expect(await account()).toMatchObject({ catalogPreset: null, settingsVersion: 1 });

    await h.db.prisma.user.deleteMany({ where: { email: { in: ['ed@example.com', 'vi@example.com', 'vo@example.com'] } } });
    await settings.update(h.owner, { version: 1, catalogPreset: 'partners' });
    expect(await roleKeys()).toEqual(['admin', 'normal', 'partner']);
    expect((await h.db.prisma.permission.findMany()).map((p) => p.key).sort()).toEqual([
      'integrations:access',
      'issue-comments:access',
      'messages:reprocess',
    ]);
    expect(await account()).toMatchObject({ catalogPreset: 'partners', settingsVersion: 2 });

    // Back to the deployment's own catalog (standard here).
    await seedUser(roster(), { email: 'pa@example.com', roles: ['partner'] });
    expect((await refusal(settings.update(h.owner, { version: 2, catalogPreset: null }))).message).toContain('partner (1)');
    await h.db.prisma.user.deleteMany({ where: { email: 'pa@example.com' } });
    await settings.update(h.owner, { version: 2, catalogPreset: null });
    expect(await roleKeys()).toEqual(standard);
  });

  it('refuses a change made from an out-of-date form', async () => {
    h = await store.fresh();
    const settings = h.settings();
    await settings.update(h.owner, { version: 1, seatLimit: 15 });
    const refused = await refusal(settings.update(h.owner, { version: 1, seatLimit: 18 }));
    expect(refused.code).toBe('stale');
    expect((await account()).seatLimit).toBe(15);
  });

  it('two saves from forms opened at the same version: exactly one wins', async () => {
    h = await store.fresh();
    const changed: string[] = [];
    const settings = h.settings({ changed });
    const results = await Promise.allSettled([
      settings.update(h.owner, { version: 1, seatLimit: 15, catalogPreset: 'standard' }),
      settings.update(h.owner, { version: 1, seatLimit: 18, inviteTtlHours: 24 }),
    ]);
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect(lost[0]?.reason.code).toBe('stale');
    const row = await account();
    expect(row.settingsVersion).toBe(2);
    expect([15, 18]).toContain(row.seatLimit);
    expect(row.inviteTtlHours).toBe(row.seatLimit === 18 ? 24 : null);
    expect(await h.db.prisma.auditEvent.count({ where: { action: 'account.settings' } })).toBe(1);
    expect(changed).toHaveLength(1);
  });

  it('a catalog that gives people admin power waits for the grant-admin approval; applied, it bumps the versions of those it changes', async () => {
    h = await store.fresh();
    const standard = loadCatalog().catalog;
    // The deployment's own catalog lets Viewers manage users: switching to it grants admin power.
    const escalated = {
      ...standard,
      roles: standard.roles.map((role) =>
        role.key === 'viewer' ? { ...role, permissions: [...role.permissions, 'users:manage'] } : role,
      ),
    };
    await seedUser(roster(), { email: 'second@example.com', roles: ['admin'] });
    const viewer = await seedUser(roster(), { email: 'vi@example.com', roles: ['viewer'] });
    const editor = await seedUser(roster(), { email: 'ed@example.com', roles: ['editor'] });
    const approving = h.settings({ defaults: { catalog: escalated }, approvals: { 'grant-admin': { approvals: 1 } } });
    await saved(approving.update(h.owner, { version: 1, catalogPreset: 'standard' }));
    const versions = async () => Object.fromEntries((await h.db.prisma.user.findMany()).map((u) => [u.email, u.version]));
    const before = await versions();

    const waiting = await approving.update(h.owner, { version: 2, catalogPreset: null });
    expect(waiting.status).toBe('awaiting');
    if (waiting.status === 'awaiting') expect(waiting.request).toMatchObject({ action: 'grant-admin' });
    expect(await account()).toMatchObject({ catalogPreset: 'standard', settingsVersion: 2 });
    expect((await h.db.prisma.role.findFirstOrThrow({ where: { key: 'viewer' } })).permissions).not.toContain('users:manage');

    // Without an approval rule for it the switch applies at once: only the Viewer's permissions change.
    const direct = h.settings({ defaults: { catalog: escalated } });
    await saved(direct.update(h.owner, { version: 2, catalogPreset: null }));
    const after = await versions();
    expect(after['vi@example.com']).toBe((before['vi@example.com'] as number) + 1);
    expect(after['ed@example.com']).toBe(before['ed@example.com']);
    expect(after['owner@example.com']).toBe(before['owner@example.com']);
    const actor = await h.services().access.actorForUserId(viewer.id, 'command');
    expect(actor.permissions.has('users:manage')).toBe(true);
    expect(editor.id).toBeTruthy();
  });
});
