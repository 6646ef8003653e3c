/**
 * Issue 16, items 1 and 4: re-inviting expired and revoked users (resend, new link, App Home's
 * Re-invite) with an invite's checks, card buttons that match what the change layer accepts for
 * every status, and Slack's confirm dialog on the card's destructive buttons.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashToken } from '../../src/domain/secrets';
import type { UserStatus } from '../../src/store/generated/client';
import { type Harness, OWNER, startHarness } from '../support/roster-harness';
import { directoryState, seedUser } from '../support/seed';
import { testTargets } from '../support/test-database';
import { createBrowser, csrfOf } from '../support/web-client';

type Json = Record<string, unknown>;
type Button = { action_id: string; value?: string; confirm?: Json; text: { text: string } };

/** Every button of a message's or view's blocks, accessories included. */
function buttonsOf(blocks: unknown): Button[] {
  const all = (blocks as Json[] | undefined) ?? [];
  return all.flatMap((block) => [
    ...(((block.elements as Json[] | undefined) ?? []).filter((e) => e.type === 'button') as Button[]),
    ...((block.accessory as Json | undefined)?.type === 'button' ? [block.accessory as Button] : []),
  ]);
}

const tokenIn = (text: string) => /\/invite\/([A-Za-z0-9_-]+)/.exec(text)?.[1] as string;

