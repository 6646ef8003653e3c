/**
 * Time-bound access in Slack (issue 24) through the real app: an Admin's grant for a while
 * (`/users roles|perms … --for/--until --reason`) and its refusals, `/users list --temporary`, the card's
 * time-bound access with End; a request for oneself decided in the approvals channel, counting until its
 * end at each read (a command, the API's verify) and not a second after, whatever the scheduler did;
 * App Home's own access and Request access; the scheduler's warning (Extend, End now) and recorded end;
 * and break-glass, loud in the approvals channel and the Admins' DMs, reviewed by another Admin.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { presetPath } from '../../src/domain/roles/catalog';
import { hashToken } from '../../src/domain/secrets';
import { APPROVALS_CHANNEL, decide, latestRequestButton } from '../support/approvals';
import { type ListenerHarness, OWNER, startListenerHarness } from '../support/listener-harness';
import { seedUser } from '../support/seed';
import { until } from '../support/until';
import { postJson } from '../support/web-client';

interface Element {
  action_id?: string;
  value?: string;
  text?: { text: string };
}
interface Block {
  type: string;
  text?: { text: string };
  accessory?: Element;
  elements?: Element[];
}
type View = { callback_id: string; private_metadata: string; blocks: Block[] };

const ADA = { slackId: 'UADA', email: 'ada@example.com' };
const ANN = { slackId: 'UANN', email: 'ann@example.com' };
const VIC = { slackId: 'UVIC', email: 'vic@example.com' };
const BEN = { slackId: 'UBEN', email: 'ben@example.com' };

/** The standard preset whose policy lets break-glass take Admin. */
async function catalogFile(): Promise<string> {
  const catalog = parse(readFileSync(presetPath('standard'), 'utf8'));
  catalog.policy = { ...(catalog.policy ?? {}), grants: { admin: { breakGlass: true } } };
  const file = path.join(tmpdir(), `roster-time-bound-${process.pid}-${Math.random()}.yaml`);
  await writeFile(file, stringify(catalog));
  return file;
}

