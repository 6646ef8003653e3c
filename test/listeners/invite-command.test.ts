import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ListenerHarness as Harness, OWNER, startListenerHarness } from '../support/listener-harness';
import { testTargets } from '../support/test-database';

describe.each(testTargets())('/users invite, list, show (%s store)', (target) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startListenerHarness(target, { SEAT_LIMIT: '10' });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('invites one address: user, hashed token, audit event, DM + e-mail', async () => {
    h.fake.addUser({ id: 'UANN', email: 'ann@example.com', name: 'Ann' });
    const answer = await h.slack.commandAndWait(OWNER.slackId, 'invite Ann@Example.com --role editor --note "Welcome aboard"');
    expect(answer.text).toContain('Invited ann@example.com');
    expect(answer.response_type).toBe('ephemeral');
    const user = await h.roster.prisma.user.findFirstOrThrow({
      where: { email: 'ann@example.com' },
      include: { roles: { include: { role: true } }, invites: true },
    });
    expect(user.status).toBe('invited');
    expect(user.roles.map((r) => r.role.key)).toEqual(['editor']);
    expect(user.invites).toHaveLength(1);
    expect(user.invites[0]?.tokenHash).toMatch(/^[0-9a-f]{64}$/);
    const dm = await h.fake.waitFor(() => h.fake.callsTo('chat.postMessage').find((c) => c.args.channel === 'DUANN'));
    const link = /http:\/\/roster\.test\/invite\/([A-Za-z0-9_-]+)/.exec(String(dm.args.text));
    expect(link).not.toBeNull();
    expect(String(dm.args.text)).toContain('Welcome aboard');
    expect(JSON.stringify(await h.roster.prisma.invite.findMany())).not.toContain(link?.[1]);
    const audit = await h.roster.prisma.auditEvent.findMany({ where: { action: 'user.invited' } });
    expect(audit.map((a) => a.targetEmail)).toContain('ann@example.com');
  });

  it('keeps the invite when the Slack DM fails, and tells the admin', async () => {
    h.fake.addUser({ id: 'UGONE', email: 'gone@example.com' });
    h.fake.failNext('chat.postMessage', { error: 'account_inactive' });
    const answer = await h.slack.commandAndWait(OWNER.slackId, 'invite gone@example.com');
    expect(answer.text).toContain('Invited gone@example.com');
    expect(answer.text).toContain('the Slack DM to gone@example.com failed (account_inactive)');
    expect((await h.roster.prisma.user.findFirstOrThrow({ where: { email: 'gone@example.com' } })).status).toBe('invited');
    expect(h.logs()).toContain('slack delivery failed');
  });

  it('lists users with paging and shows a card', async () => {
    const list = await h.slack.commandAndWait(OWNER.slackId, 'list');
    expect(JSON.stringify(list.blocks)).toContain('ann@example.com');
    const card = await h.slack.commandAndWait(OWNER.slackId, 'show ann@example.com');
    const text = JSON.stringify(card.blocks);
    expect(text).toContain('Editor');
    expect(text).toContain('card.resend');
  });

  it('refuses the whole invite when one address is bad, listing each problem', async () => {
    const answer = await h.slack.commandAndWait(
      OWNER.slackId,
      'invite bob@example.com, not-an-email, bob@example.com ann@example.com',
    );
    expect(answer.text).toContain('Nobody was invited');
    expect(answer.text).toContain('not-an-email — is not a valid e-mail address');
    expect(answer.text).toContain('bob@example.com — is listed more than once');
    expect(answer.text).toMatch(/ann@example.com — is already invited; that invite expires \d{4}-/);
    expect(await h.roster.prisma.user.count({ where: { email: 'bob@example.com' } })).toBe(0);
  });

  it('refuses over the seat limit with used / limit / needed', async () => {
    const emails = Array.from({ length: 10 }, (_, i) => `seat${i}@example.com`).join(' ');
    const answer = await h.slack.commandAndWait(OWNER.slackId, `invite ${emails}`);
    expect(answer.text).toContain('3 of 10 are used and this invite needs 10');
    expect(await h.roster.prisma.user.count()).toBe(3);
  });

  it('refuses someone who is not in the directory', async () => {
    h.fake.addUser({ id: 'USTRANGER', email: 'stranger@example.com' });
    const answer = await h.slack.commandAndWait('USTRANGER', 'list');
    expect(answer.text).toContain('not in this account’s user directory');
  });

  it('refuses a bad signature and a stale timestamp with 401 and writes nothing', async () => {
    const before = await h.roster.prisma.user.count();
    const body = new URLSearchParams({
      command: '/users',
      text: 'invite evil@example.com',
      user_id: OWNER.slackId,
      team_id: h.fake.teamId,
    }).toString();
    const bad = await h.slack.send(body, { signature: 'v0=deadbeef' });
    expect(bad.status).toBe(401);
    const stale = await h.slack.send(body, { timestamp: Math.floor(Date.now() / 1000) - 600 });
    expect(stale.status).toBe(401);
    expect(await h.roster.prisma.user.count()).toBe(before);
  });
});
