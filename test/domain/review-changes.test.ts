/**
 * Access reviews (issue 25) through the change layer (review-changes.ts) over a real store: starting a
 * campaign (its scope, rows and reviewers), a reviewer's decisions and the directory change a removal
 * or revocation makes (waiting for an approver where the policy says so), closing, the owner's
 * reassignment, the scheduler's reminders and overdue notices, and one decision or one period under
 * concurrency. The reviewer assignment (review-assignment.ts) is pure and tested directly first.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/domain/access/actor';
import type { ChangeResult } from '../../src/domain/changes/change-handlers';
import type { ChangeKind, ChangeOf } from '../../src/domain/changes/directory-change';
import { assignReviewers, type ReviewerPool } from '../../src/domain/reviews/review-assignment';
import { openDatabase } from '../../src/store/database';
import type { ReviewerContact, ReviewRow, ReviewSubject } from '../../src/store/reviews/review-reads';
import { changeKit, type DomainHarness, domainStore, startDomainHarness, systemActor } from '../support/domain-harness';
import { testTargets } from '../support/test-database';

const DAY_MS = 86_400_000;
const SCHEDULER = systemActor('scheduler');

/** A reviewer `id`, reachable at `id@example.com`. */
const person = (id: string): ReviewerContact => ({ id, email: `${id}@example.com`, slackUserId: null });

/** One row's subject: user `userId` (at `userId@example.com`) holding `access`. */
const subject = (userId: string, access = 'role:editor', invitedById: string | null = null): ReviewSubject => ({
  userId,
  email: `${userId}@example.com`,
  name: null,
  access,
  accessId: null,
  lastLoginAt: null,
  invitedById,
  invitedByEmail: invitedById ? `${invitedById}@example.com` : null,
  invitedAt: null,
});

/** How many users (not rows) each reviewer got, by reviewer id. */
function usersPerReviewer(assigned: { userId: string; reviewer: ReviewerContact }[]): Record<string, number> {
  const users = new Map<string, string>();
  for (const row of assigned) users.set(row.userId, row.reviewer.id);
  const counts: Record<string, number> = {};
  for (const reviewer of users.values()) counts[reviewer] = (counts[reviewer] ?? 0) + 1;
  return counts;
}

describe('assignReviewers', () => {
  const pool = (reviewers: ReviewerContact[], more: Partial<ReviewerPool> = {}): ReviewerPool => ({
    pool: reviewers,
    admins: [],
    owner: null,
    ...more,
  });

  it('spreads users evenly over the pool, in turn', () => {
    const subjects = ['u1', 'u2', 'u3', 'u4', 'u5', 'u6'].map((id) => subject(id));
    const assigned = assignReviewers(subjects, pool([person('a'), person('b'), person('c')]));
    expect(assigned.map((row) => row.reviewer.id)).toEqual(['a', 'b', 'c', 'a', 'b', 'c']);
    expect(assigned.map((row) => row.userId)).toEqual(['u1', 'u2', 'u3', 'u4', 'u5', 'u6']);
  });

  it('still spreads evenly when it has to skip a reviewer who is the user under review', () => {
    // Reviewer `a` is also under review: their row goes to someone else, and the rest still share out 2–2–2.
    const subjects = ['a', 'u1', 'u2', 'u3', 'u4', 'u5'].map((id) => subject(id));
    const assigned = assignReviewers(subjects, pool([person('a'), person('b'), person('c')]));
    expect(assigned[0]?.reviewer.id).not.toBe('a');
    expect(usersPerReviewer(assigned)).toEqual({ a: 2, b: 2, c: 2 });
  });

  it('gives all of one user’s rows to one reviewer', () => {
    const subjects = [
      subject('u1', 'role:admin'),
      subject('u1', 'role:editor'),
      subject('u1', 'group:Sales'),
      subject('u2', 'role:editor'),
      subject('u2', 'perm:users:export'),
    ];
    const assigned = assignReviewers(subjects, pool([person('a'), person('b')]));
    expect(assigned.map((row) => [row.userId, row.access, row.reviewer.id])).toEqual([
      ['u1', 'role:admin', 'a'],
      ['u1', 'role:editor', 'a'],
      ['u1', 'group:Sales', 'a'],
      ['u2', 'role:editor', 'b'],
      ['u2', 'perm:users:export', 'b'],
    ]);
  });

  it('never gives users their own access, and the owner’s goes to another Admin', () => {
    const owner = person('owner');
    const subjects = [subject('owner', 'role:admin'), subject('u1')];
    const assigned = assignReviewers(subjects, pool([owner], { owner, admins: [person('admin2'), owner] }));
    expect(assigned.map((row) => [row.userId, row.reviewer.id])).toEqual([
      ['owner', 'admin2'],
      ['u1', 'owner'],
    ]);
    for (const row of assignReviewers(subjects, pool([person('a'), person('b')]))) {
      expect(row.reviewer.id).not.toBe(row.userId);
    }
  });

  it('gives a user’s rows to their inviter, and to the pool (or the owner) when the inviter is not there', () => {
    const owner = person('owner');
    const subjects = [subject('u1', 'role:editor', 'inv'), subject('u2', 'role:editor', 'gone'), subject('u3')];
    const inviters = new Map([['inv', person('inv')]]);
    const assigned = assignReviewers(subjects, pool([], { owner, inviters }));
    expect(assigned.map((row) => [row.userId, row.reviewer.id])).toEqual([
      ['u1', 'inv'],
      ['u2', 'owner'],
      ['u3', 'owner'],
    ]);
  });

  it('refuses, naming them, users nobody but themselves could review', () => {
    const owner = person('owner');
    let refused: unknown;
    try {
      assignReviewers([subject('owner', 'role:admin'), subject('u1')], pool([owner], { owner, admins: [owner] }));
    } catch (error) {
      refused = error;
    }
    expect(refused).toMatchObject({ code: 'bad_input', field: 'reviewer' });
    expect((refused as Error).message).toContain('owner@example.com');
    expect((refused as Error).message).not.toContain('u1@example.com');

    const many = ['u1', 'u2', 'u3', 'u4', 'u5', 'u6', 'u7'].map((id) => subject(id));
    expect(() => assignReviewers(many, pool([]))).toThrow(
      /u1@example\.com, u2@example\.com, u3@example\.com, u4@example\.com, u5@example\.com and 2 more/,
    );
  });
});

