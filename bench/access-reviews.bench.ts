/**
 * Access reviews (issue 25) on PostgreSQL (`TEST_POSTGRES_URL`) and on the embedded store, one seeded
 * store per target for every row: 10 000 active Editors, the owner and 9 Admins (10 approvers).
 * Two campaigns over the Editors are written straight into the store (as `review-start` would make
 * them: the same reviewer assignment and store write), so the page and Keep-all rows do not hang on
 * the start row; writing the first is the start row's baseline.
 * 1. A reviewer's page: the owner, 10 000 rows open for them, `services.reviews.page` rendered with
 *    `reviewPageMessage`, next to the page's ten rows read alone by their index.
 * 2. Keep all left: one of the approvers of the second campaign (1 000 rows each), next to a plain
 *    UPDATE of another approver's 1 000 open rows.
 * 3. Last, one `review-start` over the 10 000 Editors through the change layer. It is given at most
 *    START_CAP_MS: past that it is reported as failed and left running, with its store (the embedded
 *    store cannot be interrupted in a statement), which is why the embedded store runs last.
 * `BENCH_REVIEW_USERS` shrinks the size for a quick try.
 */
import type { Actor } from '../src/domain/access/actor';
import { assignReviewers, campaignRows, type ReviewerPool } from '../src/domain/reviews/review-assignment';
import { REVIEW_PAGE_SIZE } from '../src/domain/reviews/review-service';
import { ADMIN_ROLE } from '../src/domain/roles/catalog';
import { reviewPageMessage } from '../src/slack/views/review-page-message';
import type { ReviewerContact, ReviewSubject } from '../src/store/reviews/review-reads';
import { createCampaign } from '../src/store/reviews/review-writes';
import { type Harness, startHarness } from '../test/support/roster-harness';
import type { TargetName } from '../test/support/test-database';
import { type BenchRow, percentile, ratio } from './bench-row';
import { seedUsers } from './seed-bench';

const USERS = Number(process.env.BENCH_REVIEW_USERS ?? 10_000);
/** Admins besides the owner: with the owner, the approvers among whom the second campaign is shared. */
const ADMINS = 9;
const APPROVERS = ADMINS + 1;
const PAGE_CALLS = 20;
const GOALS = { startMs: 10_000, pageMs: 1_000, keepAllMs: 5_000 };
/** How long the start row waits before it gives up (a change's transaction times out at 30 s). */
const START_CAP_MS = 60_000;
const SCOPE = { roles: ['editor'], perms: [], groups: [], partners: [], everyone: false };
const DAY_MS = 86_400_000;

interface Timed<T> {
  ms: number;
  value: T;
  /** Embedded store only: the longest single statement (or extended-protocol run) while it ran. */
  longestHoldMs?: number;
}

/** Milliseconds `work` took, and on the embedded store the longest hold of the store during it. */
async function timed<T>(h: Harness, work: () => Promise<T>): Promise<Timed<T>> {
  await h.roster.database.embedded?.stats(true);
  const start = performance.now();
  const value = await work();
  const ms = performance.now() - start;
  return { ms, value, longestHoldMs: (await h.roster.database.embedded?.stats())?.longestMs };
}

/** The Editors as `review-start` finds them, read by a plain two-table join (UserRole by role, User by key). */
async function editors(h: Harness): Promise<ReviewSubject[]> {
  const { prisma, accountId } = h.roster;
  const role = await prisma.role.findFirstOrThrow({ where: { accountId, key: 'editor' } });
  return prisma.$queryRaw<ReviewSubject[]>`
    SELECT u."id" AS "userId", u."email", u."name", 'role:editor' AS "access", NULL::text AS "accessId", u."lastLoginAt", u."invitedById",
      i."email" AS "invitedByEmail", u."invitedAt"
    FROM "UserRole" ur JOIN "User" u ON u."id" = ur."userId" LEFT JOIN "User" i ON i."id" = u."invitedById"
    WHERE ur."roleId" = ${role.id} AND ur."scope" IS NULL AND u."status" = 'active'
    ORDER BY u."email"`;
}

/** A campaign over the Editors written straight into the store, in one transaction; its id. */
async function writeCampaign(h: Harness, number: number, pool: ReviewerPool, dueDays: number): Promise<string> {
  const { prisma, accountId } = h.roster;
  return prisma.$transaction(
    async (tx) => {
      const assigned = assignReviewers(await editors(h), pool);
      const now = Date.now();
      const campaign = await createCampaign(
        tx,
        {
          accountId,
          number,
          name: `Bench review ${number}`,
          scope: SCOPE,
          reviewers: ['owner'],
          onOverdue: 'remind',
          startedByEmail: 'owner@example.com',
          dueAt: new Date(now + dueDays * DAY_MS),
          nextReminderAt: new Date(now + 3 * DAY_MS),
        },
        campaignRows(assigned),
      );
      return campaign.id;
    },
    { maxWait: 15_000, timeout: 120_000 },
  );
}

type Start = { ok: true; rows: number } | { ok: false; why: string };

