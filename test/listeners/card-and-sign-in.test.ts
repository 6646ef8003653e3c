/**
 * What worked without a test (issue 22, item 8): the card's last-login and API-key fields, switching a
 * Google user back to a password, the over-limit message's upgrade and top-up wording, and an invite
 * that gives extra permissions. And the new password link shown to the admin who asked (item 6).
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ListenerHarness, OWNER, startListenerHarness } from '../support/listener-harness';
import { seedUser } from '../support/seed';

const SEATS = 6;

describe('card fields, sign-in method, seats wording, invites with extra permissions (embedded store)', () => {
  let h: ListenerHarness;
  const user = (email: string) => h.roster.prisma.user.findFirstOrThrow({ where: { email }, include: { apiKey: true } });
  const cardText = async (email: string) => JSON.stringify((await h.slack.commandAndWait(OWNER.slackId, `show ${email}`)).blocks);

  beforeAll(async () => {
    h = await startListenerHarness('embedded', { SEAT_LIMIT: String(SEATS) });
    await seedUser(h.roster, { email: 'dana@example.com', slackUserId: 'UDANA' });
    await seedUser(h.roster, { email: 'gil@example.com', slackUserId: 'UGIL' });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('shows the last login and the API key’s prefix on the card, and never / none before there are any', async () => {
    const fresh = await cardText('dana@example.com');
    expect(fresh).toContain('*Last login*\\nnever');
    expect(fresh).toContain('*API key*\\nnone');
    expect((await h.slack.commandAndWait(OWNER.slackId, 'apikey dana@example.com')).text).toContain('sent to them by DM');
    const login = new Date('2026-11-30T08:15:00Z');
    await h.roster.prisma.user.updateMany({ where: { email: 'dana@example.com' }, data: { lastLoginAt: login } });
    const { apiKey } = await user('dana@example.com');
    const card = await cardText('dana@example.com');
    expect(card).toContain('*Last login*\\n2026-11-30 08:15 UTC');
    expect(card).toContain(`*API key*\\n\`${apiKey?.prefix}…\``);
  });

  it('switches a Google user back to a password: the password method, and a link to set one', async () => {
    expect((await h.slack.commandAndWait(OWNER.slackId, 'signin gil@example.com google')).text).toContain(
      'now signs in with Google',
    );
    expect(await user('gil@example.com')).toMatchObject({ signInMethod: 'google', passwordHash: null });
    const back = await h.slack.commandAndWait(OWNER.slackId, 'signin gil@example.com password');
    expect(back.text).toContain('gil@example.com now signs in with a password; a link to set one was sent.');
    const gil = await user('gil@example.com');
    expect(gil.signInMethod).toBe('password');
    expect(await h.roster.prisma.passwordLink.count({ where: { userId: gil.id, usedAt: null } })).toBe(1);
    const trail = await h.roster.prisma.auditEvent.findMany({
      where: { targetEmail: 'gil@example.com' },
      orderBy: { at: 'asc' },
    });
    expect(trail.map((e) => e.action)).toEqual(expect.arrayContaining(['user.signin-changed', 'password-link.sent']));
  });

  it('shows a new password link to the admin who asked, ephemerally, as invite-link does; it is the stored link', async () => {
    const reply = await h.slack.commandAndWait(OWNER.slackId, 'password-link dana@example.com');
    expect(reply.response_type).toBe('ephemeral');
    expect(reply.text).toContain('Sent dana@example.com a password link');
    expect(reply.text).toContain('Only you can see the link');
    const token = (/\/password\/([A-Za-z0-9_-]+)/.exec(String(reply.text)) as RegExpExecArray)[1] as string;
    const tokenHash = createHash('sha256').update(token, 'utf8').digest('hex');
    const dana = await user('dana@example.com');
    expect(await h.roster.prisma.passwordLink.count({ where: { userId: dana.id, tokenHash } })).toBe(1);
    // The card's button answers the same way; no channel message ever carries a link.
    const clicked = await h.slack.blockActionAndWait(OWNER.slackId, {
      actionId: 'card.password-link',
      value: 'dana@example.com',
    });
    expect(clicked.response_type).toBe('ephemeral');
    expect(clicked.text).toMatch(/\/password\/[A-Za-z0-9_-]+/);
    const inChannels = h.fake
      .callsTo('chat.postMessage')
      .filter((c) => String(c.args.channel).startsWith('C'))
      .map((c) => JSON.stringify(c.args));
    expect(inChannels.join('\n')).not.toContain(token);
  });

  it('invites with extra permissions: the invitee holds them from the start', async () => {
    const done = await h.slack.commandAndWait(OWNER.slackId, 'invite perms@example.com --perm content:publish --perm users:view');
    expect(done.text).toContain('Invited');
    expect((await user('perms@example.com')).extraPermissions.sort()).toEqual(['content:publish', 'users:view']);
    expect(await cardText('perms@example.com')).toContain('content:publish');
    // Roster's own admin-plane permissions come only with a role.
    const refused = await h.slack.commandAndWait(OWNER.slackId, 'invite other@example.com --perm users:export');
    expect(refused.text).toContain('`users:export` cannot be granted as an extra permission here; it comes with a role.');
  });

  it('over the seat limit, says how many are used and that the plan can be upgraded or topped up', async () => {
    const used = await h.roster.prisma.user.count({ where: { status: { not: 'revoked' } } });
    const free = SEATS - used;
    const addresses = Array.from({ length: free + 2 }, (_, i) => `seat${i}@example.com`).join(' ');
    const refused = await h.slack.commandAndWait(OWNER.slackId, `invite ${addresses}`);
    expect(refused.text).toContain(`Not enough seats: ${used} of ${SEATS} are used and this invite needs ${free + 2}.`);
    expect(refused.text).toContain('Upgrade the plan or buy a seat top-up');
    expect(await h.roster.prisma.user.count({ where: { email: { startsWith: 'seat' } } })).toBe(0);
  });
});