describe.each(testTargets())('re-inviting expired and revoked users (%s store)', (target) => {
  let h: Harness;
  const user = (email: string) => h.roster.prisma.user.findFirstOrThrow({ where: { email } });
  const invitesOf = (email: string) =>
    h.roster.prisma.invite.findMany({ where: { user: { email } }, orderBy: { createdAt: 'asc' } });
  const dmsTo = (channel: string) => h.fake.callsTo('chat.postMessage').filter((c) => c.args.channel === channel);
  const pageStatus = async (token: string) => (await createBrowser().get(`${h.baseUrl}/invite/${token}`)).status;

  beforeAll(async () => {
    h = await startHarness(target);
  });
  afterAll(async () => {
    await h?.close();
  });

  it('resending an expired invite issues a fresh link with a new expiry and delivers it; the old link stays dead', async () => {
    h.fake.addUser({ id: 'UIVY', email: 'ivy@example.com' });
    await h.slack.commandAndWait(OWNER.slackId, 'invite ivy@example.com --note "Welcome back"');
    const oldToken = tokenIn(String((await h.fake.waitFor(() => dmsTo('DUIVY').at(-1))).args.text));
    h.clock.advanceHours(49);
    await h.roster.scheduler.runOnce();
    expect((await user('ivy@example.com')).status).toBe('expired');
    expect(await pageStatus(oldToken)).not.toBe(200);

    const sentBefore = dmsTo('DUIVY').length;
    const answer = await h.slack.commandAndWait(OWNER.slackId, 'resend ivy@example.com');
    expect(answer.text).toContain('Sent ivy@example.com a new invite link, valid until');
    expect(answer.text).toContain('the old link no longer works');
    const dm = await h.fake.waitFor(() => dmsTo('DUIVY')[sentBefore]);
    const newToken = tokenIn(String(dm.args.text));
    expect(newToken).not.toBe(oldToken);
    expect(String(dm.args.text)).toContain('Welcome back');

    const invites = await invitesOf('ivy@example.com');
    expect(invites.map((i) => i.status)).toEqual(['expired', 'pending']);
    const fresh = invites[1];
    expect(fresh?.tokenHash).toBe(hashToken(newToken));
    expect(fresh?.expiresAt.getTime()).toBe(h.clock.now().getTime() + 48 * 3_600_000);
    expect(fresh?.note).toBe('Welcome back');
    expect((await user('ivy@example.com')).status).toBe('invited');
    expect(await h.roster.prisma.auditEvent.count({ where: { action: 'user.reinvited', targetEmail: 'ivy@example.com' } })).toBe(
      1,
    );
    expect(await pageStatus(oldToken)).not.toBe(200);
    expect(await pageStatus(newToken)).toBe(200);

    // A second resend while the new link is valid sends that same link again.
    const again = await h.slack.commandAndWait(OWNER.slackId, 'resend ivy@example.com');
    expect(again.text).toContain('Sent the invite to ivy@example.com again');
    expect(tokenIn(String((await h.fake.waitFor(() => dmsTo('DUIVY')[sentBefore + 1])).args.text))).toBe(newToken);
    expect((await invitesOf('ivy@example.com')).length).toBe(2);
  });

  it('an invite past its expiry that the scheduler has not reached yet also gets a fresh link', async () => {
    await h.slack.commandAndWait(OWNER.slackId, 'invite lapse@example.com');
    h.clock.advanceHours(49);
    const answer = await h.slack.commandAndWait(OWNER.slackId, 'resend lapse@example.com');
    expect(answer.text).toContain('new invite link');
    expect((await invitesOf('lapse@example.com')).map((i) => i.status)).toEqual(['superseded', 'pending']);
    await h.roster.scheduler.runOnce();
    expect((await user('lapse@example.com')).status).toBe('invited');
  });

  it('a revoked user is re-invited by the card, keeps their roles, and can accept the new link', async () => {
    await seedUser(h.roster, { email: 'rex@example.com', roles: ['editor'] });
    await h.slack.commandAndWait(OWNER.slackId, 'revoke rex@example.com');
    expect((await user('rex@example.com')).status).toBe('revoked');
    const card = await h.slack.commandAndWait(OWNER.slackId, 'show rex@example.com');
    expect(buttonsOf(card.blocks).map((b) => b.action_id)).toEqual(['card.resend', 'card.invite-link', 'card.delete']);

    const link = await h.slack.blockActionAndWait(OWNER.slackId, { actionId: 'card.invite-link', value: 'rex@example.com' });
    expect(link.text).toContain('New invite link for rex@example.com');
    expect((await user('rex@example.com')).status).toBe('invited');
    const browser = createBrowser();
    const url = `${h.baseUrl}/invite/${tokenIn(String(link.text))}`;
    const form = await browser.get(url);
    expect(form.status).toBe(200);
    const done = await browser.post(url, {
      csrf: csrfOf(form.body),
      name: 'Rex',
      method: 'password',
      password: 'a long new passphrase 77',
    });
    expect(done.status).toBe(200);
    const rex = await h.roster.prisma.user.findFirstOrThrow({
      where: { email: 'rex@example.com' },
      include: { roles: { include: { role: true } } },
    });
    expect(rex.status).toBe('active');
    expect(rex.roles.map((r) => r.role.key)).toEqual(['editor']);
  });

  it('two admins re-inviting the same expired user at once make one new link, sent to both requests', async () => {
    await seedUser(h.roster, { email: 'ada@example.com', roles: ['admin'], slackUserId: 'UADA' });
    h.fake.addUser({ id: 'UADA', email: 'ada@example.com' });
    await seedUser(h.roster, { email: 'race@example.com', status: 'expired' });
    const [a, b] = await Promise.all([
      h.slack.blockActionAndWait(OWNER.slackId, { actionId: 'notice.reinvite', value: 'race@example.com' }),
      h.slack.blockActionAndWait('UADA', { actionId: 'notice.reinvite', value: 'race@example.com' }),
    ]);
    const texts = [String(a.text), String(b.text)].sort();
    expect(texts[0]).toContain('Sent race@example.com a new invite link');
    expect(texts[1]).toContain('Sent the invite to race@example.com again');
    expect((await invitesOf('race@example.com')).map((i) => i.status)).toEqual(['pending']);
    expect(await h.roster.prisma.auditEvent.count({ where: { action: 'user.reinvited', targetEmail: 'race@example.com' } })).toBe(
      1,
    );
  });

  it('refuses active and disabled users, naming them, and changes nothing', async () => {
    await seedUser(h.roster, { email: 'dee@example.com', status: 'disabled' });
    const before = await directoryState(h.roster);
    for (const command of [`resend ${OWNER.email}`, 'invite-link dee@example.com', 'resend dee@example.com']) {
      const text = String((await h.slack.commandAndWait(OWNER.slackId, command)).text);
      expect(text).toMatch(/is (active|disabled); invites are only for people who have not accepted one yet/);
    }
    const text = String(
      (await h.slack.blockActionAndWait(OWNER.slackId, { actionId: 'notice.reinvite', value: 'nobody@example.com' })).text,
    );
    expect(text).toContain('nobody@example.com');
    expect(await directoryState(h.roster)).toBe(before);
  });
});

