/**
 * Time-bound access (issue 24) through the change layer over a real store: an Admin's grant for a span,
 * counted by every permission read (the actor, the verified holder) until its end and not a millisecond
 * after, whatever the scheduler has recorded; a user's own request (always decided by another approver);
 * extensions, End now, break-glass and its review; the scheduler's expiry, warnings and daily raise of
 * unreviewed break-glass (and, on PostgreSQL, two replicas recording one batch of ends); the catalog's
 * `timeBoundOnly`, and the directory's rule that a temporary Admin never stands in for the last Admin.
 * The catalog's `policy.grants` is given through test/support/grants-services.ts; the clock is moved, never waited for.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type Actor, can, scimActor } from '../../src/domain/access/actor';
import type { ChangeResult } from '../../src/domain/changes/change-handlers';
import type { ChangeKind, ChangeOf } from '../../src/domain/changes/directory-change';
import { createHolderReader } from '../../src/domain/credentials/verified-holder';
import { loadCatalog } from '../../src/domain/roles/catalog';
import { ConfigError } from '../../src/errors';
import { openDatabase } from '../../src/store/database';
import { type DomainHarness, domainStore, systemActor } from '../support/domain-harness';
import { type GrantServicesOptions, grantServices } from '../support/grants-services';
import { seedUser } from '../support/seed';
import { testTargets } from '../support/test-database';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;
const SCHEDULER = systemActor('scheduler');

describe('policy.grants in the catalog file', () => {
  /** Loads a small catalog file whose `policy.grants` is `grants` (YAML lines). */
  async function catalogWith(grants: string): Promise<() => ReturnType<typeof loadCatalog>> {
    const dir = await mkdtemp(path.join(tmpdir(), 'roster-grants-'));
    const file = path.join(dir, 'catalog.yaml');
    await writeFile(
      file,
      [
        'roles:',
        '  - { key: admin, name: Admin, precedence: 100, permissions: ["*"] }',
        '  - { key: viewer, name: Viewer, precedence: 10, permissions: [content:read] }',
        'permissions:',
        '  - { key: content:read }',
        '  - { key: users:export, grantableTo: [viewer] }',
        'policy:',
        '  grants:',
        grants,
      ].join('\n'),
    );
    return () => loadCatalog(file);
  }

  it('reads each rule with its defaults, and refuses unknown keys, unknown roles and break-glass on a permission', async () => {
    const read = await catalogWith('    admin: { maxHours: 8, breakGlass: true }');
    expect(read().catalog.policy).toMatchObject({
      grants: { admin: { maxHours: 8, breakGlass: true, timeBoundOnly: false, selfExtensions: 0, breakGlassPer30Days: 3 } },
      grantWarningMinutes: 15,
    });
    expect(await catalogWith('    admin: { maxHour: 8 }')).toThrow(ConfigError);
    expect(await catalogWith('    admin: { maxHour: 8 }')).toThrow(/policy\.grants\.admin.*maxHour/);
    expect(await catalogWith('    wizard: { maxHours: 8 }')).toThrow(/unknown role or permission "wizard"/);
    expect(await catalogWith('    users:export: { breakGlass: true }')).toThrow(/breakGlass and timeBoundOnly are for roles/);
  });
});