interface TargetResult {
  start: Timed<Start> & { baselineMs: number; abandoned: boolean };
  page: {
    ms: number;
    maxMs: number;
    baselineMs: number;
    baselineMaxMs: number;
    lastPageMs: number;
    blocks: number;
    longestHoldMs?: number;
  };
  keepAll: Timed<number> & { baselineMs: number };
}

async function reviews(target: TargetName): Promise<TargetResult> {
  const h = await startHarness(target, { SEAT_LIMIT: '1000000', LOG_LEVEL: 'warn', CRON_SCHEDULE: '0 0 1 1 *' });
  let settled = false;
  try {
    const { prisma, accountId, services } = h.roster;
    await seedUsers(h.roster, USERS, { role: 'editor' });
    await seedUsers(h.roster, ADMINS, { role: ADMIN_ROLE, prefix: 'approver' });
    // PostgreSQL's autovacuum would have analysed a directory this size long before a review of it;
    // the embedded store has no autovacuum, and Roster never analyses it.
    if (target === 'postgres') await prisma.$executeRawUnsafe('ANALYZE');
    const contact = { id: true, email: true, slackUserId: true } as const;
    const ownerId = (await prisma.account.findUniqueOrThrow({ where: { id: accountId } })).ownerId as string;
    const ownerContact: ReviewerContact = await prisma.user.findUniqueOrThrow({ where: { id: ownerId }, select: contact });
    const approvers: ReviewerContact[] = await prisma.user.findMany({
      where: { accountId, status: 'active', roles: { some: { role: { key: ADMIN_ROLE } } } },
      select: contact,
      orderBy: { email: 'asc' },
    });
    if (approvers.length !== APPROVERS) throw new Error(`${approvers.length} approvers`);
    const owner = await services.access.actorForUserId(ownerId, 'command');

    // The owner's campaign, written straight: the start row's baseline.
    const written = await timed(h, () =>
      writeCampaign(h, 1, { pool: [ownerContact], admins: approvers, owner: ownerContact }, 14),
    );
    const campaignId = written.value;

    // 1. The owner's page of it (every row open for them), rendered; after one call not counted.
    const render = async (options: { number?: number; page?: number } = {}) => {
      const read = await services.reviews.page(owner, options);
      if (read?.campaign.id !== campaignId || read.rows.length !== REVIEW_PAGE_SIZE || read.open !== USERS)
        throw new Error('the page is not the campaign’s full page');
      const message = reviewPageMessage(read);
      return { blocks: message.blocks?.length ?? 0, bytes: JSON.stringify(message).length };
    };
    await render();
    const pageMs: number[] = [];
    const plainMs: number[] = [];
    let blocks = 0;
    let longestPageHold = 0;
    for (let i = 0; i < PAGE_CALLS; i++) {
      const call = await timed(h, () => render());
      pageMs.push(call.ms);
      blocks = call.value.blocks;
      longestPageHold = Math.max(longestPageHold, call.longestHoldMs ?? 0);
      const t = performance.now();
      await prisma.reviewRow.findMany({
        where: { campaignId, reviewerId: ownerId, decision: null },
        orderBy: { position: 'asc' },
        take: REVIEW_PAGE_SIZE,
      });
      plainMs.push(performance.now() - t);
    }
    const last = await timed(h, () => render({ number: 1, page: Math.ceil(USERS / REVIEW_PAGE_SIZE) }));

    // 2. A second campaign shared by the approvers (1 000 rows each); one keeps all theirs.
    const shared = await writeCampaign(h, 2, { pool: approvers, admins: approvers, owner: ownerContact }, 21);
    const perApprover = USERS / APPROVERS;
    const [first, second] = approvers as [ReviewerContact, ReviewerContact];
    const plainKeep = await timed(h, () =>
      prisma.reviewRow.updateMany({
        where: { campaignId: shared, reviewerId: second.id, decision: null },
        data: { decision: 'keep', decidedById: second.id, decidedByEmail: second.email, decidedAt: new Date(), outcome: 'Kept.' },
      }),
    );
    if (plainKeep.value.count !== perApprover) throw new Error(`the baseline kept ${plainKeep.value.count}`);
    const reviewer: Actor = await services.access.actorForUserId(first.id, 'command');
    const keepAll = await timed(h, async () => {
      const done = await services.changes.submit<'review-decide'>(reviewer, {
        kind: 'review-decide',
        campaign: shared,
        rows: [],
        allOpen: true,
        decision: 'keep',
      });
      if (done.status !== 'done') throw new Error('Keep all waits for approval');
      return done.result.decided;
    });
    if (keepAll.value !== perApprover) throw new Error(`kept ${keepAll.value} of ${perApprover}`);

    // 3. Last: a campaign started through the change layer, given at most START_CAP_MS.
    await h.roster.database.embedded?.stats(true);
    const startedAt = performance.now();
    const start = await Promise.race<Start | 'cap'>([
      services.changes
        .submit<'review-start'>(owner, {
          kind: 'review-start',
          scope: SCOPE,
          reviewers: ['owner'],
          onOverdue: 'remind',
          dueDays: 14,
        })
        .then(
          (done): Start =>
            done.status === 'done' ? { ok: true, rows: done.result.rows } : { ok: false, why: 'it waits for approval' },
          (error: unknown): Start => ({
            ok: false,
            why: `failed: ${(error as Error).message.split('\n').at(-1)?.slice(0, 160)}`,
          }),
        ),
      new Promise<'cap'>((resolve) => setTimeout(() => resolve('cap'), START_CAP_MS).unref()),
    ]);
    const startMs = performance.now() - startedAt;
    const abandoned = start === 'cap';
    settled = !abandoned && start.ok;
    const startHold = settled ? (await h.roster.database.embedded?.stats())?.longestMs : undefined;
    return {
      start: {
        ms: startMs,
        value: start === 'cap' ? { ok: false, why: `not done after ${START_CAP_MS / 1000} s; abandoned` } : start,
        longestHoldMs: startHold,
        baselineMs: written.ms,
        abandoned,
      },
      page: {
        ms: percentile(pageMs, 50),
        maxMs: Math.max(...pageMs),
        baselineMs: percentile(plainMs, 50),
        baselineMaxMs: Math.max(...plainMs),
        lastPageMs: last.ms,
        blocks,
        longestHoldMs: target === 'embedded' ? longestPageHold : undefined,
      },
      keepAll: { ...keepAll, baselineMs: plainKeep.ms },
    };
  } finally {
    // A store still busy with a start that failed or was abandoned may not close for minutes (the embedded
    // store finishes a statement once begun): it is given 10 s, then left to the process's exit.
    const closing = h.close();
    if (settled) await closing;
    else await Promise.race([closing.catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 10_000).unref())]);
  }
}

