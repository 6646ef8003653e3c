/**
 * Bulk actions on a filter (issue 16, item 8): bulk roles and delete on "everyone matching" `/users
 * list`'s filters, with a review listing the count and the first 20; the set is fixed at review time
 * (users who stopped matching are skipped and reported); the owner and the acting admin are never in
 * a filter-based delete; the approval policy applies as to any change.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ListenerHarness, OWNER, startListenerHarness } from '../support/listener-harness';
import { directoryState, seedUser } from '../support/seed';
import { testTargets } from '../support/test-database';

const CHANNEL = 'C0APPROVALS';
type View = { callback_id: string; private_metadata: string; blocks: unknown[]; submit?: { text: string } };
const multi = (...values: string[]) => ({ type: 'multi_static_select', selected_options: values.map((value) => ({ value })) });

/** Polls `check` until it holds (the fake's waitFor takes only synchronous predicates). */
async function until(check: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function helpers(get: () => ListenerHarness) {
  const opened = new Set<unknown>();
  return {
    /** The next view opened with this callback_id (each view is returned once). */
    async nextView(callbackId: string): Promise<View> {
      const h = get();
      const call = await h.fake.waitFor(() =>
        h.fake.callsTo('views.open').find((c) => !opened.has(c) && (c.args.view as View).callback_id === callbackId),
      );
      opened.add(call);
      return call.args.view as View;
    },
    submit(callbackId: string, view: View, values: Record<string, Record<string, unknown>> = {}) {
      return get().slack.viewSubmission(OWNER.slackId, { callbackId, privateMetadata: view.private_metadata, values });
    },
    async ephemeral(includes: string): Promise<string> {
      const h = get();
      const call = await h.fake.waitFor(() =>
        h.fake.callsTo('chat.postEphemeral').find((c) => String(c.args.text).includes(includes)),
      );
      return String(call.args.text);
    },
    async rolesOf(email: string): Promise<string[]> {
      const held = await get().roster.prisma.userRole.findMany({ where: { user: { email } }, include: { role: true } });
      return held.map((r) => r.role.key).sort();
    },
    async inGroup(email: string, group: string) {
      const h = get();
      const user = await h.roster.prisma.user.findFirstOrThrow({ where: { email } });
      const g = await h.roster.prisma.group.findFirstOrThrow({ where: { name: group } });
      await h.roster.prisma.groupMembership.create({ data: { userId: user.id, groupId: g.id } });
    },
  };
}

describe.each(testTargets())('bulk actions on a filter (%s store)', (target) => {
  let h: ListenerHarness;
  const t = helpers(() => h);
  const ask = (text: string) => h.slack.commandAndWait(OWNER.slackId, text);

  beforeAll(async () => {
    h = await startListenerHarness(target);
    await h.roster.prisma.group.create({ data: { accountId: h.roster.accountId, name: 'Sales' } });
    for (const email of ['v1@example.com', 'v2@example.com', 'v3@example.com']) {
      await seedUser(h.roster, { email, roles: ['viewer'] });
      await t.inGroup(email, 'Sales');
    }
    await seedUser(h.roster, { email: 'outside@example.com', roles: ['viewer'] });
    await seedUser(h.roster, { email: 'x1@example.com', roles: ['viewer'], status: 'expired' });
    await seedUser(h.roster, { email: 'x2@example.com', roles: ['viewer'], status: 'expired' });
    await seedUser(h.roster, { email: 'ada@example.com', roles: ['admin'] });
    for (let i = 1; i <= 25; i++) {
      await seedUser(h.roster, { email: `bulk${String(i).padStart(2, '0')}@example.com`, roles: ['contributor'] });
    }
  });
  afterAll(async () => {
    await h?.close();
  });

  it('bulk roles on a filter: acts on who the review listed; who stopped matching is skipped and reported', async () => {
    await h.slack.command(OWNER.slackId, 'roles --role viewer --group Sales +editor');
    const pick = await t.nextView('bulk-roles.modal');
    const form = JSON.stringify(pick.blocks);
    expect(form).toContain('*Everyone matching* role viewer, group “Sales”: 3 users now.');
    expect(form).toContain('"initial_options":[{"text":{"type":"plain_text","text":"Editor"');
    const review = await t.submit('bulk-roles.modal', pick, { 'bulk.assign': { 'bulk.assign': multi('editor') } });
    const reviewView = (review.json as { view: View }).view;
    const listed = JSON.stringify(reviewView.blocks);
    expect(listed).toContain('3 of 3 users change (everyone matching role viewer, group “Sales”)');
    expect(listed).toContain('v3@example.com: viewer → *viewer, editor*');
    expect(listed).not.toContain('outside@example.com');
    expect(await t.rolesOf('v1@example.com')).toEqual(['viewer']);

    // Between review and save: v3 leaves Sales, and a newcomer joins it.
    await h.roster.prisma.groupMembership.deleteMany({ where: { user: { email: 'v3@example.com' } } });
    await seedUser(h.roster, { email: 'v4@example.com', roles: ['viewer'] });
    await t.inGroup('v4@example.com', 'Sales');

    await t.submit('bulk-roles.review', reviewView);
    const reply = await t.ephemeral('Saved: roles of');
    expect(reply).toContain('Saved: roles of 2 of 2 users changed. Skipped 1 no longer matches the filter: v3@example.com.');
    expect(await t.rolesOf('v1@example.com')).toEqual(['editor', 'viewer']);
    expect(await t.rolesOf('v2@example.com')).toEqual(['editor', 'viewer']);
    expect(await t.rolesOf('v3@example.com')).toEqual(['viewer']);
    expect(await t.rolesOf('v4@example.com')).toEqual(['viewer']);
  });

  it('the review lists the count and the first 20', async () => {
    await h.slack.command(OWNER.slackId, 'roles --role contributor');
    const pick = await t.nextView('bulk-roles.modal');
    expect(JSON.stringify(pick.blocks)).toContain('role contributor: 25 users now');
    const review = await t.submit('bulk-roles.modal', pick, { 'bulk.assign': { 'bulk.assign': multi('viewer') } });
    const listed = JSON.stringify((review.json as { view: View }).view.blocks);
    expect(listed).toContain('25 of 25 users change');
    expect(listed).toContain('bulk20@example.com');
    expect(listed).not.toContain('bulk21@example.com');
    expect(listed).toContain('…and 5 more');
  });

  it('refuses a filter that matches nobody, and a user together with a filter', async () => {
    const before = await directoryState(h.roster);
    expect((await ask('roles --group Nowhere +editor')).text).toContain('There is no group `Nowhere`');
    expect((await ask('roles --text nobody-at-all +editor')).text).toContain('Nobody matches text “nobody-at-all”');
    expect((await ask('delete --status disabled')).text).toContain('Nobody matches status disabled');
    expect((await ask('delete v1@example.com --status active')).text).toContain('Give users or a filter');
    expect((await ask('roles v1@example.com --status active +editor')).text).toContain('Give one user or a filter');
    expect(await directoryState(h.roster)).toBe(before);
  });

  it('a filter-based delete never includes the owner or the admin acting', async () => {
    await h.slack.command(OWNER.slackId, 'delete --role admin');
    const confirm = JSON.stringify((await t.nextView('delete.modal')).blocks);
    expect(confirm).toContain('Delete 1 user matching role admin for good?* You and the owner are never included.');
    expect(confirm).toContain('ada@example.com');
    expect(confirm).not.toContain(OWNER.email);
    expect((await ask(`delete --text ${OWNER.email}`)).text).toContain('Only you or the owner match that filter');
  });

  it('delete on a filter: the confirmation lists who goes; who stopped matching is skipped and reported', async () => {
    await h.slack.command(OWNER.slackId, 'delete --status expired');
    const confirm = await t.nextView('delete.modal');
    const text = JSON.stringify(confirm.blocks);
    expect(text).toContain('Delete 2 users matching status expired for good?');
    expect(text).toContain('x1@example.com');
    expect(text).toContain('x2@example.com');
    // x2 is re-invited elsewhere before the admin confirms; a newly expired user appears.
    await h.roster.prisma.user.updateMany({ where: { email: 'x2@example.com' }, data: { status: 'invited' } });
    await seedUser(h.roster, { email: 'x3@example.com', roles: ['viewer'], status: 'expired' });
    await t.submit('delete.modal', confirm);
    const reply = await t.ephemeral('Deleted');
    expect(reply).toContain('Deleted x1@example.com.');
    expect(reply).toContain('Skipped 1 no longer matches the filter: x2@example.com.');
    const left = await h.roster.prisma.user.findMany({
      where: { email: { in: ['x1@example.com', 'x2@example.com', 'x3@example.com'] } },
    });
    expect(left.map((u) => u.email).sort()).toEqual(['x2@example.com', 'x3@example.com']);
  });
});

describe('bulk actions on a filter follow the approval policy (embedded store)', () => {
  let h: ListenerHarness;
  const t = helpers(() => h);

  beforeAll(async () => {
    h = await startListenerHarness('embedded', { APPROVALS_CHANNEL: CHANNEL });
    await seedUser(h.roster, { email: 'ada@example.com', roles: ['admin'], slackUserId: 'UADA' });
    h.fake.addUser({ id: 'UADA', email: 'ada@example.com' });
    for (let i = 1; i <= 12; i++) {
      await seedUser(h.roster, { email: `old${String(i).padStart(2, '0')}@example.com`, roles: ['viewer'], status: 'expired' });
    }
  });
  afterAll(async () => {
    await h?.close();
  });

  it('bulk roles over the threshold asks for approval at the review', async () => {
    await h.slack.command(OWNER.slackId, 'roles --status expired +contributor');
    const pick = await t.nextView('bulk-roles.modal');
    const review = await t.submit('bulk-roles.modal', pick, { 'bulk.assign': { 'bulk.assign': multi('contributor') } });
    const reviewView = (review.json as { view: View }).view;
    expect(reviewView.submit?.text).toBe('Ask for approval');
    await t.submit('bulk-roles.review', reviewView);
    await t.ephemeral('This needs approval');
    const request = await h.roster.prisma.approvalRequest.findFirstOrThrow({ orderBy: { createdAt: 'desc' } });
    expect(request.action).toBe('bulk');
    expect(await t.rolesOf('old01@example.com')).toEqual(['viewer']);
  });

  it('a filter-based delete waits for approval, then deletes who still matches', async () => {
    await h.slack.command(OWNER.slackId, 'delete --status expired --text old0');
    const confirm = await t.nextView('delete.modal');
    expect(JSON.stringify(confirm.blocks)).toContain('Delete 9 users matching status expired, text “old0” for good?');
    await t.submit('delete.modal', confirm);
    await t.ephemeral('This needs approval');
    const request = await h.roster.prisma.approvalRequest.findFirstOrThrow({
      where: { action: 'delete' },
      orderBy: { createdAt: 'desc' },
    });
    expect(await h.roster.prisma.user.count({ where: { email: { startsWith: 'old0' } } })).toBe(9);
    await h.slack.viewSubmission('UADA', {
      callbackId: 'approval.modal',
      privateMetadata: JSON.stringify({ id: request.id, approve: true }),
      values: { 'approval.reason': { 'approval.reason': { type: 'plain_text_input', value: '' } } },
    });
    await until(async () => (await h.roster.prisma.user.count({ where: { email: { startsWith: 'old0' } } })) === 0);
    expect(await h.roster.prisma.user.count({ where: { email: { startsWith: 'old1' } } })).toBe(3);
  });
});