describe.each(testTargets())('access review changes (%s store)', (target) => {
  const store = domainStore(target);
  afterAll(() => store.close());

  /** What most tests start with: roles admin and editor under review, the owner reviewing, due in 14 days. */
  const reviewOf = (more: Partial<ChangeOf<'review-start'>> = {}): ChangeOf<'review-start'> => ({
    kind: 'review-start',
    scope: { roles: ['admin', 'editor'], perms: [], groups: [], partners: [], everyone: false },
    reviewers: ['owner'],
    onOverdue: 'remind',
    dueDays: 14,
    ...more,
  });

  const scopeOf = (more: Partial<ChangeOf<'review-start'>['scope']>): ChangeOf<'review-start'>['scope'] => ({
    roles: [],
    perms: [],
    groups: [],
    partners: [],
    everyone: false,
    ...more,
  });

  /** A fresh account, its services, and short ways to seed users and run and read reviews. */
  async function setup(options: Parameters<DomainHarness['services']>[0] = {}, own?: DomainHarness) {
    const h = own ?? (await store.fresh());
    const kit = changeKit(h, options);
    const { prisma, services } = kit;
    /** Submits a change that must be done now (not waiting for approval); its result. */
    const run = async <K extends ChangeKind>(change: ChangeOf<K>, as: Actor = h.owner): Promise<ChangeResult<K>> => {
      const submitted = await services.changes.submit<K>(as, change);
      if (submitted.status !== 'done') throw new Error(`${change.kind} waits for approval`);
      return submitted.result;
    };
    const start = (more: Partial<ChangeOf<'review-start'>> = {}, as: Actor = h.owner) => run<'review-start'>(reviewOf(more), as);
    const decide = (row: ReviewRow, decision: 'keep' | 'remove' | 'revoke', as: Actor = h.owner, note?: string) =>
      services.changes.submit<'review-decide'>(as, {
        kind: 'review-decide',
        campaign: row.campaignId,
        rows: [row.id],
        decision,
        ...(note ? { note } : {}),
      });
    const rows = () => prisma.reviewRow.findMany({ orderBy: [{ campaignId: 'asc' }, { position: 'asc' }] });
    const rowOf = async (email: string, access?: string) =>
      prisma.reviewRow.findFirstOrThrow({
        where: { email, ...(access ? { access } : {}) },
        orderBy: { campaign: { number: 'asc' } },
      });
    const campaign = (id: string) => prisma.reviewCampaign.findUniqueOrThrow({ where: { id } });
    const notices = (rule: string) => prisma.sentNotice.findMany({ where: { rule }, orderBy: { dedupeKey: 'asc' } });
    const read = (email: string) =>
      prisma.user.findFirstOrThrow({
        where: { accountId: h.accountId, email },
        include: { roles: { include: { role: true } }, groups: { include: { group: true } } },
      });
    const rolesOf = async (email: string) =>
      (await read(email)).roles.map((r) => (r.scope ? `${r.role.key}=${r.scope}` : r.role.key)).sort();
    const asUser = async (email: string) => kit.actor((await read(email)).id);
    const invitedBy = async (email: string, inviter: string) => {
      const by = await read(inviter);
      await prisma.user.update({
        where: { id: (await read(email)).id },
        data: { invitedById: by.id, invitedAt: new Date('2026-10-01T00:00:00Z') },
      });
    };
    return { h, ...kit, run, start, decide, rows, rowOf, campaign, notices, read, rolesOf, asUser, invitedBy };
  }

  describe('review-start', () => {
    it('makes one row per active user and role held, in e-mail order; the owner’s own row goes to another Admin', async () => {
      const { h, addUser, start, rows, campaign, events } = await setup();
      await addUser('admin2@example.com', ['admin']);
      await addUser('duo@example.com', ['admin', 'editor']);
      await addUser('ed@example.com', ['editor']);
      await addUser('vic@example.com', ['viewer']);
      await addUser('invited@example.com', ['editor'], 'invited');
      await addUser('disabled@example.com', ['admin'], 'disabled');
      await addUser('revoked@example.com', ['editor'], 'revoked');
      const now = h.clock.now();

      const started = await start();
      expect(started).toMatchObject({ rows: 5, users: 4, campaign: { number: 1, status: 'open' } });
      const all = await rows();
      expect(all.map((row) => [row.position, row.email, row.access])).toEqual([
        [0, 'admin2@example.com', 'role:admin'],
        [1, 'duo@example.com', 'role:admin'],
        [2, 'duo@example.com', 'role:editor'],
        [3, 'ed@example.com', 'role:editor'],
        [4, 'owner@example.com', 'role:admin'],
      ]);
      expect(all.every((row) => row.decision === null && row.campaignId === started.campaign.id)).toBe(true);
      // Everyone else's rows are the owner's to review; the owner's own admin row another Admin's.
      expect(all.slice(0, 4).map((row) => row.reviewerEmail)).toEqual(Array(4).fill('owner@example.com'));
      const ownRow = all[4] as ReviewRow;
      expect(['admin2@example.com', 'duo@example.com']).toContain(ownRow.reviewerEmail);
      expect(ownRow.reviewerId).not.toBe(h.owner.userId);
      expect(started.reviewers.map((r) => [r.email, r.rows]).sort()).toEqual([
        [ownRow.reviewerEmail, 1],
        ['owner@example.com', 4],
      ]);

      const stored = await campaign(started.campaign.id);
      expect(stored).toMatchObject({
        accountId: h.accountId,
        name: 'Access review of role admin, editor',
        onOverdue: 'remind',
        status: 'open',
        startedById: h.owner.userId,
        startedByEmail: 'owner@example.com',
        schedule: null,
        periodKey: null,
        reviewers: ['owner'],
      });
      expect(stored.dueAt.getTime()).toBe(now.getTime() + 14 * DAY_MS);
      expect(stored.nextReminderAt?.getTime()).toBe(now.getTime() + 3 * DAY_MS);
      const [event, ...more] = await events('review.started');
      expect(more).toHaveLength(0);
      expect(event).toMatchObject({
        actorEmail: 'owner@example.com',
        after: { campaign: 1, rows: 5, users: 4, onOverdue: 'remind', dueAt: stored.dueAt.toISOString() },
      });

      // The next campaign is number 2.
      expect((await start({ name: 'Editors again', scope: scopeOf({ roles: ['EDITOR'] }) })).campaign).toMatchObject({
        number: 2,
        name: 'Editors again',
      });
    });

    it('covers extra permissions, groups, partner scopes and everyone, each as its own access text', async () => {
      const { h, addUser, submit, start, rows, prisma } = await setup();
      await h.settings().update(h.owner, { version: 1, catalogPreset: 'partners' });
      await submit({ kind: 'partner-add', name: 'Acme' });
      await submit({ kind: 'group-create', name: 'Sales' });
      const nora = await addUser('nora@example.com', ['normal']);
      await submit({ kind: 'change-roles', user: { email: 'nora@example.com' }, add: ['partner=acme'], remove: [] });
      await prisma.user.update({ where: { id: nora }, data: { extraPermissions: ['users:export'] } });
      const sales = await prisma.group.findFirstOrThrow({ where: { name: 'Sales' } });
      await prisma.groupMembership.create({ data: { groupId: sales.id, userId: nora } });
      await addUser('gone@example.com', ['normal'], 'disabled');
      await addUser('admin2@example.com', ['admin']);

      await start({ scope: scopeOf({ perms: ['USERS:EXPORT'], groups: ['sales'], partners: ['ACME'] }) });
      expect((await rows()).map((row) => [row.email, row.access])).toEqual([
        ['nora@example.com', 'group:Sales'],
        ['nora@example.com', 'perm:users:export'],
        ['nora@example.com', 'role:partner=Acme'],
      ]);

      await start({ scope: scopeOf({ everyone: true }), reviewers: ['approvers'] });
      const everyone = (await rows()).filter((row) => row.access === 'account');
      expect(everyone.map((row) => row.email)).toEqual(['admin2@example.com', 'nora@example.com', 'owner@example.com']);
      expect(everyone.every((row) => row.reviewerId !== row.userId)).toBe(true);
    });

    it('needs roles:manage: a viewer is refused and nothing is written', async () => {
      const { addUser, asUser, start, prisma } = await setup();
      await addUser('ed@example.com', ['editor']);
      await addUser('vic@example.com', ['viewer']);
      await expect(start({}, await asUser('vic@example.com'))).rejects.toMatchObject({ code: 'forbidden' });
      expect(await prisma.reviewCampaign.count()).toBe(0);
      expect(await prisma.reviewRow.count()).toBe(0);
    });

    it('refuses a scope naming what the account lacks, naming it and its field', async () => {
      const { addUser, start, prisma } = await setup();
      await addUser('ed@example.com', ['editor']);
      await expect(start({ scope: scopeOf({ roles: ['editor', 'auditor'] }) })).rejects.toMatchObject({
        code: 'not_found',
        field: 'role',
        message: expect.stringContaining('auditor'),
      });
      await expect(start({ scope: scopeOf({ perms: ['reports:burn'] }) })).rejects.toMatchObject({
        code: 'not_found',
        field: 'perm',
        message: expect.stringContaining('reports:burn'),
      });
      await expect(start({ scope: scopeOf({ groups: ['Ghosts'] }) })).rejects.toMatchObject({
        code: 'not_found',
        field: 'group',
        message: expect.stringContaining('Ghosts'),
      });
      await expect(start({ scope: scopeOf({ partners: ['Acme'] }) })).rejects.toMatchObject({
        code: 'not_found',
        field: 'partner',
        message: expect.stringContaining('Acme'),
      });
      expect(await prisma.reviewCampaign.count()).toBe(0);
    });

    it('refuses a scope with nothing in it, or that nobody active holds, and a due date already past', async () => {
      const { addUser, start, prisma } = await setup();
      await addUser('ed@example.com', ['editor']);
      await addUser('con@example.com', ['contributor'], 'disabled');
      await expect(start({ scope: scopeOf({}) })).rejects.toThrow('name what is under review');
      await expect(start({ scope: scopeOf({ roles: ['contributor'] }) })).rejects.toMatchObject({
        code: 'bad_input',
        message: expect.stringContaining('nothing to review'),
      });
      await expect(
        start({ scope: scopeOf({ roles: ['editor'] }), dueDays: undefined, dueAt: '2026-11-01T00:00:00Z' }),
      ).rejects.toMatchObject({
        code: 'bad_input',
        field: 'due',
      });
      expect(await prisma.reviewCampaign.count()).toBe(0);
      // A due date ahead is taken as given.
      const started = await start({ scope: scopeOf({ roles: ['editor'] }), dueDays: undefined, dueAt: '2026-12-24T17:00:00Z' });
      expect(started.campaign.dueAt.toISOString()).toBe('2026-12-24T17:00:00.000Z');
    });

    it('refuses a scope whose only holder nobody else could review, naming them', async () => {
      const { start, prisma } = await setup();
      await expect(start({ scope: scopeOf({ roles: ['admin'] }) })).rejects.toMatchObject({
        code: 'bad_input',
        field: 'reviewer',
        message: expect.stringContaining('owner@example.com'),
      });
      expect(await prisma.reviewCampaign.count()).toBe(0);
    });

    it('starts a scheduled period once: a second start of it is refused', async () => {
      // The second start fails on the unique index inside the change's transaction (the scheduler checks
      // for the period first and tolerates the violation), and on the embedded store an SQL error there
      // leaves the connection answering one statement behind (PGlite sends two ReadyForQuery for a failed
      // extended-protocol unit): this test has a store of its own.
      const own = await startDomainHarness(target);
      try {
        const { addUser, start, notices, prisma } = await setup({}, own);
        await addUser('ed@example.com', ['editor']);
        await addUser('admin2@example.com', ['admin']);
        const scheduled = { scope: scopeOf({ roles: ['editor'] }), schedule: { name: 'q', periodKey: '1' } };
        const started = await start(scheduled, SCHEDULER);
        expect(started.campaign).toMatchObject({
          name: 'q',
          schedule: 'q',
          periodKey: 'q@1',
          startedById: null,
          startedByEmail: 'roster',
        });
        // A scheduled campaign's reviewers are told by the scheduler's notices.
        expect((await notices('review-assigned')).map((n) => n.subjectId)).toEqual([started.campaign.id]);
        await expect(start(scheduled, SCHEDULER)).rejects.toThrow();
        expect(await prisma.reviewCampaign.count()).toBe(1);
        // The next period starts.
        await start({ ...scheduled, schedule: { name: 'q', periodKey: '2' } }, SCHEDULER);
        expect(await prisma.reviewCampaign.count()).toBe(2);
      } finally {
        await own.close();
      }
    });
  });

  describe('reviewers', () => {
    it('`approvers` spreads users evenly across every approver', async () => {
      const { addUser, start, rows } = await setup();
      await addUser('a@example.com', ['admin']);
      await addUser('b@example.com', ['admin']);
      for (const n of [1, 2, 3, 4, 5, 6]) await addUser(`e${n}@example.com`, ['editor']);
      const started = await start({ scope: scopeOf({ roles: ['editor'] }), reviewers: ['approvers'] });
      expect(started.reviewers.map((r) => [r.email, r.rows]).sort()).toEqual([
        ['a@example.com', 2],
        ['b@example.com', 2],
        ['owner@example.com', 2],
      ]);
      expect((await rows()).map((row) => row.reviewerEmail)).toEqual([
        'a@example.com',
        'b@example.com',
        'owner@example.com',
        'a@example.com',
        'b@example.com',
        'owner@example.com',
      ]);
    });

    it('`inviter` gives each user’s rows to their inviter, and to the owner when the inviter is not active', async () => {
      const { addUser, invitedBy, start, rows } = await setup();
      await addUser('inv@example.com', ['viewer']);
      await addUser('left@example.com', ['viewer'], 'disabled');
      for (const email of ['u1@example.com', 'u2@example.com', 'u3@example.com']) await addUser(email, ['editor']);
      await invitedBy('u1@example.com', 'inv@example.com');
      await invitedBy('u2@example.com', 'left@example.com');
      await start({ scope: scopeOf({ roles: ['editor'] }), reviewers: ['inviter'] });
      expect((await rows()).map((row) => [row.email, row.reviewerEmail, row.invitedByEmail])).toEqual([
        ['u1@example.com', 'inv@example.com', 'inv@example.com'],
        ['u2@example.com', 'owner@example.com', 'left@example.com'],
        ['u3@example.com', 'owner@example.com', null],
      ]);
    });

    it('takes a named reviewer who is active, and refuses one who is disabled or unknown', async () => {
      const { addUser, start, rows, prisma } = await setup();
      await addUser('ed@example.com', ['editor']);
      await addUser('rev@example.com', ['viewer']);
      await addUser('off@example.com', ['viewer'], 'disabled');
      const scope = scopeOf({ roles: ['editor'] });
      await expect(start({ scope, reviewers: [{ email: 'off@example.com' }] })).rejects.toMatchObject({
        code: 'invalid_state',
        field: 'reviewer',
        message: expect.stringContaining('off@example.com'),
      });
      await expect(start({ scope, reviewers: [{ email: 'nobody@example.com' }] })).rejects.toMatchObject({
        code: 'not_found',
      });
      expect(await prisma.reviewCampaign.count()).toBe(0);
      await start({ scope, reviewers: [{ email: 'rev@example.com' }] });
      expect((await rows()).map((row) => [row.email, row.reviewerEmail])).toEqual([['ed@example.com', 'rev@example.com']]);
    });
  });

  describe('review-decide', () => {
    it('keeps a row: decided by its reviewer, once; nobody else decides it', async () => {
      const { h, addUser, asUser, start, decide, rowOf, campaign, events, submit, prisma } = await setup();
      await addUser('admin2@example.com', ['admin']);
      for (const n of [1, 2, 3]) await addUser(`e${n}@example.com`, ['editor', 'viewer']);
      const { campaign: started } = await start({ scope: scopeOf({ roles: ['editor'] }) });
      const row = await rowOf('e1@example.com');

      await expect(decide(row, 'keep', await asUser('admin2@example.com'))).rejects.toMatchObject({
        code: 'forbidden',
        message: expect.stringContaining('owner@example.com'),
      });
      h.clock.advanceHours(5);
      const done = await decide(row, 'keep', h.owner, 'still edits the blog');
      expect(done).toMatchObject({ status: 'done', result: { decided: 1, closed: false, outcome: 'Kept.' } });
      expect(await rowOf('e1@example.com')).toMatchObject({
        decision: 'keep',
        note: 'still edits the blog',
        decidedById: h.owner.userId,
        decidedByEmail: 'owner@example.com',
        decidedAt: h.clock.now(),
        outcome: 'Kept.',
      });
      await expect(decide(row, 'keep')).rejects.toMatchObject({ code: 'conflict' });
      await expect(decide(row, 'remove')).rejects.toMatchObject({ code: 'conflict' });
      // Remove and revoke go one row at a time; rows must be the campaign's.
      const [e2, e3] = [await rowOf('e2@example.com'), await rowOf('e3@example.com')];
      const several = { kind: 'review-decide' as const, campaign: started.id, rows: [e2.id, e3.id] };
      await expect(submit({ ...several, decision: 'remove' })).rejects.toMatchObject({ code: 'bad_input' });
      await expect(submit({ ...several, decision: 'revoke' })).rejects.toMatchObject({ code: 'bad_input' });
      const { campaign: second } = await start({ scope: scopeOf({ roles: ['editor'] }) });
      const elsewhere = await prisma.reviewRow.findFirstOrThrow({ where: { campaignId: second.id } });
      await expect(submit({ ...several, rows: [e2.id, elsewhere.id], decision: 'keep' })).rejects.toMatchObject({
        code: 'not_found',
      });
      expect((await campaign(started.id)).status).toBe('open');
      expect(await rowOf('e2@example.com')).toMatchObject({ decision: null });
      expect(await events('review.decided')).toHaveLength(1);
      expect(await events('review.closed')).toHaveLength(0);
    });

    it('closes the campaign when its last open row is decided, and queues the report', async () => {
      const { h, addUser, start, decide, rowOf, campaign, events, notices, services } = await setup();
      await addUser('e1@example.com', ['editor']);
      await addUser('e2@example.com', ['editor']);
      const { campaign: started } = await start({ scope: scopeOf({ roles: ['editor'] }) });
      await decide(await rowOf('e1@example.com'), 'keep');
      expect(await notices('review-report')).toHaveLength(0);
      h.clock.advanceHours(1);
      // Deciding several rows at once is one decision (keep only).
      const done = await services.changes.submit(h.owner, {
        kind: 'review-decide',
        campaign: started.id,
        rows: [(await rowOf('e1@example.com')).id, (await rowOf('e2@example.com')).id],
        decision: 'keep',
      });
      expect(done).toMatchObject({ status: 'done', result: { decided: 1, closed: true } });
      expect(await campaign(started.id)).toMatchObject({
        status: 'closed',
        closeReason: 'decided',
        closedAt: h.clock.now(),
        closedByEmail: 'owner@example.com',
        nextReminderAt: null,
      });
      expect((await notices('review-report')).map((n) => n.subjectId)).toEqual([started.id]);
      const [closed, ...more] = await events('review.closed');
      expect(more).toHaveLength(0);
      expect(closed).toMatchObject({ after: { campaign: 1, reason: 'decided' } });
      // A closed campaign's decisions are final.
      await expect(decide(await rowOf('e2@example.com'), 'remove')).rejects.toMatchObject({ code: 'invalid_state' });
    });

    it('keeps every row left for the reviewer at once (“Keep all left”), and nothing else', async () => {
      const { addUser, asUser, submit, start, rows, campaign } = await setup();
      await addUser('admin2@example.com', ['admin']);
      for (const n of [1, 2, 3, 4]) await addUser(`e${n}@example.com`, ['editor']);
      const { campaign: started } = await start({ scope: scopeOf({ roles: ['editor'] }), reviewers: ['approvers'] });
      const allLeft = { kind: 'review-decide' as const, campaign: started.id, rows: [], allOpen: true };
      await expect(submit({ ...allLeft, decision: 'remove' })).rejects.toMatchObject({ code: 'bad_input' });
      await expect(submit({ ...allLeft, decision: 'keep' }, SCHEDULER)).rejects.toMatchObject({ code: 'bad_input' });
      await expect(submit({ ...allLeft, allOpen: false, decision: 'keep' })).rejects.toMatchObject({ code: 'bad_input' });

      await expect(submit({ ...allLeft, decision: 'keep' })).resolves.toMatchObject({
        status: 'done',
        result: { decided: 2, closed: false },
      });
      expect((await rows()).map((row) => [row.email, row.reviewerEmail, row.decision])).toEqual([
        ['e1@example.com', 'admin2@example.com', null],
        ['e2@example.com', 'owner@example.com', 'keep'],
        ['e3@example.com', 'admin2@example.com', null],
        ['e4@example.com', 'owner@example.com', 'keep'],
      ]);
      await expect(submit({ ...allLeft, decision: 'keep' })).rejects.toMatchObject({ code: 'conflict' });
      await expect(submit({ ...allLeft, decision: 'keep' }, await asUser('admin2@example.com'))).resolves.toMatchObject({
        result: { decided: 2, closed: true },
      });
      expect(await campaign(started.id)).toMatchObject({ status: 'closed', closeReason: 'decided' });
    });

    it('removes a row’s access with its own kind of change: a role, an extra permission, a group, the account', async () => {
      const { addUser, submit, start, decide, rowOf, read, rolesOf, events, prisma } = await setup();
      await addUser('admin2@example.com', ['admin']);
      await addUser('ann@example.com', ['editor', 'viewer']);
      const ben = await addUser('ben@example.com', ['viewer']);
      await prisma.user.update({ where: { id: ben }, data: { extraPermissions: ['users:view'] } });
      const cat = await addUser('cat@example.com', ['viewer']);
      await submit({ kind: 'group-create', name: 'Sales' });
      const sales = await prisma.group.findFirstOrThrow({ where: { name: 'Sales' } });
      await prisma.groupMembership.create({ data: { groupId: sales.id, userId: cat } });
      await start({ scope: scopeOf({ roles: ['editor'], perms: ['users:view'], groups: ['SALES'] }) });

      const role = await decide(await rowOf('ann@example.com', 'role:editor'), 'remove');
      expect(role).toMatchObject({ status: 'done', result: { decided: 1, outcome: 'Roles of ann@example.com are now viewer.' } });
      expect(await rolesOf('ann@example.com')).toEqual(['viewer']);
      expect(await events('user.roles-changed')).toMatchObject([
        { targetEmail: 'ann@example.com', before: { roles: ['editor', 'viewer'] }, after: { roles: ['viewer'] } },
      ]);
      expect(await rowOf('ann@example.com')).toMatchObject({ decision: 'remove', decidedByEmail: 'owner@example.com' });

      await decide(await rowOf('ben@example.com', 'perm:users:view'), 'remove');
      expect((await read('ben@example.com')).extraPermissions).toEqual([]);
      expect(await events('user.perms-changed')).toMatchObject([{ targetEmail: 'ben@example.com' }]);

      await decide(await rowOf('cat@example.com', 'group:Sales'), 'remove');
      expect((await read('cat@example.com')).groups).toEqual([]);
      expect(await events('user.groups-changed')).toMatchObject([{ targetEmail: 'cat@example.com' }]);
      expect((await events('review.decided')).map((e) => e.after)).toMatchObject([
        { decision: 'remove', access: 'role:editor' },
        { decision: 'remove', access: 'perm:users:view' },
        { decision: 'remove', access: 'group:Sales' },
      ]);

      // On an `everyone` review, removing a row's access disables the user.
      await start({ scope: scopeOf({ everyone: true }) });
      const account = await prisma.reviewRow.findFirstOrThrow({ where: { email: 'cat@example.com', access: 'account' } });
      await decide(account, 'remove');
      expect((await read('cat@example.com')).status).toBe('disabled');
      expect(await events('user.disabled')).toMatchObject([{ targetEmail: 'cat@example.com' }]);
    });

    it('decides a removal whose access is already gone, saying so, and changes nothing', async () => {
      const { addUser, submit, start, decide, rowOf, rolesOf, events } = await setup();
      await addUser('ann@example.com', ['editor', 'viewer']);
      await addUser('bob@example.com', ['editor', 'viewer']);
      await start({ scope: scopeOf({ roles: ['editor'] }) });
      await submit({ kind: 'change-roles', user: { email: 'ann@example.com' }, add: [], remove: ['editor'] });
      const changed = (await events('user.roles-changed')).length;
      const done = await decide(await rowOf('ann@example.com'), 'remove');
      expect(done).toMatchObject({ status: 'done', result: { decided: 1, outcome: 'ann@example.com no longer held it.' } });
      expect(await rowOf('ann@example.com')).toMatchObject({ decision: 'remove', outcome: 'ann@example.com no longer held it.' });
      expect(await rolesOf('ann@example.com')).toEqual(['viewer']);
      expect(await events('user.roles-changed')).toHaveLength(changed);
    });

    it('keeps each row’s last sign-in and invitation as they stood, to the millisecond', async () => {
      const { addUser, start, rowOf, prisma, invitedBy } = await setup();
      const id = await addUser('seen@example.com', ['editor']);
      await prisma.user.update({ where: { id }, data: { lastLoginAt: new Date('2026-11-20T10:11:12.345Z') } });
      await invitedBy('seen@example.com', 'owner@example.com');
      await start({ scope: scopeOf({ roles: ['editor'] }) });
      expect(await rowOf('seen@example.com')).toMatchObject({
        lastLoginAt: new Date('2026-11-20T10:11:12.345Z'),
        invitedAt: new Date('2026-10-01T00:00:00Z'),
        invitedByEmail: 'owner@example.com',
      });
    });

    it('replaces a user’s only role with the default role, and disables whoever held only the default role', async () => {
      const { addUser, start, decide, rowOf, rolesOf, read, events, prisma } = await setup();
      await addUser('solo@example.com', ['editor']);
      await addUser('low@example.com', ['viewer']);
      await start({ scope: scopeOf({ roles: ['editor', 'viewer'] }) });
      const solo = await decide(await rowOf('solo@example.com'), 'remove');
      expect(solo).toMatchObject({ status: 'done', result: { outcome: 'Roles of solo@example.com are now viewer.' } });
      expect(await rolesOf('solo@example.com')).toEqual(['viewer']);
      // Viewer, the lowest role, was all low@ held: nothing is left below it, so they are disabled.
      await decide(await rowOf('low@example.com'), 'remove');
      expect((await read('low@example.com')).status).toBe('disabled');
      expect(await rolesOf('low@example.com')).toEqual(['viewer']);
      expect((await events('review.decided')).length).toBe(2);
      expect(await prisma.auditEvent.count({ where: { action: 'user.disabled', targetEmail: 'low@example.com' } })).toBe(1);
    });

    it('leaves the row open when the directory’s rules refuse the removal', async () => {
      const { addUser, start, decide, rowOf, rolesOf, events, asUser } = await setup();
      await addUser('ada@example.com', ['admin']);
      await start({ scope: scopeOf({ roles: ['admin'] }) });
      // The owner's Admin row went to Ada; the owner must stay an Admin.
      const row = await rowOf('owner@example.com');
      expect(row.reviewerEmail).toBe('ada@example.com');
      await expect(decide(row, 'remove', await asUser('ada@example.com'))).rejects.toMatchObject({ code: 'owner_protected' });
      expect(await rowOf('owner@example.com')).toMatchObject({ decision: null, decidedAt: null });
      expect(await rolesOf('owner@example.com')).toEqual(['admin']);
      expect(await events('review.decided')).toHaveLength(0);
    });

    it('revokes the user behind a row at once when approvals are off', async () => {
      const { addUser, start, decide, rowOf, read, events, submit } = await setup();
      await addUser('vic@example.com', ['editor']);
      await addUser('ed@example.com', ['editor']);
      await start({ scope: scopeOf({ roles: ['editor'] }) });
      const done = await decide(await rowOf('vic@example.com'), 'revoke');
      expect(done).toMatchObject({ status: 'done', result: { decided: 1, outcome: 'Revoked vic@example.com.' } });
      expect((await read('vic@example.com')).status).toBe('revoked');
      expect(await rowOf('vic@example.com')).toMatchObject({ decision: 'revoke', outcome: 'Revoked vic@example.com.' });
      expect(await events('user.revoked')).toMatchObject([{ targetEmail: 'vic@example.com', actorEmail: 'owner@example.com' }]);
      // Someone revoked meanwhile: the row is decided, saying so.
      await submit({ kind: 'revoke', user: { email: 'ed@example.com' } });
      await expect(decide(await rowOf('ed@example.com'), 'revoke')).resolves.toMatchObject({
        result: { outcome: 'ed@example.com was already revoked.', closed: true },
      });
      expect(await events('user.revoked')).toHaveLength(2);
    });

    it('a revocation waits for an approver where the policy says so, and is decided when approved', async () => {
      const { h, addUser, start, decide, rowOf, read, events, campaign, notices, services, run } = await setup({
        approvals: { revoke: { approvals: 1 } },
      });
      const approverId = await addUser('admin2@example.com', ['admin']);
      await addUser('vic@example.com', ['editor']);
      const { campaign: started } = await start({ scope: scopeOf({ roles: ['editor'] }) });
      const row = await rowOf('vic@example.com');

      const submitted = await decide(row, 'revoke', h.owner, 'left the company');
      if (submitted.status !== 'awaiting') throw new Error('expected the revocation to wait for approval');
      expect(submitted.request).toMatchObject({ action: 'revoke', status: 'pending' });
      expect(submitted.approvers.map((a) => a.email)).toEqual(['admin2@example.com']);
      // Nothing happened yet: the row is open, the user active, nothing audited but the request.
      expect(await rowOf('vic@example.com')).toMatchObject({ decision: null });
      expect((await read('vic@example.com')).status).toBe('active');
      expect(await events('user.revoked')).toHaveLength(0);
      expect(await events('review.decided')).toHaveLength(0);
      // The reviewer's page notes the request the row waits for.
      await run<'review-await'>({ kind: 'review-await', row: row.id, request: submitted.request.id });
      expect((await rowOf('vic@example.com')).requestId).toBe(submitted.request.id);
      // Only the reviewer's own request about this row is noted on it.
      await expect(
        run<'review-await'>({ kind: 'review-await', row: row.id, request: crypto.randomUUID() }),
      ).rejects.toMatchObject({ code: 'bad_input' });
      // While it waits, the row takes no other decision.
      await expect(decide(row, 'keep')).rejects.toMatchObject({ code: 'conflict', message: expect.stringContaining('waits') });

      const approver = await services.access.actorForUserId(approverId, 'approval');
      const decided = await services.changes.decide(approver, submitted.request.id, { approve: true });
      // The approval replays the decision as the reviewer: the request it runs for is not a reason to refuse it.
      expect(decided).toMatchObject({ kind: 'executed', outcome: 'Revoked vic@example.com.' });
      expect((await read('vic@example.com')).status).toBe('revoked');
      expect(await rowOf('vic@example.com')).toMatchObject({
        decision: 'revoke',
        note: 'left the company',
        decidedById: h.owner.userId,
        decidedByEmail: 'owner@example.com',
        outcome: 'Revoked vic@example.com.',
      });
      expect(await events('user.revoked')).toHaveLength(1);
      expect(await campaign(started.id)).toMatchObject({ status: 'closed', closeReason: 'decided' });
      expect(await notices('review-report')).toHaveLength(1);
      // The request is settled: approving it again runs nothing twice.
      await expect(services.changes.decide(approver, submitted.request.id, { approve: true })).rejects.toThrow();
      expect(await events('review.decided')).toHaveLength(1);
    });
  });

  describe('concurrency', () => {
    it.runIf(target === 'postgres')('two replicas deciding the same row at once: one decides, the other is told', async () => {
      const { h, addUser, start, rows, prisma } = await setup();
      for (const n of [1, 2, 3, 4, 5, 6]) await addUser(`e${n}@example.com`, ['editor']);
      const { campaign: started } = await start({ scope: scopeOf({ roles: ['editor'] }) });
      const other = await openDatabase({ databaseUrl: h.url, dataDir: '/tmp' });
      try {
        const replicas = [h.services(), h.services({ prisma: other.prisma })];
        // The last row stays open so that the campaign does too.
        for (const row of (await rows()).slice(0, 5)) {
          const results = await Promise.allSettled(
            replicas.map((services) =>
              services.changes.submit(h.owner, { kind: 'review-decide', campaign: started.id, rows: [row.id], decision: 'keep' }),
            ),
          );
          const done = results.filter((r) => r.status === 'fulfilled');
          const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
          expect(done).toHaveLength(1);
          expect(refused).toHaveLength(1);
          expect(refused[0]?.reason).toMatchObject({ code: 'conflict' });
        }
      } finally {
        await other.close();
      }
      expect(await prisma.reviewRow.count({ where: { decision: 'keep' } })).toBe(5);
      expect(await prisma.auditEvent.count({ where: { action: 'review.decided' } })).toBe(5);
    });

    it.runIf(target === 'postgres')('two replicas starting the same scheduled period at once make one campaign', async () => {
      const { h, addUser, prisma } = await setup();
      await addUser('ed@example.com', ['editor']);
      const other = await openDatabase({ databaseUrl: h.url, dataDir: '/tmp' });
      try {
        const replicas = [h.services(), h.services({ prisma: other.prisma })];
        const change = reviewOf({ scope: scopeOf({ roles: ['editor'] }), schedule: { name: 'q', periodKey: '1' } });
        const results = await Promise.allSettled(replicas.map((services) => services.changes.submit(SCHEDULER, change)));
        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      } finally {
        await other.close();
      }
      expect(await prisma.reviewCampaign.count()).toBe(1);
      expect(await prisma.reviewRow.count()).toBe(1);
      expect(await prisma.auditEvent.count({ where: { action: 'review.started' } })).toBe(1);
    });
  });

  describe('review-reassign and review-close', () => {
    it('the owner moves a reviewer’s open rows, never rows about the new reviewer; nobody else may', async () => {
      const { addUser, asUser, start, decide, rowOf, rows, run, events, submit } = await setup();
      await addUser('admin2@example.com', ['admin']);
      for (const n of [1, 2, 3, 4]) await addUser(`e${n}@example.com`, ['editor']);
      const { campaign: started } = await start({ scope: scopeOf({ roles: ['editor'] }) });
      await decide(await rowOf('e4@example.com'), 'keep');
      const reassign = (from: string, to: string): ChangeOf<'review-reassign'> => ({
        kind: 'review-reassign',
        campaign: started.id,
        from: { email: from },
        to: { email: to },
      });

      await expect(
        submit(reassign('owner@example.com', 'e1@example.com'), await asUser('admin2@example.com')),
      ).rejects.toMatchObject({
        code: 'forbidden',
      });
      const moved = await run<'review-reassign'>(reassign('owner@example.com', 'e1@example.com'));
      expect(moved).toMatchObject({ moved: 2, kept: 1, from: 'owner@example.com', to: { email: 'e1@example.com' } });
      expect((await rows()).map((row) => [row.email, row.reviewerEmail, row.decision])).toEqual([
        ['e1@example.com', 'owner@example.com', null],
        ['e2@example.com', 'e1@example.com', null],
        ['e3@example.com', 'e1@example.com', null],
        // A decided row stays with whoever decided it.
        ['e4@example.com', 'owner@example.com', 'keep'],
      ]);
      expect(await events('review.reassigned')).toMatchObject([
        { targetEmail: 'e1@example.com', after: { from: 'owner@example.com', to: 'e1@example.com', rows: 2 } },
      ]);
      // The new reviewer decides them; the old one no longer can.
      await expect(decide(await rowOf('e2@example.com'), 'keep')).rejects.toMatchObject({ code: 'forbidden' });
      await expect(decide(await rowOf('e2@example.com'), 'keep', await asUser('e1@example.com'))).resolves.toMatchObject({
        status: 'done',
      });

      await addUser('off@example.com', ['viewer'], 'disabled');
      await expect(submit(reassign('e1@example.com', 'off@example.com'))).rejects.toMatchObject({
        code: 'invalid_state',
        field: 'to',
      });
      await expect(submit(reassign('e1@example.com', 'e1@example.com'))).rejects.toMatchObject({
        code: 'bad_input',
        field: 'to',
      });
      await expect(submit(reassign('admin2@example.com', 'e2@example.com'))).rejects.toMatchObject({
        code: 'bad_input',
        field: 'from',
      });
    });

    it('the owner (or whoever started it) closes a campaign early: open rows are not reviewed; nobody else may', async () => {
      const { h, addUser, asUser, start, decide, rowOf, rows, campaign, events, notices, submit } = await setup();
      await addUser('admin2@example.com', ['admin']);
      for (const n of [1, 2, 3]) await addUser(`e${n}@example.com`, ['editor']);
      const { campaign: started } = await start({ scope: scopeOf({ roles: ['editor'] }) });
      await decide(await rowOf('e1@example.com'), 'keep');
      const close: ChangeOf<'review-close'> = { kind: 'review-close', campaign: started.id, reason: 'closed' };

      await expect(submit(close, await asUser('e2@example.com'))).rejects.toMatchObject({ code: 'forbidden' });
      await expect(submit(close, await asUser('admin2@example.com'))).rejects.toMatchObject({ code: 'forbidden' });
      await expect(submit({ ...close, reason: 'overdue' })).rejects.toMatchObject({ code: 'forbidden' });
      expect((await campaign(started.id)).status).toBe('open');

      h.clock.advanceHours(24);
      await expect(submit(close)).resolves.toMatchObject({ status: 'done', result: { closed: true } });
      expect(await campaign(started.id)).toMatchObject({ status: 'closed', closeReason: 'closed', closedAt: h.clock.now() });
      expect((await rows()).map((row) => [row.email, row.decision])).toEqual([
        ['e1@example.com', 'keep'],
        ['e2@example.com', 'not-reviewed'],
        ['e3@example.com', 'not-reviewed'],
      ]);
      expect(await rowOf('e2@example.com')).toMatchObject({ decidedAt: h.clock.now(), decidedByEmail: 'owner@example.com' });
      expect(await notices('review-report')).toHaveLength(1);
      expect(await events('review.closed')).toMatchObject([{ after: { reason: 'closed' } }]);
      await expect(submit(close)).rejects.toMatchObject({ code: 'invalid_state' });

      // Whoever started a campaign may close it too.
      const admin2 = await asUser('admin2@example.com');
      const { campaign: theirs } = await start({ scope: scopeOf({ roles: ['editor'] }) }, admin2);
      await expect(submit({ kind: 'review-close', campaign: theirs.id, reason: 'closed' }, admin2)).resolves.toMatchObject({
        status: 'done',
      });
    });
  });

  describe('the scheduler’s reminders and overdue notices', () => {
    it('are the scheduler’s alone', async () => {
      const { addUser, asUser, submit, start } = await setup();
      await addUser('e1@example.com', ['editor']);
      await start({ scope: scopeOf({ roles: ['editor'] }) });
      for (const change of [
        { kind: 'review-remind', batch: 10 },
        { kind: 'review-overdue', batch: 10 },
      ] satisfies ChangeOf<'review-remind' | 'review-overdue'>[]) {
        await expect(submit(change)).rejects.toMatchObject({ code: 'forbidden' });
        await expect(submit(change, await asUser('e1@example.com'))).rejects.toMatchObject({ code: 'forbidden' });
        await expect(submit(change, systemActor('console'))).rejects.toMatchObject({ code: 'forbidden' });
      }
    });

    it('remind each reviewer with open rows when a reminder is due, once per due time, daily after the due date', async () => {
      const { h, addUser, asUser, start, decide, run, campaign, notices, events, prisma } = await setup();
      await addUser('a@example.com', ['admin']);
      for (const n of [1, 2, 3]) await addUser(`e${n}@example.com`, ['editor']);
      const t0 = h.clock.now().getTime();
      const { campaign: started } = await start({ scope: scopeOf({ roles: ['editor'] }), reviewers: ['approvers'] });
      const remind = () => run<'review-remind'>({ kind: 'review-remind', batch: 50 }, SCHEDULER);

      expect(await remind()).toEqual({ reminded: 0, campaigns: 0 });
      h.clock.advanceHours(72);
      expect(await remind()).toEqual({ reminded: 2, campaigns: 1 });
      expect((await notices('review-reminder')).every((n) => n.subjectId === started.id)).toBe(true);
      expect(await notices('review-reminder')).toHaveLength(2);
      // Claimed once: the same run again does nothing.
      expect(await remind()).toEqual({ reminded: 0, campaigns: 0 });
      expect(await notices('review-reminder')).toHaveLength(2);
      expect((await campaign(started.id)).nextReminderAt?.getTime()).toBe(t0 + 6 * DAY_MS);
      expect(await events('review.reminded')).toMatchObject([{ after: { campaign: 1, reviewers: 2, openRows: 3 } }]);

      // a@'s rows decided: only the owner is reminded next time.
      const a = await asUser('a@example.com');
      for (const row of await prisma.reviewRow.findMany({ where: { reviewerEmail: 'a@example.com' } }))
        await decide(row, 'keep', a);
      h.clock.advanceHours(72);
      expect(await remind()).toEqual({ reminded: 1, campaigns: 1 });
      expect((await campaign(started.id)).nextReminderAt?.getTime()).toBe(t0 + 9 * DAY_MS);

      // Past the due date, reminders come daily.
      h.clock.set(new Date(t0 + 14 * DAY_MS + 3_600_000));
      expect(await remind()).toEqual({ reminded: 1, campaigns: 1 });
      expect((await campaign(started.id)).nextReminderAt?.getTime()).toBe(h.clock.now().getTime() + DAY_MS);
      expect(await remind()).toEqual({ reminded: 0, campaigns: 0 });
      expect(await notices('review-reminder')).toHaveLength(4);
    });

    it('tell the owner once that a campaign is past due; a closed campaign is neither reminded nor overdue', async () => {
      const { h, addUser, start, run, decide, rolesOf, campaign, notices, events, submit, prisma } = await setup();
      for (const n of [1, 2]) await addUser(`e${n}@example.com`, ['editor', 'viewer']);
      const t0 = h.clock.now().getTime();
      const { campaign: due } = await start({ scope: scopeOf({ roles: ['editor'] }), onOverdue: 'revoke-access' });
      const { campaign: closed } = await start({ scope: scopeOf({ roles: ['editor'] }), dueDays: 7 });
      await submit({ kind: 'review-close', campaign: closed.id, reason: 'closed' });
      const overdue = () => run<'review-overdue'>({ kind: 'review-overdue', batch: 50 }, SCHEDULER);
      const remind = () => run<'review-remind'>({ kind: 'review-remind', batch: 50 }, SCHEDULER);

      h.clock.set(new Date(t0 + 13 * DAY_MS));
      expect((await overdue()).overdue).toEqual([]);
      h.clock.set(new Date(t0 + 14 * DAY_MS));
      const first = await overdue();
      expect(first.overdue.map((c) => c.id)).toEqual([due.id]);
      expect((await notices('review-overdue')).map((n) => n.subjectId)).toEqual([due.id]);
      expect(await events('review.overdue')).toMatchObject([{ after: { campaign: 1, onOverdue: 'revoke-access' } }]);
      expect((await campaign(due.id)).overdueAt).toEqual(h.clock.now());
      // Claimed once: again at the same time, and later, it does nothing.
      expect((await overdue()).overdue).toEqual([]);
      h.clock.advanceHours(48);
      expect((await overdue()).overdue).toEqual([]);
      expect(await notices('review-overdue')).toHaveLength(1);
      // The closed one is never reminded.
      await remind();
      expect((await notices('review-reminder')).every((n) => n.subjectId === due.id)).toBe(true);
      expect((await campaign(closed.id)).overdueAt).toBeNull();
      // A `revoke-access` campaign's open rows are then removed by the scheduler, whoever reviews them.
      const open = await prisma.reviewRow.findFirstOrThrow({ where: { campaignId: due.id, email: 'e1@example.com' } });
      await expect(decide(open, 'remove', SCHEDULER)).resolves.toMatchObject({ status: 'done' });
      expect(await rolesOf('e1@example.com')).toEqual(['viewer']);
      expect(await prisma.reviewRow.findUniqueOrThrow({ where: { id: open.id } })).toMatchObject({
        decision: 'remove',
        decidedById: null,
        decidedByEmail: 'roster',
      });
    });
  });

  describe('what the review of the change found', () => {
    it('starting needs every permission its decisions use: users:manage, and groups:manage for groups', async () => {
      const { h, start, addUser } = await setup();
      await addUser('ed@example.com', ['editor']);
      const rolesOnly: Actor = { ...h.owner, userId: null, email: 'ro@example.com', permissions: new Set(['roles:manage']) };
      await expect(start({ scope: scopeOf({ roles: ['editor'] }) }, rolesOnly)).rejects.toMatchObject({
        code: 'forbidden',
        message: expect.stringContaining('`users:manage`'),
      });
      const noGroups: Actor = { ...rolesOnly, permissions: new Set(['roles:manage', 'users:manage']) };
      await expect(start({ scope: scopeOf({ groups: ['Sales'] }) }, noGroups)).rejects.toMatchObject({
        message: expect.stringContaining('`groups:manage`'),
      });
    });

    it('nobody decides the request to remove their own access', async () => {
      const { h, addUser, start, decide, rowOf } = await setup({ approvals: { revoke: { approvals: 1 } } });
      await addUser('ada@example.com', ['admin']);
      await addUser('bob@example.com', ['admin']);
      await start({ scope: scopeOf({ roles: ['admin'] }) });
      const waiting = await decide(await rowOf('ada@example.com'), 'revoke', h.owner);
      if (waiting.status !== 'awaiting') throw new Error('expected the revocation to wait');
      expect(waiting.approvers.map((a) => a.email)).toEqual(['bob@example.com']);
    });

    it('Keep all left passes over a row waiting for an approver, and the approval still lands', async () => {
      const { h, addUser, start, decide, rowOf, read, run, services } = await setup({ approvals: { revoke: { approvals: 1 } } });
      const approverId = await addUser('admin2@example.com', ['admin']);
      await addUser('vic@example.com', ['editor']);
      await addUser('wes@example.com', ['editor']);
      const { campaign } = await start({ scope: scopeOf({ roles: ['editor'] }) });
      const vic = await rowOf('vic@example.com');
      const waiting = await decide(vic, 'revoke', h.owner);
      if (waiting.status !== 'awaiting') throw new Error('expected the revocation to wait');
      await run<'review-await'>({ kind: 'review-await', row: vic.id, request: waiting.request.id });
      const kept = await run<'review-decide'>({
        kind: 'review-decide',
        campaign: campaign.id,
        rows: [],
        allOpen: true,
        decision: 'keep',
      });
      expect(kept).toMatchObject({ decided: 1, closed: false });
      expect(await rowOf('vic@example.com')).toMatchObject({ decision: null });
      const approver = await services.access.actorForUserId(approverId, 'approval');
      await expect(services.changes.decide(approver, waiting.request.id, { approve: true })).resolves.toMatchObject({
        kind: 'executed',
      });
      expect((await read('vic@example.com')).status).toBe('revoked');
      expect(await rowOf('vic@example.com')).toMatchObject({ decision: 'revoke' });
    });

    it('closing ends the requests its rows wait for, and the row says so; the overdue rule removes what waits', async () => {
      const { h, addUser, start, decide, rowOf, run, prisma, notices, rolesOf } = await setup({
        approvals: { revoke: { approvals: 1 } },
      });
      await addUser('admin2@example.com', ['admin']);
      await addUser('vic@example.com', ['editor', 'viewer']);
      await addUser('wes@example.com', ['editor', 'viewer']);
      const { campaign } = await start({ scope: scopeOf({ roles: ['editor'] }) });
      const ask = async (email: string) => {
        const row = await rowOf(email);
        const waiting = await decide(row, 'revoke', h.owner);
        if (waiting.status !== 'awaiting') throw new Error('expected the revocation to wait');
        await run<'review-await'>({ kind: 'review-await', row: row.id, request: waiting.request.id });
        return waiting.request.id;
      };
      const vicRequest = await ask('vic@example.com');
      // The scheduler's overdue rule removes the access even though a revocation waits for it.
      await expect(decide(await rowOf('vic@example.com'), 'remove', SCHEDULER)).resolves.toMatchObject({ status: 'done' });
      expect(await rolesOf('vic@example.com')).toEqual(['viewer']);
      const wesRequest = await ask('wes@example.com');
      await run<'review-close'>({ kind: 'review-close', campaign: campaign.id, reason: 'closed' });
      const requests = await prisma.approvalRequest.findMany({
        where: { id: { in: [vicRequest, wesRequest] } },
        orderBy: { createdAt: 'asc' },
      });
      expect(requests.map((r) => r.status)).toEqual(['pending', 'expired']);
      expect((await notices('approval-expired')).map((n) => n.subjectId)).toEqual([wesRequest]);
      expect(await rowOf('wes@example.com')).toMatchObject({
        decision: 'not-reviewed',
        requestId: wesRequest,
        outcome: expect.stringContaining('waiting for an approver when the review closed'),
      });
    });

    it('moving rows ends the old reviewer’s requests for them', async () => {
      const { h, addUser, start, decide, rowOf, run, prisma } = await setup({ approvals: { revoke: { approvals: 1 } } });
      await addUser('admin2@example.com', ['admin']);
      await addUser('vic@example.com', ['editor']);
      const { campaign } = await start({ scope: scopeOf({ roles: ['editor'] }) });
      const row = await rowOf('vic@example.com');
      const waiting = await decide(row, 'revoke', h.owner);
      if (waiting.status !== 'awaiting') throw new Error('expected the revocation to wait');
      await run<'review-await'>({ kind: 'review-await', row: row.id, request: waiting.request.id });
      await run<'review-reassign'>({
        kind: 'review-reassign',
        campaign: campaign.id,
        from: { email: 'owner@example.com' },
        to: { email: 'admin2@example.com' },
      });
      expect((await prisma.approvalRequest.findUniqueOrThrow({ where: { id: waiting.request.id } })).status).toBe('expired');
      expect(await rowOf('vic@example.com')).toMatchObject({
        reviewerEmail: 'admin2@example.com',
        requestId: null,
        decision: null,
      });
    });

    it('a group renamed since the review started is still the one removed', async () => {
      const { addUser, start, decide, rowOf, run, read } = await setup();
      await run<'group-create'>({ kind: 'group-create', name: 'Sales' });
      await addUser('vic@example.com', ['editor']);
      await run<'groups'>({ kind: 'groups', user: { email: 'vic@example.com' }, add: ['Sales'], remove: [] });
      await start({ scope: scopeOf({ groups: ['Sales'] }) });
      await run<'group-rename'>({ kind: 'group-rename', group: 'Sales', to: 'Revenue' });
      await expect(decide(await rowOf('vic@example.com'), 'remove')).resolves.toMatchObject({ status: 'done' });
      expect((await read('vic@example.com')).groups.map((m) => m.group.name)).toEqual([]);
    });

    it('two requests for one decision: the row keeps the first, the second ends at once', async () => {
      const { h, addUser, start, decide, rowOf, run, prisma, notices } = await setup({ approvals: { revoke: { approvals: 1 } } });
      await addUser('admin2@example.com', ['admin']);
      await addUser('vic@example.com', ['editor']);
      await start({ scope: scopeOf({ roles: ['editor'] }) });
      const row = await rowOf('vic@example.com');
      // Both submitted before either was noted on the row (a double click).
      const [first, second] = await Promise.all([decide(row, 'revoke', h.owner), decide(row, 'revoke', h.owner)]);
      if (first?.status !== 'awaiting' || second?.status !== 'awaiting') throw new Error('expected both to wait');
      expect(await run<'review-await'>({ kind: 'review-await', row: row.id, request: first.request.id })).toEqual({
        noted: true,
      });
      expect(await run<'review-await'>({ kind: 'review-await', row: row.id, request: second.request.id })).toEqual({
        noted: false,
      });
      expect((await rowOf('vic@example.com')).requestId).toBe(first.request.id);
      const statuses = await prisma.approvalRequest.findMany({ where: { id: { in: [first.request.id, second.request.id] } } });
      expect(Object.fromEntries(statuses.map((r) => [r.id, r.status]))).toEqual({
        [first.request.id]: 'pending',
        [second.request.id]: 'expired',
      });
      expect((await notices('approval-expired')).map((n) => n.subjectId)).toEqual([second.request.id]);
    });

    it('the owner moves the open rows of a reviewer deleted since', async () => {
      const { addUser, start, run, rowOf } = await setup();
      await addUser('rita@example.com', ['editor']);
      await addUser('vic@example.com', ['viewer']);
      const { campaign } = await start({ scope: scopeOf({ roles: ['viewer'] }), reviewers: [{ email: 'rita@example.com' }] });
      expect((await rowOf('vic@example.com')).reviewerEmail).toBe('rita@example.com');
      await run<'delete'>({ kind: 'delete', users: [{ email: 'rita@example.com' }], reason: 'left' });
      const moved = await run<'review-reassign'>({
        kind: 'review-reassign',
        campaign: campaign.id,
        from: { email: 'rita@example.com' },
        to: { email: 'owner@example.com' },
      });
      expect(moved).toMatchObject({ moved: 1, kept: 0, from: 'rita@example.com' });
      expect((await rowOf('vic@example.com')).reviewerEmail).toBe('owner@example.com');
      await expect(
        run<'review-reassign'>({
          kind: 'review-reassign',
          campaign: campaign.id,
          from: { email: 'nobody@example.com' },
          to: { email: 'owner@example.com' },
        }),
      ).rejects.toMatchObject({ code: 'not_found' });
    });

    it('reminds only of rows that do not wait for an approver', async () => {
      const { h, addUser, start, decide, rowOf, run, notices } = await setup({ approvals: { revoke: { approvals: 1 } } });
      await addUser('admin2@example.com', ['admin']);
      await addUser('vic@example.com', ['editor']);
      await start({ scope: scopeOf({ roles: ['editor'] }) });
      const row = await rowOf('vic@example.com');
      const waiting = await decide(row, 'revoke', h.owner);
      if (waiting.status !== 'awaiting') throw new Error('expected the revocation to wait');
      await run<'review-await'>({ kind: 'review-await', row: row.id, request: waiting.request.id });
      h.clock.advanceHours(3 * 24);
      await run<'review-remind'>({ kind: 'review-remind', batch: 10 }, SCHEDULER);
      expect(await notices('review-reminder')).toEqual([]);
    });
  });
});
