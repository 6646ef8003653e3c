/**
 * Access reviews in Slack (issue 25) through the real app: an admin starts a review, each reviewer gets
 * a DM with their rows and Keep / Remove access / Revoke user (a modal with a note), paging and Keep all
 * left; a revocation waits for an approver where the policy says so; the last decision closes the
 * review and the scheduler DMs the owner its report (CSV and JSON), which the API also gives to a key
 * with `audit:view`; status, report, close and reassign; App Home; and the refusals.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashToken } from '../../src/domain/secrets';
import { APPROVALS_CHANNEL, decide, latestRequestButton } from '../support/approvals';
import { type ListenerHarness, OWNER, startListenerHarness } from '../support/listener-harness';
import { seedUser } from '../support/seed';
import { until } from '../support/until';

interface Block {
  type: string;
  text?: { text: string };
  elements?: { action_id?: string; value?: string; text?: { text: string } }[];
}

const ADA = { slackId: 'UADA', email: 'ada@example.com' };
const VIC = { slackId: 'UVIC', email: 'vic@example.com' };

describe('access reviews in Slack (embedded store)', () => {
  let h: ListenerHarness;
  const ask = async (text: string, user = OWNER.slackId) => String((await h.slack.commandAndWait(user, text)).text);
  const posts = () => h.fake.callsTo('chat.postMessage');
  /** The latest DM (or message) whose text mentions `words`, with its blocks. */
  const latestPost = (words: string, about = '') => {
    const post = posts()
      .filter((c) => String(c.args.text ?? '').includes(words) && JSON.stringify(c.args.blocks ?? []).includes(about))
      .at(-1);
    if (!post) throw new Error(`no message mentioning ${words}`);
    return { text: String(post.args.text), blocks: (post.args.blocks ?? []) as Block[] };
  };
  const buttons = (blocks: Block[]) => blocks.flatMap((b) => b.elements ?? []).filter((e) => e.action_id);
  /** The value of the button `actionId` in the row block that mentions `email`. */
  const rowButton = (blocks: Block[], email: string, actionId: string) => {
    const at = blocks.findIndex((b) => b.type === 'section' && b.text?.text.startsWith(`*${email}*`));
    const button = blocks[at + 1]?.elements?.find((e) => e.action_id === actionId);
    if (!button?.value) throw new Error(`no ${actionId} for ${email}`);
    return button.value;
  };
  const userRoles = async (email: string) =>
    (await h.roster.prisma.userRole.findMany({ where: { user: { email } }, include: { role: true } }))
      .map((r) => r.role.key)
      .sort();
  type Modal = { private_metadata: string; callback_id: string; blocks: Block[] };
  /**
   * Clicks a row's Keep with a note, Remove access or Revoke user: the modal it opens, and for a removal
   * or revocation the same modal updated with what the decision would change (a dry run).
   */
  async function openDecision(user: string, actionId: string, value: string) {
    const opens = h.fake.callsTo('views.open').length;
    const updates = h.fake.callsTo('views.update').length;
    await h.slack.blockAction(user, { actionId, value });
    const opened = await h.fake.waitFor(() => h.fake.callsTo('views.open')[opens]?.args.view as Modal | undefined);
    if (actionId === 'review.keep-note') return opened;
    expect(JSON.stringify(opened.blocks)).toContain('Working out what this changes');
    return h.fake.waitFor(() => h.fake.callsTo('views.update')[updates]?.args.view as Modal | undefined);
  }
  const submitDecision = (user: string, metadata: string, note = '') =>
    h.slack.viewSubmission(user, {
      callbackId: 'review.decision',
      privateMetadata: metadata,
      values: { 'review.note': { 'review.note': { type: 'plain_text_input', value: note } } },
    });

  beforeAll(async () => {
    h = await startListenerHarness('embedded', { APPROVALS_CHANNEL });
    await seedUser(h.roster, { email: ADA.email, roles: ['admin'], slackUserId: ADA.slackId });
    await seedUser(h.roster, { email: VIC.email, roles: ['viewer'], slackUserId: VIC.slackId });
    h.fake.addUser({ id: ADA.slackId, email: ADA.email });
    h.fake.addUser({ id: VIC.slackId, email: VIC.email });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('refuses a start without the permission, without a scope, or naming what the account does not have', async () => {
    expect(await ask('review start --role editor', VIC.slackId)).toContain('`roles:manage`');
    expect(await ask('review start --reviewer owner')).toContain('Say what is under review');
    expect(await ask('review start --role nope')).toContain('There is no role `nope`');
    expect(await ask('review start --role editor --due 500d')).toContain('`--due` is 1d to 90d');
    expect(await ask('review start --role editor --on-overdue never')).toContain('`--on-overdue` is `remind` or `revoke-access`');
    expect(await ask('review start --role editor')).toContain('Nobody active holds role editor');
    expect(await ask('review frobnicate')).toContain('Say `start`, `status`, `report`, `close` or `reassign`');
    expect(await h.roster.prisma.reviewCampaign.count()).toBe(0);
  });

  it('a reviewer keeps, removes with a note, and the last decision closes the review; the owner gets the report', async () => {
    for (const name of ['ann', 'bob']) await seedUser(h.roster, { email: `${name}@example.com`, roles: ['editor', 'viewer'] });
    const started = await ask('review start --role editor --reviewer owner --due 7d --name "Editors Q4"');
    expect(started).toContain('Started Access review #1 “Editors Q4”: 2 rows for 2 users');
    expect(started).toContain('Each has a DM with their rows');
    const dm = latestPost('Access review #1');
    expect(dm.text).toContain('2 left for you');
    expect(JSON.stringify(dm.blocks)).toContain('never signed in · not invited through Roster');

    // Keep ann's row: the page is drawn again in place, with one left.
    const kept = await h.slack.blockActionAndWait(OWNER.slackId, {
      actionId: 'review.keep',
      value: rowButton(dm.blocks, 'ann@example.com', 'review.keep'),
    });
    expect(kept.replace_original).toBe(true);
    expect(String(kept.text)).toContain('1 left for you');
    expect(JSON.stringify(kept.blocks)).toContain('Kept.');

    // Remove access on bob's row: a modal says what will happen and takes a note.
    const modal = await openDecision(OWNER.slackId, 'review.remove', rowButton(dm.blocks, 'bob@example.com', 'review.remove'));
    expect(modal.callback_id).toBe('review.decision');
    expect(JSON.stringify(modal.blocks)).toContain('remove the role editor');
    expect(JSON.stringify(modal.blocks)).toContain('Then: Roles of bob@example.com are now viewer.');
    await submitDecision(OWNER.slackId, modal.private_metadata, 'Left the editing team');
    await until(async () => (await userRoles('bob@example.com')).join() === 'viewer');
    const campaign = await h.roster.prisma.reviewCampaign.findFirstOrThrow();
    expect([campaign.status, campaign.closeReason]).toEqual(['closed', 'decided']);

    // The scheduler DMs the owner the report, as CSV and JSON.
    h.fake.uploads.length = 0;
    await h.roster.scheduler.runOnce();
    expect(h.fake.uploads).toHaveLength(2);
    const csv = h.fake.uploads.map((u) => u.bytes.toString()).find((t) => t.startsWith('campaign,')) ?? '';
    expect(csv).toContain('bob@example.com');
    expect(csv).toMatch(
      /bob@example\.com,[^\n]*,role:editor,owner@example\.com,remove,Left the editing team,owner@example\.com,/,
    );
    expect(csv).toMatch(/ann@example\.com,[^\n]*,keep,/);
    const json = JSON.parse(h.fake.uploads.map((u) => u.bytes.toString()).find((t) => t.startsWith('{')) ?? '{}');
    expect(json.campaign).toMatchObject({ number: 1, name: 'Editors Q4', status: 'closed', closeReason: 'decided' });
    expect(json.rows.map((r: { email: string; decision: string }) => [r.email, r.decision])).toEqual([
      ['ann@example.com', 'keep'],
      ['bob@example.com', 'remove'],
    ]);
    await h.roster.scheduler.runOnce();
    expect(h.fake.uploads).toHaveLength(2);

    const actions = await h.roster.prisma.auditEvent.findMany({
      where: { action: { startsWith: 'review.' } },
      orderBy: { accountSeq: 'asc' },
    });
    expect(actions.map((a) => a.action)).toEqual(['review.started', 'review.decided', 'review.decided', 'review.closed']);
    expect(await ask('review status 1')).toContain('closed');
    // A decision on a closed review is refused.
    const late = await h.slack.blockActionAndWait(OWNER.slackId, {
      actionId: 'review.keep',
      value: rowButton(dm.blocks, 'ann@example.com', 'review.keep'),
    });
    expect(String(late.text)).toContain('is closed; its decisions are final');
  });

  it('the report is at the API for a key with audit:view, as JSON or CSV; others are refused', async () => {
    const campaign = await h.roster.prisma.reviewCampaign.findFirstOrThrow({ where: { number: 1 } });
    const keyOf = async (email: string) => {
      const key = `rk_${randomBytes(24).toString('base64url')}`;
      const user = await h.roster.prisma.user.findFirstOrThrow({ where: { email } });
      await h.roster.prisma.apiKey.create({
        data: { accountId: h.roster.accountId, userId: user.id, prefix: key.slice(0, 8), keyHash: hashToken(key) },
      });
      return key;
    };
    const get = (path: string, key?: string, accept?: string) =>
      h.fetch(`${h.baseUrl}${path}`, {
        headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...(accept ? { accept } : {}) },
      });
    const path = `/api/v1/reviews/${campaign.id}/report`;
    const adaKey = await keyOf(ADA.email);
    const json = await get(path, adaKey);
    expect(json.status).toBe(200);
    const body = (await json.json()) as { rows: { email: string; decision: string; decidedBy: string }[] };
    expect(
      body.rows.map((r: { email: string; decision: string; decidedBy: string }) => [r.email, r.decision, r.decidedBy]),
    ).toEqual([
      ['ann@example.com', 'keep', 'owner@example.com'],
      ['bob@example.com', 'remove', 'owner@example.com'],
    ]);
    const csv = await get(`${path}?format=csv`, adaKey);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    expect(await csv.text()).toContain('Left the editing team');
    expect((await get(path, adaKey, 'text/csv')).headers.get('content-type')).toContain('text/csv');
    expect((await get(path)).status).toBe(401);
    expect((await get(path, await keyOf(VIC.email))).status).toBe(403);
    expect((await get('/api/v1/reviews/not-a-review/report', adaKey)).status).toBe(404);
    expect((await get(`/api/v1/reviews/${crypto.randomUUID()}/report`, adaKey)).status).toBe(404);
    expect((await get(`${path}?format=xml`, adaKey)).status).toBe(400);
  });

  it('a revocation waits for an approver; the row shows it waiting and is decided when approved', async () => {
    await seedUser(h.roster, { email: 'cy@example.com', roles: ['editor', 'viewer'] });
    expect(await ask(`review start --role editor --reviewer ${ADA.email} --due 2026-12-31`)).toContain(
      'Started Access review #2',
    );
    const dm = latestPost('Access review #2');
    const modal = await openDecision(ADA.slackId, 'review.revoke', rowButton(dm.blocks, 'cy@example.com', 'review.revoke'));
    expect(JSON.stringify(modal.blocks)).toContain('waits for an approver');
    await submitDecision(ADA.slackId, modal.private_metadata, 'No longer with us');
    const request = await h.fake.waitFor(() =>
      h.fake
        .callsTo('chat.postMessage')
        .find((c) => c.args.channel === APPROVALS_CHANNEL && JSON.stringify(c.args.blocks).includes('revokes cy@example.com')),
    );
    expect(JSON.stringify(request.args.blocks)).toContain('No longer with us');
    const row = await until(() =>
      h.roster.prisma.reviewRow.findFirst({ where: { email: 'cy@example.com', requestId: { not: null } } }),
    );
    expect(row.decision).toBeNull();
    const waiting = await h.slack.commandAndWait(ADA.slackId, 'review 2');
    expect(JSON.stringify(waiting.blocks)).toContain('Your decision waits for an approver');
    // The reviewer cannot approve their own; the owner can.
    await decide(h, OWNER.slackId, latestRequestButton(h), true);
    await until(() => h.roster.prisma.user.findFirst({ where: { email: 'cy@example.com', status: 'revoked' } }));
    const decided = await h.roster.prisma.reviewRow.findUniqueOrThrow({ where: { id: row.id } });
    expect([decided.decision, decided.decidedByEmail, decided.note]).toEqual(['revoke', ADA.email, 'No longer with us']);

    // Keep, with a note: the same modal, and the note is on the record; the last row closes the review.
    const keepModal = await openDecision(
      ADA.slackId,
      'review.keep-note',
      rowButton(dm.blocks, 'ann@example.com', 'review.keep-note'),
    );
    expect(JSON.stringify(keepModal.blocks)).toContain("Keep *ann@example.com*'s role editor");
    await submitDecision(ADA.slackId, keepModal.private_metadata, 'Still edits the handbook');
    const annRow = await until(() =>
      h.roster.prisma.reviewRow.findFirst({ where: { email: 'ann@example.com', campaign: { number: 2 }, decision: 'keep' } }),
    );
    expect(annRow.note).toBe('Still edits the handbook');
    expect((await h.roster.prisma.reviewCampaign.findFirstOrThrow({ where: { number: 2 } })).status).toBe('closed');
  });

  it('pages of ten, Keep these, Keep all left (confirmed), status, reassign, App Home, close', async () => {
    for (let i = 0; i < 23; i++)
      await seedUser(h.roster, { email: `p${String(i).padStart(2, '0')}@example.com`, roles: ['editor', 'viewer'] });
    expect(await ask('review start --role editor --reviewer owner --reviewer ada@example.com')).toContain(
      'Started Access review #3',
    );
    // Spread between the two, 12 each: ann and the 23 (bob and cy no longer hold editor).
    const status = await ask('review status 3');
    expect(status).toContain('0 of 24 decided');
    expect(status).toMatch(/ada@example\.com: 0\/12 decided/);
    expect(status).toMatch(/owner@example\.com: 0\/12 decided/);

    const page = latestPost('Access review #3', '*ann@example.com*');
    expect(page.text).toContain('12 left for you');
    const labels = buttons(page.blocks).map((b) => b.text?.text);
    expect(labels).toContain('Keep these 10');
    expect(labels).toContain('Keep all 12 left');
    expect(labels).toContain('Next');
    const next = buttons(page.blocks).find((b) => b.text?.text === 'Next');
    const second = await h.slack.blockActionAndWait(OWNER.slackId, { actionId: 'review.page.next', value: next?.value });
    expect(JSON.stringify(second.blocks)).toContain('Page 2 of 2');

    const keepThese = buttons(page.blocks).find((b) => b.text?.text === 'Keep these 10');
    const afterPage = await h.slack.blockActionAndWait(OWNER.slackId, { actionId: 'review.keep-page', value: keepThese?.value });
    expect(String(afterPage.text)).toContain('2 left for you');

    // The owner moves Ada's rows to Vic (who reviews none of their own here).
    expect(await ask(`review reassign 3 ${ADA.email} ${VIC.email}`)).toContain(
      `12 open rows of ${ADA.email} now go to ${VIC.email}`,
    );
    expect(await ask(`review reassign 3 ${VIC.email} ${ADA.email}`, ADA.slackId)).toContain("Only the account's owner");
    const vicDm = latestPost('gave you 12 rows');
    expect(vicDm.text).toContain('Access review #3');
    const all = buttons(vicDm.blocks).find((b) => b.text?.text === 'Keep all 12 left');
    const kept = await h.slack.blockActionAndWait(VIC.slackId, { actionId: 'review.keep-all', value: all?.value });
    expect(String(kept.text)).toContain('Kept 12 rows');
    expect(
      await h.roster.prisma.reviewRow.count({ where: { campaign: { number: 3 }, reviewerEmail: VIC.email, decision: 'keep' } }),
    ).toBe(12);

    // App Home shows the owner's rows left and the progress of the open review.
    const published = h.fake.callsTo('views.publish').length;
    await h.slack.event({ type: 'app_home_opened', user: OWNER.slackId, tab: 'home', channel: 'D1' });
    const home = await h.fake.waitFor(() =>
      h.fake
        .callsTo('views.publish')
        .slice(published)
        .find((c) => c.args.user_id === OWNER.slackId),
    );
    const view = JSON.stringify(home.args.view);
    expect(view).toContain('Access review rows waiting for you');
    expect(view).toContain('2 left for you');
    expect(view).toContain('22 of 24 decided');
    expect(view).not.toContain('• Access review #2 “');

    expect(await ask('review close 3', VIC.slackId)).toContain("Only the account's owner or whoever started it");
    expect(await ask('review close 3')).toContain('Closed Access review #3');
    expect(await h.roster.prisma.reviewRow.count({ where: { campaign: { number: 3 }, decision: 'not-reviewed' } })).toBe(2);
    expect(await ask('review')).toContain('Nothing waits for your review');
  });

  it('nobody decides another reviewer’s rows, and nobody reviews their own access', async () => {
    expect(await ask('review start --role admin --reviewer owner')).toContain('Started Access review #4');
    // The owner's own Admin row went to Ada, the other Admin.
    const rows = await h.roster.prisma.reviewRow.findMany({ where: { campaign: { number: 4 } }, orderBy: { position: 'asc' } });
    expect(rows.map((r) => [r.email, r.reviewerEmail])).toEqual([
      [ADA.email, OWNER.email],
      [OWNER.email, ADA.email],
    ]);
    const adaDm = latestPost('Access review #4', `*${OWNER.email}*`);
    const value = rowButton(adaDm.blocks, OWNER.email, 'review.keep');
    const refused = await h.slack.blockActionAndWait(VIC.slackId, { actionId: 'review.keep', value });
    expect(String(refused.text)).toContain(`is ${ADA.email}'s to review, not yours`);
    const forged = await h.slack.blockActionAndWait(OWNER.slackId, { actionId: 'review.keep', value: '{"c":"x"}' });
    expect(String(forged.text)).toContain('not one of Roster’s');
  });
});