describe.each(testTargets())('time-bound grants (%s store)', (target) => {
  const store = domainStore(target);
  afterAll(() => store.close());

  /** A fresh account with `options`'s grant policy, and short ways to seed users, act, and read grants back. */
  async function setup(options: GrantServicesOptions = {}, own?: DomainHarness) {
    const h = own ?? (await store.fresh());
    const services = grantServices(h, options);
    const { prisma } = h.db;
    const addUser = async (
      email: string,
      roles: string[],
      more: { status?: 'active' | 'invited' | 'disabled'; slackUserId?: string; extraPermissions?: string[] } = {},
    ) => (await seedUser({ prisma, accountId: h.accountId }, { email, roles, ...more })).id;
    const actor = (id: string, source: 'command' | 'approval' = 'command'): Promise<Actor> =>
      services.access.actorForUserId(id, source);
    const submit = <K extends ChangeKind>(change: ChangeOf<K>, as: Actor = h.owner) => services.changes.submit<K>(as, change);
    /** Submits a change that must be done now (not waiting for approval); its result. */
    const run = async <K extends ChangeKind>(change: ChangeOf<K>, as: Actor = h.owner): Promise<ChangeResult<K>> => {
      const submitted = await submit<K>(change, as);
      if (submitted.status !== 'done') throw new Error(`${change.kind} waits for approval`);
      return submitted.result;
    };
    /** The owner gives `email` `roles` for `minutes` (reason INC-1); the grant row. */
    const grant = async (email: string, roles: string[], minutes = 240, as: Actor = h.owner) => {
      await run<'grant-timed'>(
        { kind: 'grant-timed', user: { email }, roles, perms: [], span: { minutes }, reason: 'INC-1' },
        as,
      );
      return prisma.timedGrant.findFirstOrThrow({ where: { user: { email } }, orderBy: { createdAt: 'desc' } });
    };
    const grantRow = (id: string) => prisma.timedGrant.findUniqueOrThrow({ where: { id } });
    const holder = createHolderReader({ prisma, multipleRoles: 'highest', clock: h.clock });
    const events = (action: string) => prisma.auditEvent.findMany({ where: { action }, orderBy: { seq: 'asc' } });
    const notices = (rule: string) => prisma.sentNotice.findMany({ where: { rule }, orderBy: { dedupeKey: 'asc' } });
    const at = (ms: number) => h.clock.set(new Date(ms));
    return { h, services, prisma, addUser, actor, submit, run, grant, grantRow, holder, events, notices, at };
  }

  describe('grant-timed', () => {
    it('gives Admin to the actor and the verified holder until its end, and not one millisecond after', async () => {
      const { h, addUser, actor, services, run, grantRow, holder, events, prisma, at } = await setup({
        grants: { admin: { maxHours: 8 } },
      });
      const ann = await addUser('ann@example.com', ['viewer'], { slackUserId: 'U0ANN' });
      const t0 = h.clock.now().getTime();
      const end = new Date(t0 + 240 * MINUTE_MS);

      const done = await run<'grant-timed'>({
        kind: 'grant-timed',
        user: { email: 'ann@example.com' },
        roles: ['admin'],
        perms: [],
        span: { minutes: 240 },
        reason: 'INC-1',
      });
      expect(done.granted).toEqual([{ id: expect.any(String), access: 'Admin', endsAt: end }]);
      const [row, ...more] = await prisma.timedGrant.findMany();
      expect(more).toHaveLength(0);
      expect(row).toMatchObject({
        userId: ann,
        permission: null,
        reason: 'INC-1',
        via: 'admin',
        grantedBy: 'owner@example.com',
        spanMinutes: 240,
        breakGlass: false,
        startsAt: new Date(t0),
        endsAt: end,
        endedAt: null,
      });
      expect(await events('grant.started')).toMatchObject([
        {
          targetEmail: 'ann@example.com',
          actorEmail: 'owner@example.com',
          after: { access: 'Admin', until: end.toISOString(), reason: 'INC-1', via: 'admin' },
        },
      ]);
      // Permanent holdings are untouched: the grant lives in its own table.
      expect(await prisma.userRole.count({ where: { userId: ann } })).toBe(1);

      const whileHeld = async () => {
        const byId = await actor(ann);
        const bySlack = await services.access.actorForSlackUser('U0ANN', 'command');
        const verified = await holder(ann);
        return { byId, bySlack, verified };
      };
      at(end.getTime() - 1);
      const before = await whileHeld();
      for (const a of [before.byId, before.bySlack]) {
        expect(a.roleKeys).toContain('admin');
        expect(can(a, 'roles:manage')).toBe(true);
      }
      expect(before.verified.roles).toEqual([{ key: 'admin', scope: null }]);
      expect(before.verified.overriddenRoles).toEqual([{ key: 'viewer', scope: null }]);
      expect(before.verified.permissions).toEqual(expect.arrayContaining(['roles:manage', 'content:read', 'users:view']));
      expect(before.verified.temporaryGrants).toEqual([
        { role: 'admin', scope: null, expiresAt: end.toISOString(), breakGlass: false },
      ]);

      at(end.getTime());
      const after = await whileHeld();
      for (const a of [after.byId, after.bySlack]) {
        expect(a.roleKeys).toEqual(['viewer']);
        expect(can(a, 'roles:manage')).toBe(false);
      }
      expect(after.verified.roles).toEqual([{ key: 'viewer', scope: null }]);
      expect(after.verified.overriddenRoles).toEqual([]);
      expect(after.verified.permissions).toEqual(['content:read']);
      expect(after.verified.temporaryGrants).toEqual([]);
      // Nothing recorded the end yet: it stopped counting by the clock alone.
      expect((await grantRow((row as { id: string }).id)).endedAt).toBeNull();
      await expect(
        run<'grant-timed'>(
          {
            kind: 'grant-timed',
            user: { email: 'owner@example.com' },
            roles: ['editor'],
            perms: [],
            span: { minutes: 60 },
            reason: 'x',
          },
          after.byId,
        ),
      ).rejects.toMatchObject({ code: 'forbidden' });
    });

    it('gives an extra permission until a moment; the holder sees it among its permissions and temporary grants', async () => {
      const { h, addUser, run, holder, at } = await setup();
      const vic = await addUser('vic@example.com', ['viewer']);
      const until = new Date(h.clock.now().getTime() + 90 * MINUTE_MS);
      await run<'grant-timed'>({
        kind: 'grant-timed',
        user: { email: 'vic@example.com' },
        roles: [],
        perms: ['users:view'],
        span: { until: until.toISOString() },
        reason: 'TICKET-7',
      });
      const during = await holder(vic);
      expect(during.permissions).toEqual(['content:read', 'users:view']);
      expect(during.temporaryGrants).toEqual([{ permission: 'users:view', expiresAt: until.toISOString(), breakGlass: false }]);
      at(until.getTime());
      expect(await holder(vic)).toMatchObject({ permissions: ['content:read'], temporaryGrants: [] });
    });

    it('refuses what is held for good, a grant already in force, a span over maxHours or ending in the past, an inactive user, no reason, no access, and an actor without roles:manage; nothing is written', async () => {
      const { h, addUser, actor, submit, grant, prisma } = await setup({ grants: { admin: { maxHours: 4 } } });
      await addUser('ed@example.com', ['editor']);
      await addUser('ann@example.com', ['viewer']);
      await addUser('off@example.com', ['viewer'], { status: 'disabled' });
      await addUser('new@example.com', ['viewer'], { status: 'invited' });
      await grant('ann@example.com', ['admin'], 240);
      const t0 = h.clock.now().getTime();
      const ask = (email: string, more: Partial<ChangeOf<'grant-timed'>> = {}, as: Actor = h.owner) =>
        submit<'grant-timed'>(
          { kind: 'grant-timed', user: { email }, roles: ['admin'], perms: [], span: { minutes: 60 }, reason: 'INC-1', ...more },
          as,
        );

      await expect(ask('ed@example.com', { roles: ['editor'] })).rejects.toMatchObject({
        code: 'conflict',
        message: expect.stringContaining('for good'),
      });
      await expect(ask('ann@example.com')).rejects.toMatchObject({
        code: 'conflict',
        message: expect.stringContaining('extend that instead'),
      });
      await expect(ask('ed@example.com', { span: { minutes: 5 * 60 } })).rejects.toMatchObject({
        code: 'bad_input',
        field: 'for',
      });
      await expect(ask('ed@example.com', { span: { until: new Date(t0 - MINUTE_MS).toISOString() } })).rejects.toMatchObject({
        code: 'bad_input',
        field: 'until',
      });
      await expect(ask('ed@example.com', { span: { until: new Date(t0).toISOString() } })).rejects.toMatchObject({
        code: 'bad_input',
        field: 'until',
      });
      await expect(ask('off@example.com')).rejects.toMatchObject({ code: 'invalid_state' });
      await expect(ask('new@example.com')).rejects.toMatchObject({ code: 'invalid_state' });
      await expect(ask('ed@example.com', { reason: '' })).rejects.toThrow(/Say why/);
      await expect(ask('ed@example.com', { reason: '   ' })).rejects.toThrow(/Say why/);
      await expect(ask('ed@example.com', { roles: [] })).rejects.toMatchObject({ code: 'bad_input', field: 'access' });
      await expect(
        ask('ed@example.com', {}, await actor((await prisma.user.findFirstOrThrow({ where: { email: 'ed@example.com' } })).id)),
      ).rejects.toMatchObject({
        code: 'forbidden',
      });
      expect(await prisma.timedGrant.count()).toBe(1);
      expect(await prisma.auditEvent.count({ where: { action: { startsWith: 'grant.' } } })).toBe(1);
      // Exactly maxHours is allowed.
      await expect(ask('ed@example.com', { span: { minutes: 4 * 60 } })).resolves.toMatchObject({ status: 'done' });
    });
  });

  describe('grant-timed under the grant-admin approval', () => {
    it('waits, the holder-to-be may not decide it, and the approval grants it from then for the span', async () => {
      const { h, addUser, actor, submit, services, prisma } = await setup({ approvals: { 'grant-admin': { approvals: 1 } } });
      const approver = await actor(await addUser('admin2@example.com', ['admin']), 'approval');
      const ann = await addUser('ann@example.com', ['viewer'], { extraPermissions: ['approvals:approve'] });
      const waiting = await submit<'grant-timed'>({
        kind: 'grant-timed',
        user: { email: 'ann@example.com' },
        roles: ['admin'],
        perms: [],
        span: { minutes: 60 },
        reason: 'INC-5',
      });
      if (waiting.status !== 'awaiting') throw new Error('expected the grant to wait');
      expect(waiting.request.action).toBe('grant-admin');
      expect(await prisma.timedGrant.count()).toBe(0);
      await expect(
        services.changes.decide(await actor(ann, 'approval'), waiting.request.id, { approve: true }),
      ).rejects.toMatchObject({
        code: 'forbidden',
      });
      h.clock.advanceHours(2);
      const approvedAt = h.clock.now().getTime();
      await expect(services.changes.decide(approver, waiting.request.id, { approve: true })).resolves.toMatchObject({
        kind: 'executed',
      });
      expect(await prisma.timedGrant.findMany()).toMatchObject([
        { userId: ann, grantedBy: 'owner@example.com', startsAt: new Date(approvedAt), endsAt: new Date(approvedAt + HOUR_MS) },
      ]);
      expect((await actor(ann)).roleKeys).toContain('admin');
    });
  });

  describe('access-request', () => {
    it('always waits; the requester cannot approve it; the approval grants it from then for the span asked', async () => {
      const { h, addUser, actor, submit, services, prisma, events } = await setup({ approvals: {} });
      const approver = await actor(await addUser('admin2@example.com', ['admin']), 'approval');
      // The requester may approve others' requests, but never their own.
      const ann = await addUser('ann@example.com', ['viewer'], { extraPermissions: ['approvals:approve'] });
      const asAnn = await actor(ann);
      const waiting = await submit<'access-request'>(
        { kind: 'access-request', access: ['admin'], span: { minutes: 120 }, reason: 'INC-2' },
        asAnn,
      );
      if (waiting.status !== 'awaiting') throw new Error('expected the request to wait');
      expect(waiting.request).toMatchObject({ action: 'access-request', status: 'pending' });
      expect(waiting.approvers.map((a) => a.email)).not.toContain('ann@example.com');
      expect(await prisma.timedGrant.count()).toBe(0);
      expect((await actor(ann)).roleKeys).toEqual(['viewer']);

      await expect(
        services.changes.decide(await actor(ann, 'approval'), waiting.request.id, { approve: true }),
      ).rejects.toMatchObject({
        code: 'forbidden',
        message: expect.stringContaining('someone else must decide'),
      });
      expect(await prisma.timedGrant.count()).toBe(0);

      h.clock.advanceHours(1);
      const approvedAt = h.clock.now().getTime();
      await expect(services.changes.decide(approver, waiting.request.id, { approve: true })).resolves.toMatchObject({
        kind: 'executed',
      });
      expect(await prisma.timedGrant.findMany()).toMatchObject([
        {
          userId: ann,
          via: 'request',
          reason: 'INC-2',
          startsAt: new Date(approvedAt),
          endsAt: new Date(approvedAt + 120 * MINUTE_MS),
        },
      ]);
      expect((await actor(ann)).roleKeys).toContain('admin');
      expect(await events('grant.started')).toMatchObject([{ targetEmail: 'ann@example.com', after: { via: 'request' } }]);
      h.clock.advanceHours(2);
      expect((await actor(ann)).roleKeys).toEqual(['viewer']);
    });

    it('a rejection grants nothing', async () => {
      const { addUser, actor, submit, services, prisma } = await setup({ approvals: {} });
      const approver = await actor(await addUser('admin2@example.com', ['admin']), 'approval');
      const ann = await addUser('ann@example.com', ['viewer']);
      const waiting = await submit<'access-request'>(
        { kind: 'access-request', access: ['editor'], span: { minutes: 60 }, reason: 'INC-3' },
        await actor(ann),
      );
      if (waiting.status !== 'awaiting') throw new Error('expected the request to wait');
      await expect(
        services.changes.decide(approver, waiting.request.id, { approve: false, reason: 'not needed' }),
      ).resolves.toMatchObject({ kind: 'rejected' });
      expect(await prisma.timedGrant.count()).toBe(0);
      expect((await actor(ann)).roleKeys).toEqual(['viewer']);
    });

    it('is refused while approvals are off, even for access that gives no admin power', async () => {
      const { addUser, actor, submit, prisma } = await setup();
      await addUser('admin2@example.com', ['admin']);
      const ann = await addUser('ann@example.com', ['viewer']);
      await expect(
        submit<'access-request'>(
          { kind: 'access-request', access: ['editor'], span: { minutes: 60 }, reason: 'INC-4' },
          await actor(ann),
        ),
      ).rejects.toMatchObject({ code: 'forbidden', message: expect.stringContaining('approvals are off') });
      expect(await prisma.timedGrant.count()).toBe(0);
    });
  });

  describe("with approvals off and the preset's approval policy (grant-admin among its actions)", () => {
    it("a request for Admin, and a holder's extension beyond what the policy allows, are refused, never granted unseen", async () => {
      const { catalog } = loadCatalog();
      const { h, addUser, actor, submit, prisma } = await setup({ actionsWhileOff: catalog.policy.approvals.actions });
      const ann = await addUser('ann@example.com', ['viewer']);
      const off = { code: 'forbidden', message: expect.stringContaining('approvals are off') };
      await expect(
        submit<'access-request'>(
          { kind: 'access-request', access: ['admin'], span: { minutes: 60 }, reason: 'INC-9' },
          await actor(ann),
        ),
      ).rejects.toMatchObject(off);
      expect(await prisma.timedGrant.count()).toBe(0);
      // Admin given by the owner for an hour (approvals off: no approver to wait for), then Ann asks for more.
      await submit<'grant-timed'>({
        kind: 'grant-timed',
        user: { email: 'ann@example.com' },
        roles: ['admin'],
        perms: [],
        span: { minutes: 60 },
        reason: 'INC-9',
      });
      const [timed] = await prisma.timedGrant.findMany();
      await expect(
        submit<'grant-extend'>({ kind: 'grant-extend', grant: timed?.id ?? '', span: { minutes: 60 } }, await actor(ann)),
      ).rejects.toMatchObject(off);
      expect((await prisma.timedGrant.findFirstOrThrow()).endsAt).toEqual(new Date(h.clock.now().getTime() + 3_600_000));
    });

    it('holding Admin for a while counts as admin power where power must not move: SCIM does not re-address them', async () => {
      const { addUser, grant, services } = await setup();
      const ann = await addUser('ann@example.com', ['viewer']);
      await grant('ann@example.com', ['admin']);
      const move = services.changes.submit(scimActor(), {
        kind: 'scim-user',
        user: { id: ann },
        attributes: { email: 'attacker@example.com', name: null, externalId: 'ext-ann', active: true, properties: {} },
      });
      await expect(move).rejects.toMatchObject({ code: 'forbidden', message: expect.stringContaining('holds admin powers') });
    });
  });

  describe('grant-extend', () => {
    it('without a span keeps it as long again as it was given for, each time (at most maxHours); break-glass only by an approver', async () => {
      const { h, addUser, actor, submit, grant, grantRow, prisma } = await setup({
        grants: { editor: { maxHours: 5, selfExtensions: 3 }, admin: { breakGlass: true, maxHours: 1, selfExtensions: 3 } },
        approvals: {},
      });
      await addUser('admin2@example.com', ['admin']);
      const ann = await addUser('ann@example.com', ['viewer']);
      const t0 = h.clock.now().getTime();
      const { id } = await grant('ann@example.com', ['editor'], 180);
      const again = async () => submit<'grant-extend'>({ kind: 'grant-extend', grant: id }, await actor(ann));
      await expect(again()).resolves.toMatchObject({ status: 'done' });
      await expect(again()).resolves.toMatchObject({ status: 'done' });
      // 3 h, then 3 h more, then 3 h more: never doubling.
      expect(await grantRow(id)).toMatchObject({ endsAt: new Date(t0 + 9 * 60 * MINUTE_MS), spanMinutes: 180 });

      // Break-glass: the holder's Extend waits for an approver, whatever selfExtensions says.
      await submit<'break-glass'>(
        { kind: 'break-glass', role: 'admin', span: { minutes: 30 }, reason: 'SEV-2' },
        await actor(ann),
      );
      const glass = await prisma.timedGrant.findFirstOrThrow({ where: { breakGlass: true } });
      const asked = await submit<'grant-extend'>({ kind: 'grant-extend', grant: glass.id }, await actor(ann));
      expect(asked).toMatchObject({ status: 'awaiting', request: { action: 'access-request' } });
      expect((await grantRow(glass.id)).endsAt).toEqual(glass.endsAt);
    });

    it('the holder extends once as the policy allows, then asks, and the approval extends it', async () => {
      const { h, addUser, actor, submit, services, grant, grantRow, events } = await setup({
        grants: { admin: { maxHours: 4, selfExtensions: 1 } },
        approvals: {},
      });
      const approver = await actor(await addUser('admin2@example.com', ['admin']), 'approval');
      const ann = await addUser('ann@example.com', ['viewer']);
      const t0 = h.clock.now().getTime();
      const { id } = await grant('ann@example.com', ['admin'], 60);
      const extend = async () =>
        submit<'grant-extend'>({ kind: 'grant-extend', grant: id, span: { minutes: 60 } }, await actor(ann));

      await expect(extend()).resolves.toMatchObject({ status: 'done' });
      expect(await grantRow(id)).toMatchObject({ endsAt: new Date(t0 + 120 * MINUTE_MS), selfExtensions: 1, extensions: 1 });
      expect(await events('grant.extended')).toMatchObject([
        {
          targetEmail: 'ann@example.com',
          before: { until: new Date(t0 + 60 * MINUTE_MS).toISOString() },
          after: { until: new Date(t0 + 120 * MINUTE_MS).toISOString(), selfExtension: true },
        },
      ]);

      const waiting = await extend();
      if (waiting.status !== 'awaiting') throw new Error('expected the second extension to wait');
      expect(waiting.request.action).toBe('access-request');
      expect(await grantRow(id)).toMatchObject({ endsAt: new Date(t0 + 120 * MINUTE_MS), extensions: 1 });
      await expect(services.changes.decide(approver, waiting.request.id, { approve: true })).resolves.toMatchObject({
        kind: 'executed',
      });
      expect(await grantRow(id)).toMatchObject({ endsAt: new Date(t0 + 180 * MINUTE_MS), selfExtensions: 1, extensions: 2 });
    });

    it('the holder’s extension that waits for an approver is judged as a new request for that access would be', async () => {
      // Under a two-approver grant-admin rule, asking for Admin takes two approvers; asking to keep it longer must too.
      const approvals = { 'grant-admin': { approvals: 2 } };
      const { h, addUser, actor, grant } = await setup();
      const strict = grantServices(h, { approvals });
      await addUser('admin2@example.com', ['admin']);
      await addUser('admin3@example.com', ['admin']);
      const ann = await addUser('ann@example.com', ['viewer']);
      const bob = await addUser('bob@example.com', ['viewer']);
      const { id } = await grant('ann@example.com', ['admin'], 60);
      const asked = await strict.changes.submit<'access-request'>(await actor(bob), {
        kind: 'access-request',
        access: ['admin'],
        span: { minutes: 60 },
        reason: 'INC-6',
      });
      if (asked.status !== 'awaiting') throw new Error('expected the request to wait');
      expect(asked.request.requiredApprovals).toBe(2);
      const extended = await strict.changes.submit<'grant-extend'>(await actor(ann), {
        kind: 'grant-extend',
        grant: id,
        span: { minutes: 60 },
      });
      if (extended.status !== 'awaiting') throw new Error('expected the extension to wait');
      expect(extended.request.requiredApprovals).toBe(2);
    });

    it('someone else extends with roles:manage, within maxHours and past the current end; without it, refused', async () => {
      const { h, addUser, actor, submit, grant, grantRow } = await setup({ grants: { admin: { maxHours: 4 } } });
      await addUser('ann@example.com', ['viewer']);
      const ed = await actor(await addUser('ed@example.com', ['editor']));
      const t0 = h.clock.now().getTime();
      const { id } = await grant('ann@example.com', ['admin'], 60);
      const extend = (span: ChangeOf<'grant-extend'>['span'], as: Actor = h.owner) =>
        submit<'grant-extend'>({ kind: 'grant-extend', grant: id, span }, as);
      await expect(extend({ minutes: 60 }, ed)).rejects.toMatchObject({ code: 'forbidden' });
      await expect(extend({ minutes: 5 * 60 })).rejects.toMatchObject({ code: 'bad_input', field: 'for' });
      await expect(extend({ until: new Date(t0 + 30 * MINUTE_MS).toISOString() })).rejects.toMatchObject({
        code: 'bad_input',
        field: 'until',
      });
      await expect(extend({ until: new Date(t0 + 3 * HOUR_MS).toISOString() })).resolves.toMatchObject({ status: 'done' });
      expect(await grantRow(id)).toMatchObject({ endsAt: new Date(t0 + 3 * HOUR_MS), selfExtensions: 0, extensions: 1 });
      // Once it has ended, it is not extended.
      h.clock.set(new Date(t0 + 3 * HOUR_MS));
      await expect(extend({ minutes: 60 })).rejects.toMatchObject({ code: 'invalid_state' });
    });
  });

  describe('grant-end', () => {
    it('the holder ends their own grant: it stops counting at once, and only once', async () => {
      const { h, addUser, actor, submit, grant, grantRow, events, notices } = await setup();
      const ann = await addUser('ann@example.com', ['viewer']);
      const { id } = await grant('ann@example.com', ['admin']);
      h.clock.advanceHours(1);
      const asAnn = await actor(ann);
      expect(asAnn.roleKeys).toContain('admin');
      await expect(submit<'grant-end'>({ kind: 'grant-end', grant: id }, asAnn)).resolves.toMatchObject({ status: 'done' });
      expect((await actor(ann)).roleKeys).toEqual(['viewer']);
      expect(await grantRow(id)).toMatchObject({
        endedAt: h.clock.now(),
        endsAt: h.clock.now(),
        endReason: 'ended',
        endedBy: 'ann@example.com',
      });
      expect(await events('grant.ended')).toMatchObject([{ targetEmail: 'ann@example.com', after: { endReason: 'ended' } }]);
      // The holder ended it: nobody needs telling.
      expect(await notices('grant-ended')).toEqual([]);
      await expect(submit<'grant-end'>({ kind: 'grant-end', grant: id }, asAnn)).rejects.toMatchObject({ code: 'invalid_state' });
      expect(await events('grant.ended')).toHaveLength(1);
    });

    it('an Admin ends someone else’s grant and the holder is told; without roles:manage, refused', async () => {
      const { h, addUser, actor, submit, grant, grantRow, events, notices } = await setup();
      const ann = await addUser('ann@example.com', ['viewer']);
      const ed = await actor(await addUser('ed@example.com', ['editor']));
      const { id } = await grant('ann@example.com', ['admin']);
      await expect(submit<'grant-end'>({ kind: 'grant-end', grant: id }, ed)).rejects.toMatchObject({ code: 'forbidden' });
      await expect(submit<'grant-end'>({ kind: 'grant-end', grant: id, reason: 'done early' })).resolves.toMatchObject({
        status: 'done',
      });
      expect((await actor(ann)).roleKeys).toEqual(['viewer']);
      expect(await grantRow(id)).toMatchObject({ endedAt: h.clock.now(), endReason: 'revoked', endedBy: 'owner@example.com' });
      expect(await events('grant.ended')).toMatchObject([{ after: { endReason: 'revoked', reason: 'done early' } }]);
      expect((await notices('grant-ended')).map((n) => n.subjectId)).toEqual([id]);
    });
    it('disabling or revoking the holder ends their grants at once; enabling them again does not bring them back', async () => {
      const { h, addUser, actor, run, grant, grantRow, events } = await setup();
      const ann = await addUser('ann@example.com', ['viewer']);
      await addUser('bob@example.com', ['viewer']);
      const annGrant = await grant('ann@example.com', ['admin']);
      const bobGrant = await grant('bob@example.com', ['editor']);
      h.clock.advanceHours(1);
      await run<'disable'>({ kind: 'disable', user: { email: 'ann@example.com' } });
      await run<'revoke'>({ kind: 'revoke', user: { email: 'bob@example.com' } });
      expect(await grantRow(annGrant.id)).toMatchObject({ endedAt: h.clock.now(), endReason: 'disabled' });
      expect(await grantRow(bobGrant.id)).toMatchObject({ endedAt: h.clock.now(), endReason: 'revoked' });
      // Each end is in the trail, as any other end is.
      expect(await events('grant.ended')).toMatchObject([
        { targetEmail: 'ann@example.com', after: { access: 'Admin', endReason: 'disabled' } },
        { targetEmail: 'bob@example.com', after: { access: 'Editor', endReason: 'revoked' } },
      ]);
      await run<'enable'>({ kind: 'enable', user: { email: 'ann@example.com' } });
      expect((await actor(ann)).roleKeys).toEqual(['viewer']);
      h.clock.advanceHours(5);
      expect(await run<'grant-expiry'>({ kind: 'grant-expiry', batch: 50 }, SCHEDULER)).toEqual({ ended: 0 });
    });
  });

  describe('break-glass', () => {
    it('is granted at once where the catalog allows it, with approvals on, and counts as a break-glass grant', async () => {
      const { addUser, actor, run, holder, prisma, events, notices } = await setup({
        grants: { admin: { breakGlass: true, maxHours: 2 } },
        approvals: { 'grant-admin': { approvals: 2 } },
      });
      await addUser('admin2@example.com', ['admin']);
      const ann = await addUser('ann@example.com', ['viewer']);
      const done = await run<'break-glass'>(
        { kind: 'break-glass', role: 'admin', span: { minutes: 60 }, reason: 'SEV-1' },
        await actor(ann),
      );
      expect(done.granted).toMatchObject([{ access: 'Admin' }]);
      expect(await prisma.timedGrant.findMany()).toMatchObject([
        { userId: ann, breakGlass: true, via: 'break-glass', reviewedAt: null },
      ]);
      expect((await actor(ann)).roleKeys).toContain('admin');
      expect((await holder(ann)).temporaryGrants).toMatchObject([{ role: 'admin', breakGlass: true }]);
      expect(await events('grant.break-glass')).toMatchObject([{ actorEmail: 'ann@example.com', after: { via: 'break-glass' } }]);
      // Its loud notice is queued with it: it goes out whether or not the listener that took it can send it.
      const [grant] = await prisma.timedGrant.findMany();
      expect((await notices('break-glass-used')).map((n) => [n.subjectId, n.status])).toEqual([[grant?.id, 'queued']]);
    });

    it('lasts at most 4 hours where the policy names no maxHours for the role', async () => {
      const { addUser, actor, submit, prisma } = await setup({ grants: { admin: { breakGlass: true } } });
      const asAnn = await actor(await addUser('ann@example.com', ['viewer']));
      const glass = (minutes: number) =>
        submit<'break-glass'>({ kind: 'break-glass', role: 'admin', span: { minutes }, reason: 'SEV-1' }, asAnn);
      await expect(glass(5 * 60)).rejects.toMatchObject({ code: 'bad_input', field: 'for' });
      await expect(glass(4 * 60)).resolves.toMatchObject({ status: 'done' });
      expect(await prisma.timedGrant.count()).toBe(1);
    });

    it('is refused where the catalog does not allow it, and over maxHours', async () => {
      const { addUser, actor, submit, prisma } = await setup({
        grants: { admin: { maxHours: 1 }, editor: { breakGlass: true, maxHours: 1 } },
      });
      const asAnn = await actor(await addUser('ann@example.com', ['viewer']));
      const glass = (role: string, minutes = 60) =>
        submit<'break-glass'>({ kind: 'break-glass', role, span: { minutes }, reason: 'SEV-1' }, asAnn);
      await expect(glass('admin')).rejects.toMatchObject({ code: 'forbidden', field: 'role' });
      await expect(glass('contributor')).rejects.toMatchObject({ code: 'forbidden', field: 'role' });
      await expect(glass('editor', 120)).rejects.toMatchObject({ code: 'bad_input', field: 'for' });
      expect(await prisma.timedGrant.count()).toBe(0);
      await expect(glass('editor')).resolves.toMatchObject({ status: 'done' });
    });

    it('is capped at breakGlassPer30Days uses per person, counted over the last 30 days', async () => {
      const { h, addUser, actor, run, submit, prisma } = await setup({
        grants: { admin: { breakGlass: true, breakGlassPer30Days: 2 } },
      });
      const ann = await addUser('ann@example.com', ['viewer']);
      const bob = await addUser('bob@example.com', ['viewer']);
      const t0 = h.clock.now().getTime();
      const glass = async (id: string) =>
        submit<'break-glass'>({ kind: 'break-glass', role: 'admin', span: { minutes: 30 }, reason: 'SEV-1' }, await actor(id));
      for (const n of [0, 1]) {
        h.clock.set(new Date(t0 + n * HOUR_MS));
        await expect(glass(ann)).resolves.toMatchObject({ status: 'done' });
        const { id } = await prisma.timedGrant.findFirstOrThrow({ where: { userId: ann, endedAt: null } });
        await run<'grant-end'>({ kind: 'grant-end', grant: id });
      }
      h.clock.set(new Date(t0 + 2 * HOUR_MS));
      await expect(glass(ann)).rejects.toMatchObject({ code: 'forbidden', message: expect.stringContaining('2 times') });
      // Another person has their own count.
      await expect(glass(bob)).resolves.toMatchObject({ status: 'done' });
      // The first use leaves the window once it started more than 30 days ago.
      h.clock.set(new Date(t0 + 30 * DAY_MS - 1));
      await expect(glass(ann)).rejects.toMatchObject({ code: 'forbidden' });
      h.clock.set(new Date(t0 + 30 * DAY_MS + 1));
      await expect(glass(ann)).resolves.toMatchObject({ status: 'done' });
      expect(await prisma.timedGrant.count({ where: { userId: ann } })).toBe(3);
    });
  });

  describe('break-glass-review', () => {
    /** Ann takes Admin by break-glass; the grant's id. */
    async function glassed(kit: Awaited<ReturnType<typeof setup>>) {
      const ann = await kit.addUser('ann@example.com', ['viewer']);
      await kit.run<'break-glass'>(
        { kind: 'break-glass', role: 'admin', span: { minutes: 60 }, reason: 'SEV-1' },
        await kit.actor(ann),
      );
      const { id } = await kit.prisma.timedGrant.findFirstOrThrow({ where: { userId: ann } });
      return { ann, id };
    }

    it('not by the holder nor a non-Admin; another Admin acknowledges once, and a second click is a conflict', async () => {
      const kit = await setup({ grants: { admin: { breakGlass: true } } });
      const { actor, submit, grantRow, events, addUser, h } = kit;
      const { ann, id } = await glassed(kit);
      const admin2 = await actor(await addUser('admin2@example.com', ['admin']));
      const ed = await actor(await addUser('ed@example.com', ['editor']));
      const review = (as: Actor, decision: 'acknowledge' | 'revoke' = 'acknowledge') =>
        submit<'break-glass-review'>({ kind: 'break-glass-review', grant: id, decision }, as);

      // Ann holds Admin (by the break-glass itself) but may not review her own use.
      await expect(review(await actor(ann))).rejects.toMatchObject({
        code: 'forbidden',
        message: expect.stringContaining('Another Admin'),
      });
      await expect(review(ed)).rejects.toMatchObject({ code: 'forbidden' });
      await expect(review(h.owner)).resolves.toMatchObject({
        status: 'done',
        result: { holderEmail: 'ann@example.com', decision: 'acknowledge', ended: false },
      });
      expect(await grantRow(id)).toMatchObject({ reviewedBy: 'owner@example.com', reviewOutcome: 'acknowledged', endedAt: null });
      expect((await actor(ann)).roleKeys).toContain('admin');
      await expect(review(admin2, 'revoke')).rejects.toMatchObject({ code: 'conflict' });
      expect((await actor(ann)).roleKeys).toContain('admin');
      expect(await events('grant.break-glass-reviewed')).toHaveLength(1);
    });

    it('Revoke ends it now and the holder is told', async () => {
      const kit = await setup({ grants: { admin: { breakGlass: true } } });
      const { actor, run, grantRow, events, notices, h } = kit;
      const { ann, id } = await glassed(kit);
      h.clock.advanceHours(0.25);
      const done = await run<'break-glass-review'>({
        kind: 'break-glass-review',
        grant: id,
        decision: 'revoke',
        note: 'not an incident',
      });
      expect(done).toMatchObject({ decision: 'revoke', ended: true });
      expect((await actor(ann)).roleKeys).toEqual(['viewer']);
      expect(await grantRow(id)).toMatchObject({ reviewOutcome: 'revoked', endReason: 'revoked', endedAt: h.clock.now() });
      expect(await events('grant.ended')).toMatchObject([{ targetEmail: 'ann@example.com', after: { endReason: 'revoked' } }]);
      expect((await notices('grant-ended')).map((n) => n.subjectId)).toEqual([id]);
    });
  });

  describe('the scheduler', () => {
    it('grant-expiry records each end once, audited grant.ended, with a grant-ended notice; only the scheduler runs it', async () => {
      const { h, addUser, submit, run, grant, grantRow, events, notices } = await setup();
      await addUser('ann@example.com', ['viewer']);
      await addUser('ed@example.com', ['editor']);
      const t0 = h.clock.now().getTime();
      const first = await grant('ann@example.com', ['admin'], 60);
      const second = await grant('ed@example.com', ['admin'], 120);
      const expire = () => run<'grant-expiry'>({ kind: 'grant-expiry', batch: 50 }, SCHEDULER);

      await expect(submit<'grant-expiry'>({ kind: 'grant-expiry', batch: 50 })).rejects.toMatchObject({ code: 'forbidden' });
      h.clock.set(new Date(t0 + 60 * MINUTE_MS - 1));
      expect(await expire()).toEqual({ ended: 0 });
      h.clock.set(new Date(t0 + 60 * MINUTE_MS));
      expect(await expire()).toEqual({ ended: 1 });
      expect(await grantRow(first.id)).toMatchObject({
        endedAt: new Date(t0 + 60 * MINUTE_MS),
        endReason: 'expired',
        endedBy: 'roster',
      });
      expect(await grantRow(second.id)).toMatchObject({ endedAt: null });
      expect(await expire()).toEqual({ ended: 0 });
      h.clock.set(new Date(t0 + 5 * HOUR_MS));
      expect(await expire()).toEqual({ ended: 1 });
      expect(await expire()).toEqual({ ended: 0 });

      expect((await events('grant.ended')).map((e) => [e.targetEmail, (e.after as { endReason: string }).endReason])).toEqual([
        ['ann@example.com', 'expired'],
        ['ed@example.com', 'expired'],
      ]);
      expect((await events('grant.ended'))[0]).toMatchObject({
        after: { access: 'Admin', ended: new Date(t0 + 60 * MINUTE_MS).toISOString() },
      });
      expect((await notices('grant-ended')).map((n) => n.subjectId).sort()).toEqual([first.id, second.id].sort());
    });

    it('grant-expiry leaves alone a grant ended early (already recorded, already told)', async () => {
      const { h, addUser, run, grant, events, notices } = await setup();
      await addUser('ann@example.com', ['viewer']);
      const { id } = await grant('ann@example.com', ['admin'], 60);
      await run<'grant-end'>({ kind: 'grant-end', grant: id });
      h.clock.advanceHours(2);
      expect(await run<'grant-expiry'>({ kind: 'grant-expiry', batch: 50 }, SCHEDULER)).toEqual({ ended: 0 });
      expect(await events('grant.ended')).toHaveLength(1);
      expect(await notices('grant-ended')).toHaveLength(1);
    });

    it('grant-warnings warns once per end, within the policy’s warning time, and again after an extension', async () => {
      const { h, addUser, run, grant, grantRow, notices } = await setup({ grantWarningMinutes: 30 });
      await addUser('ann@example.com', ['viewer']);
      await addUser('ed@example.com', ['editor']);
      const t0 = h.clock.now().getTime();
      const { id } = await grant('ann@example.com', ['admin'], 60);
      const ended = await grant('ed@example.com', ['admin'], 60);
      await run<'grant-end'>({ kind: 'grant-end', grant: ended.id });
      const warn = () => run<'grant-warnings'>({ kind: 'grant-warnings', batch: 50 }, SCHEDULER);

      h.clock.set(new Date(t0 + 30 * MINUTE_MS - 1));
      expect(await warn()).toEqual({ warned: 0 });
      h.clock.set(new Date(t0 + 30 * MINUTE_MS));
      expect(await warn()).toEqual({ warned: 1 });
      expect((await grantRow(id)).warnedAt).toEqual(h.clock.now());
      h.clock.set(new Date(t0 + 50 * MINUTE_MS));
      expect(await warn()).toEqual({ warned: 0 });
      expect(await notices('grant-warning')).toHaveLength(1);

      await run<'grant-extend'>({ kind: 'grant-extend', grant: id, span: { minutes: 60 } });
      expect((await grantRow(id)).warnedAt).toBeNull();
      h.clock.set(new Date(t0 + 90 * MINUTE_MS - 1));
      expect(await warn()).toEqual({ warned: 0 });
      h.clock.set(new Date(t0 + 90 * MINUTE_MS));
      expect(await warn()).toEqual({ warned: 1 });
      expect(await warn()).toEqual({ warned: 0 });
      // Past its end it is never warned of.
      h.clock.set(new Date(t0 + 3 * HOUR_MS));
      expect(await warn()).toEqual({ warned: 0 });
      const sent = await notices('grant-warning');
      expect(sent).toHaveLength(2);
      expect(sent.every((n) => n.subjectId === id)).toBe(true);
    });

    it('break-glass-raise raises an unreviewed use again each day, until an Admin reviews it', async () => {
      const kit = await setup({ grants: { admin: { breakGlass: true } } });
      const { h, addUser, actor, run, notices } = kit;
      const ann = await addUser('ann@example.com', ['viewer']);
      const t0 = h.clock.now().getTime();
      await run<'break-glass'>({ kind: 'break-glass', role: 'admin', span: { minutes: 60 }, reason: 'SEV-1' }, await actor(ann));
      const { id } = await kit.prisma.timedGrant.findFirstOrThrow({ where: { userId: ann } });
      const raise = () => run<'break-glass-raise'>({ kind: 'break-glass-raise', batch: 50 }, SCHEDULER);

      h.clock.set(new Date(t0 + DAY_MS - 1));
      expect(await raise()).toEqual({ raised: 0 });
      h.clock.set(new Date(t0 + DAY_MS));
      expect(await raise()).toEqual({ raised: 1 });
      expect(await raise()).toEqual({ raised: 0 });
      h.clock.set(new Date(t0 + 2 * DAY_MS));
      expect(await raise()).toEqual({ raised: 1 });
      await run<'break-glass-review'>({ kind: 'break-glass-review', grant: id, decision: 'acknowledge' });
      h.clock.set(new Date(t0 + 4 * DAY_MS));
      expect(await raise()).toEqual({ raised: 0 });
      expect((await notices('break-glass-raise')).map((n) => n.subjectId)).toEqual([id, id]);
    });

    it.runIf(target === 'postgres')('two replicas recording the ends of 50 grants at once record each exactly once', async () => {
      const { h, prisma, events, notices } = await setup();
      const admin = await prisma.role.findFirstOrThrow({ where: { accountId: h.accountId, key: 'admin' } });
      const t0 = h.clock.now().getTime();
      const users = Array.from({ length: 50 }, (_, n) => ({
        id: crypto.randomUUID(),
        accountId: h.accountId,
        email: `u${n}@example.com`,
        status: 'active' as const,
      }));
      await prisma.user.createMany({ data: users });
      await prisma.timedGrant.createMany({
        data: users.map((u, n) => ({
          accountId: h.accountId,
          userId: u.id,
          roleId: admin.id,
          reason: 'INC-9',
          startsAt: new Date(t0),
          endsAt: new Date(t0 + HOUR_MS + n * 1000),
          grantedBy: 'owner@example.com',
          spanMinutes: 60,
          via: 'admin',
        })),
      });
      h.clock.set(new Date(t0 + 2 * HOUR_MS));
      const other = await openDatabase({ databaseUrl: h.url, dataDir: '/tmp' });
      const recorded: number[] = [];
      try {
        const replicas = [grantServices(h), grantServices(h, { prisma: other.prisma })];
        for (let round = 0; round < 10; round++) {
          const results = await Promise.all(
            replicas.map((services) => services.changes.submit<'grant-expiry'>(SCHEDULER, { kind: 'grant-expiry', batch: 20 })),
          );
          const ended = results.map((r) => (r.status === 'done' ? r.result.ended : Number.NaN));
          recorded.push(...ended);
          if (ended.every((n) => n === 0)) break;
        }
      } finally {
        await other.close();
      }
      expect(recorded.reduce((a, b) => a + b, 0)).toBe(50);
      expect(await prisma.timedGrant.count({ where: { endedAt: null } })).toBe(0);
      expect(await prisma.timedGrant.count({ where: { endReason: 'expired' } })).toBe(50);
      const audited = await events('grant.ended');
      expect(audited).toHaveLength(50);
      expect(new Set(audited.map((e) => e.targetEmail)).size).toBe(50);
      const told = await notices('grant-ended');
      expect(told).toHaveLength(50);
      expect(new Set(told.map((n) => n.subjectId)).size).toBe(50);
    });
  });

  describe('the directory’s rules', () => {
    it('timeBoundOnly: Admin for good is refused to anyone but the owner (roles, invites); for a while it is given', async () => {
      const { h, addUser, submit, run, prisma } = await setup({
        grants: { admin: { timeBoundOnly: true }, editor: { timeBoundOnly: true } },
      });
      const ann = await addUser('ann@example.com', ['viewer']);
      await expect(
        submit<'change-roles'>({ kind: 'change-roles', user: { email: 'ann@example.com' }, add: ['admin'], remove: [] }),
      ).rejects.toMatchObject({ code: 'forbidden', field: 'roles' });
      await expect(
        submit<'set-roles'>({ kind: 'set-roles', user: { email: 'ann@example.com' }, role: 'admin' }),
      ).rejects.toMatchObject({ code: 'forbidden', field: 'roles' });
      await expect(submit<'invite'>({ kind: 'invite', emails: ['new@example.com'], role: 'admin' })).rejects.toMatchObject({
        code: 'forbidden',
      });
      expect(await prisma.userRole.findMany({ where: { userId: ann }, include: { role: true } })).toMatchObject([
        { role: { key: 'viewer' } },
      ]);
      expect(await prisma.user.count({ where: { email: 'new@example.com' } })).toBe(0);
      // The owner may hold it for good.
      await expect(
        run<'change-roles'>({ kind: 'change-roles', user: { email: 'owner@example.com' }, add: ['editor'], remove: [] }),
      ).resolves.toBeDefined();
      // A role not named timeBoundOnly is given for good as ever; Admin for a while is given.
      await expect(
        run<'change-roles'>({ kind: 'change-roles', user: { email: 'ann@example.com' }, add: ['contributor'], remove: [] }),
      ).resolves.toBeDefined();
      await expect(
        run<'grant-timed'>({
          kind: 'grant-timed',
          user: { email: 'ann@example.com' },
          roles: ['admin'],
          perms: [],
          span: { minutes: 60 },
          reason: 'INC-1',
        }),
      ).resolves.toMatchObject({ granted: [{ access: 'Admin' }] });
      expect(h.owner.userId).not.toBe(ann);
    });

    it('timeBoundOnly Admin: the owner can still hand ownership on, to someone holding Admin for a while', async () => {
      // Nobody but the owner may hold Admin for good, and only an Admin may be given ownership: the transfer
      // itself is the way a new owner comes to hold it for good (as the owner rule then requires).
      const { h, addUser, submit, grant, grantRow, prisma, events } = await setup({ grants: { admin: { timeBoundOnly: true } } });
      const ann = await addUser('ann@example.com', ['viewer']);
      const timed = await grant('ann@example.com', ['admin']);
      await expect(submit<'owner'>({ kind: 'owner', user: { email: 'ann@example.com' } })).resolves.toMatchObject({
        status: 'done',
      });
      expect((await prisma.account.findUniqueOrThrow({ where: { id: h.accountId } })).ownerId).toBe(ann);
      expect(
        (await prisma.userRole.findMany({ where: { userId: ann }, include: { role: true } })).map((r) => r.role.key),
      ).toContain('admin');
      // Admin for good replaces Admin for a while, and the trail says so.
      expect(await grantRow(timed.id)).toMatchObject({ endedAt: h.clock.now(), endReason: 'permanent' });
      expect(await events('user.roles-changed')).toMatchObject([
        { targetEmail: 'ann@example.com', after: { roles: ['admin', 'viewer'] } },
      ]);
    });

    it('ownership to someone holding Admin only for a while is a grant of Admin: it waits for an approver', async () => {
      const { h, addUser, submit, prisma } = await setup({ approvals: { 'grant-admin': { approvals: 1 } } });
      await addUser('ada@example.com', ['admin']);
      const ann = await addUser('ann@example.com', ['viewer']);
      const admin = await prisma.role.findFirstOrThrow({ where: { accountId: h.accountId, key: 'admin' } });
      const now = h.clock.now();
      await prisma.timedGrant.create({
        data: {
          accountId: h.accountId,
          userId: ann,
          roleId: admin.id,
          reason: 'INC-1',
          startsAt: now,
          endsAt: new Date(now.getTime() + 3_600_000),
          grantedBy: 'owner@example.com',
          spanMinutes: 60,
          via: 'admin',
        },
      });
      await expect(submit<'owner'>({ kind: 'owner', user: { email: 'ann@example.com' } })).resolves.toMatchObject({
        status: 'awaiting',
        request: { action: 'grant-admin' },
      });
      expect(await prisma.userRole.count({ where: { userId: ann, role: { key: 'admin' } } })).toBe(0);
    });

    it('timeBoundOnly: SCIM creates refuse a role given only for a while, one by one and in a /Bulk run alike', async () => {
      const { services, prisma } = await setup({ grants: { viewer: { timeBoundOnly: true } } });
      // No roles named: each user would get the default role (Viewer), for good.
      const create = (email: string) => ({
        kind: 'scim-user' as const,
        attributes: {
          email,
          userName: email.toUpperCase(),
          name: 'Ada Lovelace',
          givenName: 'Ada',
          familyName: 'Lovelace',
          externalId: `ext-${email}`,
          active: true,
          properties: {},
        },
      });
      await expect(services.changes.submit(scimActor(), create('one@example.com'))).rejects.toMatchObject({
        code: 'forbidden',
        field: 'roles',
      });
      const outcomes = await services.changes.submitBatch(scimActor(), [create('b1@example.com'), create('b2@example.com')]);
      expect(outcomes).toMatchObject([
        { status: 'failed', error: { code: 'forbidden' } },
        { status: 'failed', error: { code: 'forbidden' } },
      ]);
      expect(await prisma.user.count({ where: { email: { in: ['one@example.com', 'b1@example.com', 'b2@example.com'] } } })).toBe(
        0,
      );
    });

    it('a temporary Admin never counts as the last Admin: removing the last permanent one is refused', async () => {
      const { h, addUser, actor, submit, grant, prisma } = await setup();
      // Without an owner, the rule that an active Admin remains is what holds.
      await prisma.account.update({ where: { id: h.accountId }, data: { ownerId: null } });
      const ann = await addUser('ann@example.com', ['viewer']);
      await grant('ann@example.com', ['admin']);
      const asAnn = await actor(ann);
      expect(asAnn.roleKeys).toContain('admin');
      for (const as of [h.owner, asAnn]) {
        await expect(
          submit<'change-roles'>(
            { kind: 'change-roles', user: { email: 'owner@example.com' }, add: ['editor'], remove: ['admin'] },
            as,
          ),
        ).rejects.toMatchObject({ code: 'last_admin' });
      }
      expect(
        (await prisma.userRole.findMany({ where: { user: { email: 'owner@example.com' } }, include: { role: true } })).map(
          (r) => r.role.key,
        ),
      ).toEqual(['admin']);
    });

    it('a temporary Admin cannot make their Admin permanent: that is a self-grant', async () => {
      const { addUser, actor, submit, grant, prisma } = await setup();
      const ann = await addUser('ann@example.com', ['viewer']);
      await grant('ann@example.com', ['admin']);
      await expect(
        submit<'change-roles'>(
          { kind: 'change-roles', user: { email: 'ann@example.com' }, add: ['admin'], remove: [] },
          await actor(ann),
        ),
      ).rejects.toMatchObject({ code: 'forbidden', message: expect.stringContaining('You cannot give yourself') });
      expect(await prisma.userRole.count({ where: { userId: ann } })).toBe(1);
    });
  });
});