describe('time-bound access in Slack (embedded store)', () => {
  let h: ListenerHarness;
  const ask = async (text: string, user = OWNER.slackId) =>
    (await h.slack.commandAndWait(user, text)) as { text?: string; blocks?: Block[] };
  const say = async (text: string, user = OWNER.slackId) => String((await ask(text, user)).text);
  const posts = () => h.fake.callsTo('chat.postMessage');
  /** Messages posted to `channel` (a DM is `D<slack id>`) from the `from`th on. */
  const postsIn = (channel: string, from = 0) =>
    posts()
      .slice(from)
      .filter((c) => c.args.channel === channel)
      .map((c) => ({ text: String(c.args.text ?? ''), blocks: (c.args.blocks ?? []) as Block[] }));
  /** The first message in `channel` from the `from`th on whose text or blocks mention `words`. */
  const waitForPost = (channel: string, words: string, from = 0) =>
    h.fake.waitFor(() => postsIn(channel, from).find((p) => `${p.text}${JSON.stringify(p.blocks)}`.includes(words)));
  const buttons = (blocks: Block[] = []) =>
    blocks.flatMap((b) => [...(b.elements ?? []), ...(b.accessory ? [b.accessory] : [])]).filter((e) => e.action_id);
  const button = (blocks: Block[] | undefined, actionId: string) => {
    const found = buttons(blocks).find((e) => e.action_id === actionId);
    if (!found) throw new Error(`no ${actionId} button`);
    return found;
  };

  const grantsOf = (email: string) =>
    h.roster.prisma.timedGrant.findMany({ where: { user: { email } }, include: { role: true }, orderBy: { createdAt: 'asc' } });
  const pendingRequests = () => h.roster.prisma.approvalRequest.findMany({ where: { status: 'pending' } });
  async function keyOf(email: string) {
    const key = `rk_${randomBytes(24).toString('base64url')}`;
    const user = await h.roster.prisma.user.findFirstOrThrow({ where: { email } });
    await h.roster.prisma.apiKey.create({
      data: { accountId: h.roster.accountId, userId: user.id, prefix: key.slice(0, 8), keyHash: hashToken(key) },
    });
    return key;
  }
  const verify = async (apiKey: string) => {
    const answer = await postJson(`${h.baseUrl}/api/v1/auth/verify`, { apiKey }, {}, h.fetch);
    expect(answer.status).toBe(200);
    return answer.json as {
      roles: { key: string }[];
      permissions: string[];
      temporaryGrants: { role?: string; expiresAt: string; breakGlass: boolean }[];
    };
  };
  async function openHome(user: string) {
    const published = h.fake.callsTo('views.publish').length;
    await h.slack.event({ type: 'app_home_opened', user, tab: 'home', channel: `D${user}` });
    const home = await h.fake.waitFor(() =>
      h.fake
        .callsTo('views.publish')
        .slice(published)
        .find((c) => c.args.user_id === user),
    );
    return home.args.view as { blocks: Block[] };
  }

  beforeAll(async () => {
    h = await startListenerHarness('embedded', { APPROVALS_CHANNEL, ROSTER_CONFIG: await catalogFile() });
    await seedUser(h.roster, { email: ADA.email, roles: ['admin'], slackUserId: ADA.slackId });
    await seedUser(h.roster, { email: ANN.email, roles: ['viewer'], slackUserId: ANN.slackId });
    // Vic may approve others' requests (an extra permission), so only the rule on one's own request stops him.
    await seedUser(h.roster, {
      email: VIC.email,
      roles: ['viewer'],
      slackUserId: VIC.slackId,
      extraPermissions: ['approvals:approve'],
    });
    await seedUser(h.roster, { email: BEN.email, roles: ['viewer'], slackUserId: BEN.slackId });
    for (const user of [ADA, ANN, VIC, BEN]) h.fake.addUser({ id: user.slackId, email: user.email });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('an Admin gives access for a while: refusals, Admin for 4h after approval, a permission until a day, the list, the card and End', async () => {
    // Refusals: nothing is written.
    expect(await say(`roles ${ANN.email} +admin --for 4x --reason "INC-4312"`)).toContain(
      '`--for 4x` is not a span such as 30m, 4h, 2d or 1w.',
    );
    expect(await say(`roles ${ANN.email} +admin --for 4h --until 2026-12-24 --reason "INC-4312"`)).toContain(
      'Give `--for` or `--until`, not both.',
    );
    expect(await say(`roles ${ANN.email} +admin --for 4h`)).toContain('Say why with `--reason "…"`');
    expect(await say(`roles ${ANN.email} -viewer --for 4h --reason "INC-4312"`)).toContain(
      'A time-bound grant only adds; remove access without `--for`.',
    );
    expect(await grantsOf(ANN.email)).toEqual([]);

    // Admin for 4 hours gives admin power: it waits for another Admin, as a grant-timed change.
    const waiting = await say(`roles ${ANN.email} +admin --for 4h --reason "INC-4312"`);
    expect(waiting).toContain('This needs approval');
    expect(waiting).toContain(`Give ${ANN.email} Admin for 4 h. Reason: INC-4312`);
    const [request, ...others] = await pendingRequests();
    expect(others).toEqual([]);
    expect([request?.action, (request?.payload as { kind?: string } | undefined)?.kind]).toEqual(['grant-admin', 'grant-timed']);
    await decide(h, ADA.slackId, latestRequestButton(h), true);
    const [admin] = await until(async () => {
      const grants = await grantsOf(ANN.email);
      return grants.length > 0 && grants;
    });
    expect([admin?.role?.key, admin?.endsAt.toISOString(), admin?.reason, admin?.via]).toEqual([
      'admin',
      '2026-11-22T16:00:00.000Z',
      'INC-4312',
      'admin',
    ]);

    // A permission that gives no admin power, until the end of a day (UTC): granted at once.
    const perm = await say(`perms ${ANN.email} +content:publish --until 2026-12-24 --reason "Holiday cover"`);
    expect(perm).toContain(`${ANN.email} holds content:publish until 2026-12-24 23:59 UTC`);

    const list = await say('list --temporary');
    expect(list).toContain('Time-bound access in force (2)');
    expect(list).toMatch(
      /ann@example\.com — \*Admin\* until 2026-11-22 16:00 UTC — INC-4312[\s\S]*content:publish\* until 2026-12-24 23:59 UTC — Holiday cover/,
    );
    // A Viewer may not list them.
    expect(await say('list --temporary', BEN.slackId)).toContain('`users:view`');

    // The card shows them, each with an End button; ending Admin there takes it away now.
    const card = await ask(`show ${ANN.email}`);
    const shown = JSON.stringify(card.blocks);
    expect(shown).toContain('*Time-bound access*');
    expect(shown).toContain('• *Admin* until 2026-11-22 16:00 UTC — INC-4312');
    expect(shown).toContain('• *content:publish* until 2026-12-24 23:59 UTC — Holiday cover');
    const ends = buttons(card.blocks).filter((b) => b.action_id === 'grant.end');
    expect(ends.map((b) => [b.text?.text, b.value])).toEqual([
      ['End Admin', admin?.id],
      ['End content:publish', expect.any(String)],
    ]);
    const ended = await h.slack.blockActionAndWait(OWNER.slackId, { actionId: 'grant.end', value: admin?.id });
    expect(String(ended.text)).toContain(`Ended: ${ANN.email} no longer holds that access.`);
    const after = await h.roster.prisma.timedGrant.findUniqueOrThrow({ where: { id: admin?.id } });
    expect([after.endReason, after.endedBy]).toEqual(['revoked', OWNER.email]);
    expect(await say('list --temporary')).toContain('Time-bound access in force (1)');
    // A second click finds it ended.
    const again = await h.slack.blockActionAndWait(OWNER.slackId, { actionId: 'grant.end', value: admin?.id });
    expect(String(again.text)).toContain('already ended');

    // The next scheduler pass tells Ann an Admin ended it.
    const from = posts().length;
    await h.roster.scheduler.runOnce();
    const told = await waitForPost(`D${ANN.slackId}`, 'Your Admin access ended', from);
    expect(told.text).toContain(`${OWNER.email} ended it early.`);
  });

  it('a request: another approver decides; it counts until its end at each read, is warned of, and its end is recorded', async () => {
    expect(await say('list', VIC.slackId)).toContain('`users:view`');
    const vicKey = await keyOf(VIC.email);
    const asked = await say('request admin --for 2h --reason "INC-4400: failover"', VIC.slackId);
    expect(asked).toContain('This needs approval');
    const message = await waitForPost(APPROVALS_CHANNEL, 'vic@example.com asks for Admin for 2 h');
    expect(JSON.stringify(message.blocks)).toContain('INC-4400: failover');
    // The reason is required and was given: the message must not tell approvers there is none.
    expect.soft(JSON.stringify(message.blocks)).not.toContain('no reason given');
    const requestId = latestRequestButton(h);

    // The requester may approve others' requests, not his own.
    const from = posts().length;
    await decide(h, VIC.slackId, requestId, true);
    await waitForPost(`D${VIC.slackId}`, 'You asked for this change, so someone else must decide on it.', from);
    expect((await h.roster.prisma.approvalRequest.findUniqueOrThrow({ where: { id: requestId } })).status).toBe('pending');
    expect(await grantsOf(VIC.email)).toEqual([]);

    // An hour later Ada approves: it lasts two hours from then.
    h.clock.advanceHours(1);
    await decide(h, ADA.slackId, requestId, true);
    const [grant] = await until(async () => {
      const grants = await grantsOf(VIC.email);
      return grants.length > 0 && grants;
    });
    if (!grant) throw new Error('no grant');
    expect([grant.endsAt.toISOString(), grant.via]).toEqual(['2026-11-22T15:00:00.000Z', 'request']);
    expect(JSON.stringify((await ask('list', VIC.slackId)).blocks)).toContain(ANN.email);
    const inForce = await verify(vicKey);
    expect(inForce.roles.map((r) => r.key)).toContain('admin');
    expect(inForce.permissions).toContain('users:view');
    expect(inForce.temporaryGrants).toEqual([
      { role: 'admin', scope: null, expiresAt: '2026-11-22T15:00:00.000Z', breakGlass: false },
    ]);

    // App Home: his access for a while, with Extend and End now; Request access opens the modal, whose submission is a request.
    const home = await openHome(VIC.slackId);
    const homeText = JSON.stringify(home.blocks);
    expect(homeText).toContain('*Your access for a while*');
    expect(homeText).toContain('• *Admin* until 2026-11-22 15:00 UTC');
    expect(
      buttons(home.blocks)
        .filter((b) => b.value === grant.id)
        .map((b) => b.action_id),
    ).toEqual(['grant.extend', 'grant.end']);
    const opened = h.fake.callsTo('views.open').length;
    await h.slack.blockAction(VIC.slackId, {
      actionId: button(home.blocks, 'home.request-access').action_id as string,
      view: { id: 'VHOME', type: 'home' },
    });
    const modal = (await h.fake.waitFor(() => h.fake.callsTo('views.open')[opened])).args.view as View;
    expect(modal.callback_id).toBe('request-access.modal');
    const requests = (await pendingRequests()).length;
    await h.slack.viewSubmission(VIC.slackId, {
      callbackId: 'request-access.modal',
      privateMetadata: modal.private_metadata,
      values: {
        'request.access': { 'request.access': { type: 'static_select', selected_option: { value: 'editor' } } },
        'request.span': { 'request.span': { type: 'static_select', selected_option: { value: '60' } } },
        'request.reason': { 'request.reason': { type: 'plain_text_input', value: 'Handbook deadline' } },
      },
    });
    await waitForPost(APPROVALS_CHANNEL, 'vic@example.com asks for Editor for 1 h');
    const modalRequests = await until(async () => {
      const all = await pendingRequests();
      return all.length > requests && all;
    });
    expect(modalRequests.map((r) => r.action)).toContain('access-request');

    // Fifteen minutes before the end, a pass warns him, with Extend and End now.
    h.clock.set(new Date('2026-11-22T14:45:00Z'));
    const beforeWarning = posts().length;
    await h.roster.scheduler.runOnce();
    const warning = await waitForPost(`D${VIC.slackId}`, 'Your Admin access ends 2026-11-22 15:00 UTC', beforeWarning);
    expect(buttons(warning.blocks).map((b) => [b.action_id, b.value])).toEqual([
      ['grant.extend', grant.id],
      ['grant.end', grant.id],
    ]);
    // Extend, by a holder the policy does not let extend himself: a request for another approver.
    const extended = await h.slack.blockActionAndWait(VIC.slackId, { actionId: 'grant.extend', value: grant.id });
    expect(String(extended.text)).toContain('This needs approval');
    expect(String(extended.text)).toContain(`${VIC.email} asks to keep Admin until 2026-11-22 17:00 UTC`);
    expect((await h.roster.prisma.timedGrant.findUniqueOrThrow({ where: { id: grant.id } })).endsAt.toISOString()).toBe(
      '2026-11-22T15:00:00.000Z',
    );

    // One second after the end it counts no more, before any scheduler pass.
    h.clock.set(new Date('2026-11-22T15:00:01Z'));
    expect(await say('list', VIC.slackId)).toContain('`users:view`');
    const over = await verify(vicKey);
    expect(over.temporaryGrants).toEqual([]);
    expect(over.roles.map((r) => r.key)).toEqual(['viewer']);
    expect(over.permissions).not.toContain('users:view');
    expect((await h.roster.prisma.timedGrant.findUniqueOrThrow({ where: { id: grant.id } })).endedAt).toBeNull();

    // The next pass records the end once and tells him.
    const beforeEnd = posts().length;
    const publishedBefore = h.fake.callsTo('views.publish').length;
    await h.roster.scheduler.runOnce();
    const endedDm = await waitForPost(`D${VIC.slackId}`, 'Your Admin access ended 2026-11-22 15:00 UTC', beforeEnd);
    // His App Home is redrawn with it: the access shows as ended.
    const redrawn = await h.fake.waitFor(() =>
      h.fake
        .callsTo('views.publish')
        .slice(publishedBefore)
        .find((c) => c.args.user_id === VIC.slackId),
    );
    expect(JSON.stringify(redrawn.args.view)).toContain('Admin — ended 2026-11-22 15:00 UTC');
    expect(endedDm.text).toContain('`/users request`');
    const recorded = await h.roster.prisma.timedGrant.findUniqueOrThrow({ where: { id: grant.id } });
    expect(recorded.endReason).toBe('expired');
    const audit = await h.roster.prisma.auditEvent.findMany({ where: { action: 'grant.ended', targetEmail: VIC.email } });
    expect(audit).toHaveLength(1);
    await h.roster.scheduler.runOnce();
    expect(await h.roster.prisma.auditEvent.count({ where: { action: 'grant.ended', targetEmail: VIC.email } })).toBe(1);
  });

  it('break-glass: only where the policy allows; granted at once, loud, and reviewed by another Admin, whose Revoke ends it', async () => {
    expect(await say('request editor --for 1h --break-glass --reason "INC-4500"', BEN.slackId)).toContain(
      'Break-glass is not allowed for Editor here',
    );
    expect(await grantsOf(BEN.email)).toEqual([]);

    const from = posts().length;
    const taken = await say('request admin --for 1h --break-glass --reason "INC-4500: db down"', BEN.slackId);
    expect(taken).toContain(`${BEN.email} holds Admin until`);
    expect(taken).toContain('This was break-glass');
    const [grant] = await grantsOf(BEN.email);
    expect(grant?.breakGlass).toBe(true);
    expect(JSON.stringify((await ask('list', BEN.slackId)).blocks)).toContain(ANN.email);

    // The approvals channel, the owner and every other Admin hear of it, with Acknowledge and Revoke.
    for (const channel of [APPROVALS_CHANNEL, `D${OWNER.slackId}`, `D${ADA.slackId}`]) {
      const notice = await waitForPost(channel, 'Break-glass:', from);
      expect(notice.text).toContain(`${BEN.email} took *Admin*`);
      expect(notice.text).toContain('INC-4500: db down');
      expect(buttons(notice.blocks).map((b) => [b.action_id, b.value])).toEqual([
        ['break-glass.acknowledge', grant?.id],
        ['break-glass.revoke', grant?.id],
      ]);
    }
    expect(postsIn(`D${BEN.slackId}`, from).filter((p) => p.text.includes('Break-glass:'))).toEqual([]);

    // The holder reviews neither way.
    for (const actionId of ['break-glass.acknowledge', 'break-glass.revoke']) {
      const refused = await h.slack.blockActionAndWait(BEN.slackId, { actionId, value: grant?.id });
      expect(String(refused.text)).toContain('Another Admin reviews your break-glass access, not you.');
    }
    expect((await h.roster.prisma.timedGrant.findUniqueOrThrow({ where: { id: grant?.id } })).reviewedAt).toBeNull();

    const revoked = await h.slack.blockActionAndWait(ADA.slackId, { actionId: 'break-glass.revoke', value: grant?.id });
    expect(String(revoked.text)).toContain(`${ADA.email} revoked ${BEN.email}'s break-glass Admin; it ended now`);
    expect(await say('list', BEN.slackId)).toContain('`users:view`');
    const after = await h.roster.prisma.timedGrant.findUniqueOrThrow({ where: { id: grant?.id } });
    expect([after.reviewOutcome, after.endReason, after.endedBy]).toEqual(['revoked', 'revoked', ADA.email]);
    const beforePass = posts().length;
    await h.roster.scheduler.runOnce();
    const told = await waitForPost(`D${BEN.slackId}`, 'Your Admin access ended', beforePass);
    expect(told.text).toContain(`${ADA.email} ended it early.`);
  });

  it('the roles form gives the roles added for a while (a duration and why), refuses taking one away, and the export lists them', async () => {
    const lastRolesView = async () => {
      const opened = await h.fake.waitFor(() =>
        h.fake
          .callsTo('views.open')
          .map((c) => c.args.view as View)
          .filter((v) => v.callback_id === 'roles.modal')
          .at(-1),
      );
      return opened;
    };
    const opens = h.fake.callsTo('views.open').length;
    await h.slack.blockAction(OWNER.slackId, { actionId: 'card.roles', value: BEN.email });
    await h.fake.waitFor(() => h.fake.callsTo('views.open').length > opens);
    const form = await lastRolesView();
    const labels = JSON.stringify(form.blocks);
    expect(labels).toContain('For how long');
    expect(labels).toContain('Or until');
    const multi = (...keys: string[]) => ({
      type: 'multi_static_select',
      selected_options: keys.map((value) => ({ value })),
    });
    const values = (keys: string[], duration: string, reason?: string) => ({
      'roles.general': { 'roles.general': multi(...keys) },
      'roles.duration': { 'roles.duration': { type: 'static_select', selected_option: { value: duration } } },
      'roles.until': { 'roles.until': { type: 'datepicker', selected_date: null } },
      'roles.reason': { 'roles.reason': { type: 'plain_text_input', value: reason ?? null } },
    });
    const submitForm = (v: ReturnType<typeof values>) =>
      h.slack.viewSubmission(OWNER.slackId, { callbackId: 'roles.modal', privateMetadata: form.private_metadata, values: v });

    // No reason, or a save that drops Viewer: refused in the form, naming the field; nothing written.
    const before = (await grantsOf(BEN.email)).length;
    const noReason = await submitForm(values(['viewer', 'editor'], '1440'));
    const errorsOf = (answer: typeof noReason) => (answer.json?.errors ?? {}) as Record<string, string>;
    expect(errorsOf(noReason)['roles.reason']).toContain('Say why');
    const dropping = await submitForm(values(['editor'], '1440', 'Cover for Ann'));
    expect(errorsOf(dropping)['roles.general']).toContain('keep Viewer chosen');
    expect(await grantsOf(BEN.email)).toHaveLength(before);

    // Viewer kept, Editor added for a day: Editor is a time-bound grant, Viewer stays for good.
    const saved = await submitForm(values(['viewer', 'editor'], '1440', 'Cover for Ann'));
    expect(saved.status).toBe(200);
    const editor = await until(async () => (await grantsOf(BEN.email)).find((g) => g.role?.key === 'editor'));
    expect(editor.endsAt.getTime() - editor.startsAt.getTime()).toBe(24 * 3_600_000);
    expect(editor.reason).toBe('Cover for Ann');
    const ben = await h.roster.prisma.user.findFirstOrThrow({
      where: { email: BEN.email },
      include: { roles: { include: { role: true } } },
    });
    expect(ben.roles.map((r) => r.role.key)).toEqual(['viewer']);

    // The export's temporary_access column names it with its end.
    const uploads = h.fake.uploads.length;
    await ask('export');
    const file = await h.fake.waitFor(() => h.fake.uploads[uploads]);
    const csv = parseCsv(file.bytes as Buffer, { columns: true }) as Record<string, string>[];
    const row = csv.find((r) => r.email === BEN.email);
    expect(row?.temporary_access).toBe(`editor until ${editor.endsAt.toISOString().slice(0, 19)}Z`);
    expect(csv.find((r) => r.email === OWNER.email)?.temporary_access).toBe('');
  });
});