const verdict = (ms: number, goal: number, ok = true) => `goal ≤ ${goal / 1000} s: ${ok && ms <= goal ? 'pass' : 'FAIL'}`;
const hold = (ms: number | undefined) => (ms === undefined ? '' : `; longest single hold of the store ${ms.toFixed(0)} ms`);

export async function run(): Promise<BenchRow[]> {
  // The embedded store last: an abandoned start keeps its store busy until the process exits.
  const targets: TargetName[] = process.env.TEST_POSTGRES_URL ? ['postgres', 'embedded'] : ['embedded'];
  const rows: BenchRow[] = [];
  for (const target of targets) {
    const store = target === 'embedded' ? 'embedded store' : 'PostgreSQL';
    const r = await reviews(target);
    const started = r.start.value;
    rows.push(
      {
        benchmark: `access review over ${USERS} users started (${store})`,
        measure: 'time (ms)',
        value: `${r.start.abandoned ? '> ' : ''}${r.start.ms.toFixed(0)}`,
        baseline: r.start.baselineMs.toFixed(0),
        ratio: ratio(r.start.ms, r.start.baselineMs),
        notes:
          `${verdict(r.start.ms, GOALS.startMs, started.ok)}${started.ok ? ` (${started.rows} rows)` : ` — ${started.why}`}; ` +
          'one `review-start` of role editor by the owner, reviewer the owner, through the change layer, after the rows below; ' +
          `baseline = the same campaign written straight into the store (the Editors read by a two-table join, the same reviewer assignment, createCampaign)${hold(r.start.longestHoldMs)}`,
      },
      {
        benchmark: `a reviewer's page, ${USERS} rows open for them (${store})`,
        measure: 'median time (ms)',
        value: r.page.ms.toFixed(1),
        baseline: r.page.baselineMs.toFixed(1),
        ratio: ratio(r.page.ms, r.page.baselineMs),
        notes: `${verdict(r.page.maxMs, GOALS.pageMs)} (max ${r.page.maxMs.toFixed(1)} ms of ${PAGE_CALLS} calls; baseline max ${r.page.baselineMaxMs.toFixed(1)} ms); \`services.reviews.page\` + \`reviewPageMessage\` (${r.page.blocks} blocks) + JSON; last page ${r.page.lastPageMs.toFixed(1)} ms; baseline = the page's ${REVIEW_PAGE_SIZE} rows read alone by their index${hold(r.page.longestHoldMs)}`,
      },
      {
        benchmark: `Keep all left, ${r.keepAll.value} rows of a ${USERS}-row review (${store})`,
        measure: 'time (ms)',
        value: r.keepAll.ms.toFixed(0),
        baseline: r.keepAll.baselineMs.toFixed(0),
        ratio: ratio(r.keepAll.ms, r.keepAll.baselineMs),
        notes: `${verdict(r.keepAll.ms, GOALS.keepAllMs)}; one \`review-decide\` allOpen keep by one of ${APPROVERS} approvers; baseline = one plain UPDATE of another approver's ${r.keepAll.value} open rows${hold(r.keepAll.longestHoldMs)}`,
      },
    );
  }
  if (!process.env.TEST_POSTGRES_URL)
    rows.push({ benchmark: 'access reviews (PostgreSQL)', measure: '—', value: 'set TEST_POSTGRES_URL' });
  return rows;
}