describe('re-inviting follows the policy of an invite', () => {
  let h: Harness;
  const CHANNEL = 'C0APPROVALS';
  const user = (email: string) => h.roster.prisma.user.findFirstOrThrow({ where: { email } });

  beforeAll(async () => {
    h = await startHarness('embedded', { APPROVALS_CHANNEL: CHANNEL, SEAT_LIMIT: '6' });
    await seedUser(h.roster, { email: 'ada@example.com', roles: ['admin'], slackUserId: 'UADA' });
    // An admin who may manage users but not roles.
    await seedUser(h.roster, {
      email: 'mia@example.com',
      roles: ['viewer'],
      extraPermissions: ['users:manage'],
      slackUserId: 'UMIA',
    });
    h.fake.addUser({ id: 'UMIA', email: 'mia@example.com' });
    await seedUser(h.roster, { email: 'old.admin@example.com', roles: ['admin'], status: 'expired' });
    await seedUser(h.roster, { email: 'old.editor@example.com', roles: ['editor'], status: 'expired' });
    await seedUser(h.roster, { email: 'old.viewer@example.com', roles: ['viewer'], status: 'expired' });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('re-inviting an expired Admin waits for approval as granting Admin', async () => {
    const answer = await h.slack.commandAndWait(OWNER.slackId, 'resend old.admin@example.com');
    expect(answer.text).toContain('This needs approval');
    expect((await user('old.admin@example.com')).status).toBe('expired');
    const request = await h.roster.prisma.approvalRequest.findFirstOrThrow({ orderBy: { createdAt: 'desc' } });
    expect(request.action).toBe('grant-admin');
    expect(await h.roster.prisma.invite.count({ where: { user: { email: 'old.admin@example.com' } } })).toBe(0);

    // Once approved, it runs as the requester: a fresh link, delivered.
    const decided = await h.slack.viewSubmission('UADA', {
      callbackId: 'approval.modal',
      privateMetadata: JSON.stringify({ id: request.id, approve: true }),
      values: { 'approval.reason': { 'approval.reason': { type: 'plain_text_input', value: '' } } },
    });
    expect(decided.status).toBe(200);
    await h.fake.waitFor(() => h.fake.callsTo('chat.update').length > 0);
    expect((await user('old.admin@example.com')).status).toBe('invited');
    const invites = await h.roster.prisma.invite.findMany({ where: { user: { email: 'old.admin@example.com' } } });
    expect(invites.map((i) => i.status)).toEqual(['pending']);
  });

  it('giving back roles beyond the default one needs roles:manage, as an invite does', async () => {
    const refused = await h.slack.blockActionAndWait('UMIA', { actionId: 'card.resend', value: 'old.editor@example.com' });
    expect(refused.text).toContain('Re-inviting old.editor@example.com gives back editor');
    expect(refused.text).toContain('`roles:manage`');
    expect((await user('old.editor@example.com')).status).toBe('expired');
    const allowed = await h.slack.blockActionAndWait('UMIA', { actionId: 'card.resend', value: 'old.viewer@example.com' });
    expect(allowed.text).toContain('Sent old.viewer@example.com a new invite link');
  });

  it('a revoked user needs a free seat again', async () => {
    // Seats: owner, ada, mia, old.admin, old.editor, old.viewer = 6 of 6; a revoked user holds none.
    await seedUser(h.roster, { email: 'gone@example.com', status: 'revoked' });
    const refused = await h.slack.commandAndWait(OWNER.slackId, 'invite-link gone@example.com');
    expect(refused.text).toContain('Not enough seats: 6 of 6 are used and this invite needs 1');
    expect((await user('gone@example.com')).status).toBe('revoked');
    // An expired user keeps their seat, so their re-invite needs none.
    const expired = await h.slack.commandAndWait(OWNER.slackId, 'invite-link old.editor@example.com');
    expect(expired.text).toContain('New invite link for old.editor@example.com');
  });
});

describe('App Home lists recently expired invites with Re-invite (no notices channel)', () => {
  let h: Harness;
  const home = async (slackId = OWNER.slackId) => {
    const before = h.fake.callsTo('views.publish').length;
    await h.slack.event({ type: 'app_home_opened', user: slackId, tab: 'home', channel: 'D1' });
    return (
      await h.fake.waitFor(() =>
        h.fake
          .callsTo('views.publish')
          .slice(before)
          .find((c) => c.args.user_id === slackId),
      )
    ).args.view as Json;
  };
  const reinviteButtons = (view: Json) => buttonsOf(view.blocks).filter((b) => b.action_id === 'home.reinvite');

  beforeAll(async () => {
    h = await startHarness('embedded');
    await seedUser(h.roster, {
      email: 'vera@example.com',
      roles: ['viewer'],
      extraPermissions: ['users:view'],
      slackUserId: 'UVERA',
    });
    h.fake.addUser({ id: 'UVERA', email: 'vera@example.com' });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('shows the latest 10 of the last 14 days, each with a button; view-only admins see no buttons', async () => {
    await h.slack.commandAndWait(OWNER.slackId, 'invite early1@example.com early2@example.com');
    h.clock.advanceHours(1);
    await h.slack.commandAndWait(
      OWNER.slackId,
      `invite ${Array.from({ length: 10 }, (_, i) => `late${i}@example.com`).join(' ')}`,
    );
    expect(reinviteButtons(await home())).toEqual([]);
    h.clock.advanceHours(49);
    await h.roster.scheduler.runOnce();
    const view = await home();
    const buttons = reinviteButtons(view);
    expect(buttons.map((b) => b.value).sort()).toEqual(Array.from({ length: 10 }, (_, i) => `late${i}@example.com`).sort());
    expect(JSON.stringify(view)).toContain('Invites that expired in the last 14 days');
    const viewOnly = await home('UVERA');
    expect(JSON.stringify(viewOnly)).toContain('late0@example.com');
    expect(reinviteButtons(viewOnly)).toEqual([]);
  });

  it('Re-invite from App Home re-invites, answers by DM and drops the row', async () => {
    const dmsBefore = h.fake.callsTo('chat.postMessage').filter((c) => c.args.channel === `D${OWNER.slackId}`).length;
    const publishes = h.fake.callsTo('views.publish').length;
    await h.slack.blockAction(OWNER.slackId, {
      actionId: 'home.reinvite',
      value: 'late3@example.com',
      view: { id: 'VHOME', type: 'home' },
    });
    const dm = await h.fake.waitFor(() =>
      h.fake
        .callsTo('chat.postMessage')
        .filter((c) => c.args.channel === `D${OWNER.slackId}`)
        .slice(dmsBefore)
        .find((c) => String(c.args.text).includes('late3@example.com')),
    );
    expect(String(dm.args.text)).toContain('Sent late3@example.com a new invite link');
    expect((await h.roster.prisma.user.findFirstOrThrow({ where: { email: 'late3@example.com' } })).status).toBe('invited');
    const republished = await h.fake.waitFor(() => h.fake.callsTo('views.publish').slice(publishes).at(-1));
    const values = reinviteButtons(republished.args.view as Json).map((b) => b.value);
    expect(values).not.toContain('late3@example.com');
    expect(values.filter((v) => v?.startsWith('early'))).toHaveLength(1); // an older one moves up
  });

  it('forgets invites that expired more than 14 days ago', async () => {
    h.clock.advanceHours(15 * 24);
    const view = await home();
    expect(reinviteButtons(view)).toEqual([]);
    expect(JSON.stringify(view)).toContain('Invites that expired in the last 14 days*\\nNone.');
    expect(h.fake.rejected).toEqual([]);
  });
});

describe('the user card offers exactly what the change layer accepts, and confirms the destructive ones', () => {
  let h: Harness;
  let counter = 0;
  const STATUSES: UserStatus[] = ['invited', 'expired', 'active', 'disabled', 'revoked'];
  /** Buttons that change something directly (not through a modal), each with the change it submits. */
  const DIRECT = [
    'card.resend',
    'card.invite-link',
    'card.disable',
    'card.enable',
    'card.revoke',
    'card.apikey',
    'card.password-link',
    'card.signin-google',
    'card.signin-password',
    'card.passcode-reset',
  ];
  const MODALS: Record<string, string> = {
    'card.edit': 'edit.modal',
    'card.roles': 'roles.modal',
    'card.passcode': 'passcode.modal',
    'card.delete': 'delete.modal',
    'card.groups': 'card-groups.modal',
    'card.props': 'card-props.modal',
    'card.perms': 'card-perms.modal',
  };

  /** A new user in `status`, reached the way Roster gets there where that is cheap. */
  async function userIn(status: UserStatus): Promise<string> {
    const email = `${status}${++counter}@example.com`;
    if (status === 'invited') await h.slack.commandAndWait(OWNER.slackId, `invite ${email}`);
    else await seedUser(h.roster, { email, status, slackUserId: status === 'active' ? `U${counter}` : undefined });
    if (status === 'active') h.fake.addUser({ id: `U${counter}`, email });
    return email;
  }
  const cardButtons = async (email: string) => buttonsOf((await h.slack.commandAndWait(OWNER.slackId, `show ${email}`)).blocks);

  /** Clicks a card button and says whether Roster did it (an answer that is not a refusal, or the modal it opens). */
  async function click(actionId: string, email: string): Promise<{ ok: boolean; text: string }> {
    const { responseId } = await h.slack.blockAction(OWNER.slackId, { actionId, value: email });
    const modal = MODALS[actionId];
    const outcome = await h.fake.waitFor(
      () =>
        h.fake.responses.find((r) => r.id === responseId) ??
        h.fake.callsTo('views.open').find((c) => c.args.trigger_id === `trigger.${responseId}`),
    );
    if ('body' in outcome) {
      const text = String(outcome.body.text);
      return { ok: !modal && !/^:(warning|x):/.test(text), text };
    }
    const callbackId = (outcome.args.view as { callback_id: string }).callback_id;
    return { ok: callbackId === modal, text: callbackId };
  }

  beforeAll(async () => {
    h = await startHarness('embedded', { SEAT_LIMIT: '500' });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('for every status, each offered button succeeds and each change not offered is refused', async () => {
    for (const status of STATUSES) {
      const offered = (await cardButtons(await userIn(status))).map((b) => b.action_id);
      expect(offered.length, status).toBeGreaterThan(0);
      for (const actionId of offered) {
        const outcome = await click(actionId, await userIn(status));
        expect(outcome, `${status}: ${actionId}`).toMatchObject({ ok: true });
      }
      for (const actionId of DIRECT.filter((id) => !offered.includes(id))) {
        const outcome = await click(actionId, await userIn(status));
        expect(outcome, `${status}: ${actionId} is not offered, so it must be refused`).toMatchObject({ ok: false });
      }
    }
    expect(h.fake.rejected).toEqual([]);
  });

  it('Disable, Enable, Revoke and New API key ask for confirmation naming the user and the consequence', async () => {
    const active = await userIn('active');
    const buttons = await cardButtons(active);
    const confirmOf = (list: Button[], id: string) => list.find((b) => b.action_id === id)?.confirm as Json | undefined;
    const text = (confirm: Json | undefined) => String((confirm?.text as Json | undefined)?.text);
    expect(text(confirmOf(buttons, 'card.disable'))).toBe(
      `Disable ${active}? They can no longer sign in or use their API key or passcode until enabled.`,
    );
    expect(text(confirmOf(buttons, 'card.revoke'))).toContain(`Revoke ${active}? Their API key, passcode, password`);
    expect(text(confirmOf(buttons, 'card.apikey'))).toContain(
      `Issue a new API key for ${active}? Their current key stops working`,
    );
    expect(confirmOf(buttons, 'card.disable')).toMatchObject({
      title: { type: 'plain_text', text: 'Disable this user?' },
      confirm: { type: 'plain_text', text: 'Disable' },
      deny: { type: 'plain_text', text: 'Cancel' },
      style: 'danger',
    });
    for (const id of ['card.edit', 'card.roles', 'card.passcode', 'card.delete'])
      expect(confirmOf(buttons, id), id).toBeUndefined();

    const disabled = await userIn('disabled');
    const disabledButtons = await cardButtons(disabled);
    expect(text(confirmOf(disabledButtons, 'card.enable'))).toBe(
      `Enable ${disabled}? They can sign in and use their API key and passcode again.`,
    );
    expect(confirmOf(disabledButtons, 'card.enable')?.style).toBe('primary');
    expect(text(confirmOf(disabledButtons, 'card.revoke'))).toContain(`Revoke ${disabled}?`);
    const invited = await cardButtons(await userIn('invited'));
    expect(invited.every((b) => b.confirm === undefined)).toBe(true);
  });
});
