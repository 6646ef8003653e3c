import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ListenerHarness, OWNER, startListenerHarness } from '../support/listener-harness';
import { testTargets } from '../support/test-database';

describe.each(testTargets())('invite rules, resend, links, seats, help (%s store)', (target) => {
  let h: ListenerHarness;
  beforeAll(async () => {
    h = await startListenerHarness(target, { SEAT_LIMIT: '60', INVITE_TTL_HOURS: '48' });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('answers /users with help and buttons, and /users help <sub> with its usage', async () => {
    const home = await h.slack.commandAndWait(OWNER.slackId, '');
    expect(JSON.stringify(home.blocks)).toContain('help.invite');
    const help = await h.slack.commandAndWait(OWNER.slackId, 'help invite');
    expect(help.text).toContain('/users invite <emails> [--role R]');
  });

  it('answers an unknown subcommand and a malformed one with the usage meant', async () => {
    expect((await h.slack.commandAndWait(OWNER.slackId, 'frobnicate')).text).toContain('Unknown command `frobnicate`');
    const bad = await h.slack.commandAndWait(OWNER.slackId, 'list --status sleeping');
    expect(bad.text).toContain('`--status` must be one of');
    expect(bad.text).toContain('Usage: `/users list');
  });

  it('refuses 51 addresses and writes nothing', async () => {
    const emails = Array.from({ length: 51 }, (_, i) => `p${i}@example.com`).join(',');
    const answer = await h.slack.commandAndWait(OWNER.slackId, `invite ${emails}`);
    expect(answer.text).toContain('at most 50 addresses; this one has 51');
    expect(await h.roster.prisma.user.count()).toBe(1);
  });

  it('invites 50 at once, with a group, and reports an active user as already in the directory', async () => {
    const emails = Array.from({ length: 50 }, (_, i) => `p${i}@example.com`).join(', ');
    const answer = await h.slack.commandAndWait(OWNER.slackId, `invite ${emails} --role contributor --group Default`, 15_000);
    expect(answer.text).toContain('Invited 50 people');
    expect(await h.roster.prisma.user.count({ where: { status: 'invited' } })).toBe(50);
    expect(await h.roster.prisma.groupMembership.count()).toBe(50);
    const again = await h.slack.commandAndWait(OWNER.slackId, `invite ${OWNER.email}`);
    expect(again.text).toContain('owner@example.com — is already in the directory (active)');
  });

  it('refuses an unknown role or group naming it', async () => {
    expect((await h.slack.commandAndWait(OWNER.slackId, 'invite x@example.com --role wizard')).text).toContain(
      'There is no role `wizard`',
    );
    expect((await h.slack.commandAndWait(OWNER.slackId, 'invite x@example.com --group Nope')).text).toContain(
      'There is no group `Nope`',
    );
    expect(await h.roster.prisma.user.count({ where: { email: 'x@example.com' } })).toBe(0);
  });

  it('resends the same link, and a new link replaces the old one', async () => {
    h.fake.addUser({ id: 'UP1', email: 'p1@example.com' });
    const before = h.fake.callsTo('chat.postMessage').length;
    const resent = await h.slack.commandAndWait(OWNER.slackId, 'resend p1@example.com');
    expect(resent.text).toContain('Sent the invite to p1@example.com again');
    const dm = await h.fake.waitFor(() =>
      h.fake
        .callsTo('chat.postMessage')
        .slice(before)
        .find((c) => c.args.channel === 'DUP1'),
    );
    const invite = await h.roster.prisma.invite.findFirstOrThrow({ where: { user: { email: 'p1@example.com' } } });
    const token = /\/invite\/([A-Za-z0-9_-]+)/.exec(String(dm.args.text))?.[1] as string;
    const { hashToken } = await import('../../src/domain/secrets');
    expect(hashToken(token)).toBe(invite.tokenHash);

    const fresh = await h.slack.commandAndWait(OWNER.slackId, 'invite-link p1@example.com');
    expect(fresh.text).toContain('New invite link for p1@example.com');
    const newToken = /\/invite\/([A-Za-z0-9_-]+)/.exec(String(fresh.text))?.[1] as string;
    expect(newToken).not.toBe(token);
    const invites = await h.roster.prisma.invite.findMany({
      where: { user: { email: 'p1@example.com' } },
      orderBy: { createdAt: 'asc' },
    });
    expect(invites.map((i) => i.status).sort()).toEqual(['pending', 'superseded']);
    expect(invites.find((i) => i.status === 'pending')?.tokenHash).toBe(hashToken(newToken));
  });

  // An expired invite is re-sent with a fresh link: test/e2e/reinvite-and-confirm.test.ts.
  it('refuses to resend to an active user', async () => {
    expect((await h.slack.commandAndWait(OWNER.slackId, `resend ${OWNER.email}`)).text).toContain('is active');
  });

  it('shows seats as a bar', async () => {
    const seats = await h.slack.commandAndWait(OWNER.slackId, 'seats');
    expect(seats.text).toContain('51 / 60');
  });

  it('filters the list by status, role, group and text, and pages with buttons', async () => {
    const list = await h.slack.commandAndWait(OWNER.slackId, 'list --status invited --role contributor');
    expect(list.text).toContain('50 users — page 1 of 3');
    const blocks = JSON.stringify(list.blocks);
    expect(blocks).toContain('list.next');
    expect(blocks).not.toContain('list.prev');
    const next = (list.blocks as { elements?: { action_id: string; value: string }[] }[])
      .flatMap((b) => b.elements ?? [])
      .find((e) => e.action_id === 'list.next');
    const page2 = await h.slack.blockActionAndWait(OWNER.slackId, { actionId: 'list.next', value: next?.value });
    expect(page2.text).toContain('page 2 of 3');
    expect(page2.replace_original).toBe(true);
    expect((await h.slack.commandAndWait(OWNER.slackId, 'list --status invited --page 99')).text).toContain('page 3 of 3');
    const owner = await h.slack.commandAndWait(OWNER.slackId, 'list owner --group "All Users"');
    expect(owner.text).toContain('1 user — page 1 of 1');
    const tampered = await h.slack.blockActionAndWait(OWNER.slackId, { actionId: 'list.next', value: '{"page":-4}' });
    expect(tampered.text).toContain('out of date');
  });

  it('refuses a Viewer who tries to invite, and writes nothing', async () => {
    const viewer = await h.roster.prisma.user.create({
      data: {
        accountId: h.roster.accountId,
        email: 'viewer@example.com',
        status: 'active',
        roles: { create: { role: { connect: { accountId_key: { accountId: h.roster.accountId, key: 'viewer' } } } } },
      },
    });
    h.fake.addUser({ id: 'UVIEWER', email: viewer.email });
    const answer = await h.slack.commandAndWait('UVIEWER', 'invite new@example.com');
    expect(answer.text).toContain('You need the `users:manage` permission');
    expect(await h.roster.prisma.user.count({ where: { email: 'new@example.com' } })).toBe(0);
    expect((await h.roster.prisma.user.findUniqueOrThrow({ where: { id: viewer.id } })).slackUserId).toBe('UVIEWER');
  });
});
