import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ListenerHarness, OWNER, startListenerHarness } from '../support/listener-harness';
import { seedUser } from '../support/seed';
import { testTargets } from '../support/test-database';

describe.each(testTargets())('delete, export, audit (%s store)', (target) => {
  let h: ListenerHarness;
  const deleteView = () => h.fake.callsTo('views.open').at(-1)?.args.view as { private_metadata: string; blocks: unknown[] };
  async function submitDelete(slackUserId: string, reason = '') {
    const view = deleteView();
    return h.slack.viewSubmission(slackUserId, {
      callbackId: 'delete.modal',
      privateMetadata: view.private_metadata,
      values: { 'delete.reason': { 'delete.reason': { type: 'plain_text_input', value: reason } } },
    });
  }
  async function asset(ownerEmail: string, kind: string, transferable: boolean) {
    const owner = await h.roster.prisma.user.findFirstOrThrow({ where: { email: ownerEmail } });
    return h.roster.prisma.asset.create({
      data: { accountId: h.roster.accountId, ownerId: owner.id, kind, name: `${kind} of ${ownerEmail}`, transferable },
    });
  }

  beforeAll(async () => {
    h = await startListenerHarness(target);
    await seedUser(h.roster, { email: 'dan@example.com', roles: ['editor'], name: 'Dan' });
    await seedUser(h.roster, { email: 'dee@example.com', roles: ['viewer'] });
    await seedUser(h.roster, { email: 'adm@example.com', roles: ['admin'], slackUserId: 'UADM' });
    h.fake.addUser({ id: 'UADM', email: 'adm@example.com' });
    await asset('dan@example.com', 'dashboard', true);
    await asset('dan@example.com', 'dashboard', true);
    await asset('dan@example.com', 'datasource-token', false);
    await asset('dee@example.com', 'report', true);
  });
  afterAll(async () => {
    await h?.close();
  });

  it('confirms with the asset counts, then deletes and moves every asset to the owner', async () => {
    await h.slack.command(OWNER.slackId, 'delete dan@example.com dee@example.com --reason "left the company"');
    const view = await h.fake.waitFor(() => h.fake.callsTo('views.open').at(-1));
    const text = JSON.stringify(view.args.view);
    expect(text).toContain('Delete 2 users for good?');
    expect(text).toContain('3 assets move to owner@example.com; 1 non-transferable one move too');
    expect((await submitDelete(OWNER.slackId, 'left the company')).status).toBe(200);
    const told = await h.fake.waitFor(() =>
      h.fake.callsTo('chat.postEphemeral').find((c) => String(c.args.text).includes('Deleted')),
    );
    expect(String(told.args.text)).toContain(
      '3 assets moved to owner@example.com; 1 non-transferable one moved too and needs reconfiguring',
    );
    expect(await h.roster.prisma.user.count({ where: { email: { in: ['dan@example.com', 'dee@example.com'] } } })).toBe(0);
    const assets = await h.roster.prisma.asset.findMany({ include: { owner: true } });
    expect(assets.every((a) => a.owner.email === OWNER.email)).toBe(true);
    expect(assets.filter((a) => a.needsReconfiguration).map((a) => a.kind)).toEqual(['datasource-token']);
  });

  it('keeps the audit trail of deleted users', async () => {
    const answer = await h.slack.commandAndWait(OWNER.slackId, 'audit dan@example.com');
    expect(answer.text).toContain('*user.deleted* · dan@example.com');
    expect(answer.text).toContain('left the company');
  });

  it('refuses to delete the owner, and yourself without a reason', async () => {
    const owner = await h.slack.commandAndWait(OWNER.slackId, `delete ${OWNER.email}`);
    expect(owner.text).toContain('owns the account and cannot be deleted');
    await h.slack.command('UADM', 'delete adm@example.com');
    const view = await h.fake.waitFor(() =>
      h.fake.callsTo('views.open').find((c) => JSON.stringify(c.args.view).includes('You are deleting yourself')),
    );
    expect(view).toBeTruthy();
    const refused = await submitDelete('UADM', ' ');
    expect(refused.json).toEqual({
      response_action: 'errors',
      errors: { 'delete.reason': 'You are deleting yourself: say why.' },
    });
    expect(await h.roster.prisma.user.count({ where: { email: 'adm@example.com' } })).toBe(1);
  });

  it('leaves everything as it was when the deletion fails midway', async () => {
    await seedUser(h.roster, { email: 'stuck@example.com' });
    const a = await asset('stuck@example.com', 'dashboard', true);
    // A real failure inside the transaction, after the assets were moved: the database refuses this delete.
    await h.roster.prisma.$executeRawUnsafe(`
      CREATE OR REPLACE FUNCTION refuse_stuck() RETURNS trigger AS $$
      BEGIN IF OLD.email = 'stuck@example.com' THEN RAISE EXCEPTION 'refused by test trigger'; END IF; RETURN OLD; END $$ LANGUAGE plpgsql`);
    await h.roster.prisma.$executeRawUnsafe(
      'CREATE TRIGGER refuse_stuck BEFORE DELETE ON "User" FOR EACH ROW EXECUTE FUNCTION refuse_stuck()',
    );
    const auditBefore = await h.roster.prisma.auditEvent.count();
    await h.slack.command(OWNER.slackId, 'delete stuck@example.com');
    await h.fake.waitFor(() =>
      String(JSON.stringify(h.fake.callsTo('views.open').at(-1)?.args.view)).includes('stuck@example.com'),
    );
    // The answer to this submission, and no earlier one: the deletion has ended (rolled back) when it comes.
    const earlier = h.fake.callsTo('chat.postEphemeral').length;
    await submitDelete(OWNER.slackId);
    const told = await h.fake.waitFor(
      () =>
        h.fake
          .callsTo('chat.postEphemeral')
          .slice(earlier)
          .find((c) => c.args.user === OWNER.slackId),
      15_000,
    );
    expect(told.args.text).toBe(':x: That did not work; nothing was changed. Try again.');
    expect(h.logs()).toContain('refused by test trigger');
    expect((await h.roster.prisma.asset.findUniqueOrThrow({ where: { id: a.id }, include: { owner: true } })).owner.email).toBe(
      'stuck@example.com',
    );
    expect(await h.roster.prisma.user.count({ where: { email: 'stuck@example.com' } })).toBe(1);
    expect(await h.roster.prisma.auditEvent.count()).toBe(auditBefore);
    await h.roster.prisma.$executeRawUnsafe('DROP TRIGGER refuse_stuck ON "User"');
  });

  it('exports 10 000 users as RFC 4180 CSV to the requester’s DM', async () => {
    const tricky = ['Lee, Ann', 'The "Boss"', 'Two\nLines', 'Ünïcødé ✓'];
    const roleId = (await h.roster.prisma.role.findFirstOrThrow({ where: { key: 'viewer' } })).id;
    const users = Array.from({ length: 10_000 }, (_, i) => ({
      id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      accountId: h.roster.accountId,
      email: `bulk${i}@example.com`,
      name: `${tricky[i % tricky.length]} ${i}`,
      status: 'active' as const,
    }));
    await h.roster.prisma.user.createMany({ data: users });
    await h.roster.prisma.userRole.createMany({ data: users.map((u) => ({ userId: u.id, roleId })) });
    const answer = await h.slack.commandAndWait(OWNER.slackId, 'export', 60_000);
    expect(answer.text).toMatch(/The export of \d+ users is in your DM/);
    const steps = ['files.getUploadURLExternal', 'files.completeUploadExternal'].map((m) => h.fake.callsTo(m).length);
    expect(steps).toEqual([1, 1]);
    expect(h.fake.callsTo('files.completeUploadExternal')[0]?.args.channel_id).toBe(`D${OWNER.slackId}`);
    const bytes = h.fake.uploads[0]?.bytes as Buffer;
    expect(Number(h.fake.callsTo('files.getUploadURLExternal')[0]?.args.length)).toBe(bytes.length);
    const rows = parse(bytes, { columns: true }) as Record<string, string>[];
    expect(Object.keys(rows[0] ?? {})).toEqual([
      'name',
      'email',
      'roles',
      'groups',
      'status',
      'last_login',
      'passcode_status',
      'created_at',
      'temporary_access',
    ]);
    const bulk = rows.filter((r) => r.email?.startsWith('bulk'));
    expect(bulk).toHaveLength(10_000);
    for (const row of bulk) {
      const i = Number(row.email?.slice(4).split('@')[0]);
      expect(row.name).toBe(`${tricky[i % tricky.length]} ${i}`);
      expect(row.roles).toBe('viewer');
      expect(row.groups).toBe('All Users');
    }
  });
});
