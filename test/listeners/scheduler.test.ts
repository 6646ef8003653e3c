import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ListenerHarness, OWNER, startListenerHarness } from '../support/listener-harness';
import { seedUser } from '../support/seed';
import { outboxLinks } from '../support/web-client';

const NOTICES = 'C0NOTICES';

describe('the scheduler through the real app (embedded store, clock moved by hand)', () => {
  let h: ListenerHarness;
  const channelPosts = () => h.fake.callsTo('chat.postMessage').filter((c) => c.args.channel === NOTICES);
  async function countMails(email: string): Promise<number> {
    const { readdir, readFile } = await import('node:fs/promises');
    const dir = `${h.dataDir}/outbox`;
    let n = 0;
    for (const file of await readdir(dir)) if ((await readFile(`${dir}/${file}`, 'utf8')).includes(`To: ${email}`)) n++;
    return n;
  }

  beforeAll(async () => {
    h = await startListenerHarness('embedded', { NOTICES_CHANNEL: NOTICES, APPROVALS_CHANNEL: 'C0APPROVALS', SEAT_LIMIT: '500' });
    await h.slack.commandAndWait(OWNER.slackId, 'invite rita@example.com');
  });
  afterAll(async () => {
    await h?.close();
  });

  it('re-sends the same link once, just after 24 h and not before', async () => {
    const start = h.clock.now();
    h.clock.set(new Date(start.getTime() + 23.9 * 3_600_000));
    expect((await h.roster.scheduler.runOnce()).reminded).toBe(0);
    expect(await countMails('rita@example.com')).toBe(1);
    h.clock.set(new Date(start.getTime() + 24.1 * 3_600_000));
    const report = await h.roster.scheduler.runOnce();
    expect(report.reminded).toBe(1);
    expect(await countMails('rita@example.com')).toBe(2);
    const links = await outboxLinks(h.dataDir, 'invite');
    expect(links.at(-1)).toBe(links.at(-2));
    expect((await h.roster.scheduler.runOnce()).reminded).toBe(0);
    h.clock.set(new Date(start.getTime() + 35 * 3_600_000));
    expect((await h.roster.scheduler.runOnce()).reminded).toBe(0);
    expect(await countMails('rita@example.com')).toBe(2);
  });

  it('lists an invite in the expiring-soon digest once, inside the 12 h window', async () => {
    const before = channelPosts().length;
    await h.roster.scheduler.runOnce();
    expect(channelPosts().length).toBe(before);
    h.clock.set(new Date(h.clock.now().getTime() + 1.2 * 3_600_000)); // 36.2 h after sending: expires in 11.8 h
    await h.roster.scheduler.runOnce();
    expect(channelPosts().length).toBe(before + 1);
    expect(JSON.stringify(channelPosts().at(-1)?.args.blocks)).toContain('rita@example.com');
    await h.roster.scheduler.runOnce();
    expect(channelPosts().length).toBe(before + 1);
  });

  it('expires after 48 h: status, audit, a DM to the inviter and one digest with a working Re-invite', async () => {
    h.clock.set(new Date(h.clock.now().getTime() + 11.7 * 3_600_000)); // 47.9 h
    expect((await h.roster.scheduler.runOnce()).expired).toBe(0);
    h.clock.set(new Date(h.clock.now().getTime() + 0.2 * 3_600_000)); // 48.1 h
    const before = channelPosts().length;
    expect((await h.roster.scheduler.runOnce()).expired).toBe(1);
    expect((await h.roster.prisma.user.findFirstOrThrow({ where: { email: 'rita@example.com' } })).status).toBe('expired');
    expect(await h.roster.prisma.auditEvent.count({ where: { action: 'invite.expired', source: 'scheduler' } })).toBe(1);
    const dm = h.fake
      .callsTo('chat.postMessage')
      .find((c) => c.args.channel === `D${OWNER.slackId}` && String(c.args.text).includes('expired'));
    expect(String(dm?.args.text)).toContain('rita@example.com');
    expect(channelPosts().length).toBe(before + 1);
    const digest = JSON.stringify(channelPosts().at(-1)?.args.blocks);
    expect(digest).toContain('notice.reinvite');
    await h.roster.scheduler.runOnce();
    expect(channelPosts().length).toBe(before + 1);
    const answer = await h.slack.blockActionAndWait(OWNER.slackId, { actionId: 'notice.reinvite', value: 'rita@example.com' });
    expect(answer.text).toContain('rita@example.com');
    expect((await h.roster.prisma.user.findFirstOrThrow({ where: { email: 'rita@example.com' } })).status).toBe('invited');
  });

  it('puts at most 50 invites in a digest message, and in an inviter DM', async () => {
    const emails = Array.from({ length: 120 }, (_, i) => `many${i}@example.com`);
    for (let i = 0; i < emails.length; i += 50)
      await h.slack.commandAndWait(OWNER.slackId, `invite ${emails.slice(i, i + 50).join(' ')}`, 20_000);
    h.clock.advanceHours(49);
    const before = channelPosts().length;
    const ownerDms = () => h.fake.callsTo('chat.postMessage').filter((c) => c.args.channel === `D${OWNER.slackId}`);
    const dmsBefore = ownerDms().length;
    const report = await h.roster.scheduler.runOnce();
    expect(report.expired).toBe(121);
    const digests = channelPosts()
      .slice(before)
      .filter((c) => String(c.args.text).includes('expired without being accepted'));
    const invites = (blocks: unknown) => JSON.stringify(blocks).match(/notice\.reinvite/g)?.length ?? 0;
    expect(digests.map((d) => invites(d.args.blocks)).sort((a, b) => a - b)).toEqual([21, 50, 50]);
    // The inviter: one DM of 50 addresses, then continuations (rita's re-invite expired in this pass too).
    const dms = ownerDms().slice(dmsBefore);
    const listed = (c: (typeof dms)[number]) => JSON.stringify(c.args.blocks).match(/many\d+@example\.com/g) ?? [];
    expect(dms.map((c) => String(c.args.text))).toEqual([
      '50 invites you sent expired without being accepted. 71 more follow in further messages.',
      '50 invites you sent expired without being accepted. 21 more follow in the next message.',
      '21 invites you sent expired without being accepted.',
    ]);
    expect(new Set(dms.flatMap(listed)).size).toBe(120);
    await h.roster.scheduler.runOnce();
    expect(ownerDms().length).toBe(dmsBefore + 3);
    expect(h.fake.rejected).toEqual([]);
  });

  it('warns a passcode holder 3 days before expiry, once, then expires it', async () => {
    await seedUser(h.roster, { email: 'pia@example.com', slackUserId: 'UPIA' });
    await h.slack.commandAndWait(OWNER.slackId, 'passcode grant pia@example.com 7d');
    const warnings = () =>
      h.fake.callsTo('chat.postMessage').filter((c) => c.args.channel === 'DUPIA' && String(c.args.text).includes('expires'));
    h.clock.advanceHours(4 * 24 - 0.1);
    await h.roster.scheduler.runOnce();
    expect(warnings()).toHaveLength(0);
    h.clock.advanceHours(0.2);
    await h.roster.scheduler.runOnce();
    await h.roster.scheduler.runOnce();
    expect(warnings()).toHaveLength(1);
    h.clock.advanceHours(3 * 24);
    expect((await h.roster.scheduler.runOnce()).passcodesExpired).toBe(1);
    expect((await h.roster.prisma.passcode.findFirstOrThrow({ where: { user: { email: 'pia@example.com' } } })).status).toBe(
      'expired',
    );
    expect(JSON.stringify((await h.slack.commandAndWait(OWNER.slackId, 'list pia')).blocks)).toContain('passcode expired');
  });

  it('expires approval requests after their TTL and updates their message', async () => {
    await seedUser(h.roster, { email: 'apr@example.com', roles: ['admin'] });
    await seedUser(h.roster, { email: 'gone@example.com' });
    await h.slack.commandAndWait(OWNER.slackId, 'revoke gone@example.com');
    h.clock.advanceHours(23);
    expect((await h.roster.scheduler.runOnce()).approvalsExpired).toBe(0);
    h.clock.advanceHours(2);
    expect((await h.roster.scheduler.runOnce()).approvalsExpired).toBe(1);
    const update = h.fake.callsTo('chat.update').at(-1);
    expect(JSON.stringify(update?.args.blocks)).toContain('Expired');
    expect((await h.roster.prisma.user.findFirstOrThrow({ where: { email: 'gone@example.com' } })).status).toBe('active');
  });

  it('waits out a 429 from Slack and retries, dropping nothing and doubling nothing', async () => {
    await h.slack.commandAndWait(OWNER.slackId, 'invite late@example.com');
    h.clock.advanceHours(49);
    const before = h.fake.calls.length;
    h.fake.failNext('chat.postMessage', { rateLimited: 1 });
    await h.roster.scheduler.runOnce();
    await h.roster.scheduler.runOnce();
    const about = h.fake.calls
      .slice(before)
      .filter((c) => c.method === 'chat.postMessage' && JSON.stringify(c.args).includes('late@example.com'));
    // The inviter's DM (answered 429, then retried after Retry-After) and the digest: nothing lost, nothing twice.
    expect(about.map((c) => c.args.channel)).toEqual([`D${OWNER.slackId}`, `D${OWNER.slackId}`, NOTICES]);
    const notices = await h.roster.prisma.sentNotice.findMany({
      where: { rule: { in: ['expiry-dm', 'expiry-digest'] }, status: { not: 'sent' } },
    });
    expect(notices).toEqual([]);
  });
});
