/**
 * The scheduler's change kinds (scheduler-changes.ts) through the change layer: only the scheduler
 * submits them; each is one batch that expires invites and passcodes or counts reminders, with the
 * user versions, audit trail and notices of the old set-based statements; an invite link is renewed
 * only when the link secret changed.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { Services } from '../../src/create-services';
import { hashToken } from '../../src/domain/secrets';
import { domainStore, systemActor } from '../support/domain-harness';
import { testTargets } from '../support/test-database';

type Change = Parameters<Services['changes']['submit']>[1];

const SCHEDULER = systemActor('scheduler');

describe.each(testTargets())('scheduler changes (%s store)', (target) => {
  const store = domainStore(target);
  afterAll(() => store.close());

  async function setup() {
    const h = await store.fresh();
    const services = h.services();
    const { prisma } = h.db;
    const invite = async (...emails: string[]) => {
      await services.changes.submit(h.owner, { kind: 'invite', emails });
    };
    const user = (email: string) => prisma.user.findFirstOrThrow({ where: { accountId: h.accountId, email } });
    const inviteOf = async (email: string) =>
      prisma.invite.findFirstOrThrow({ where: { user: { email } }, orderBy: { createdAt: 'desc' } });
    const notices = (rule: string) => prisma.sentNotice.findMany({ where: { rule }, orderBy: { subjectId: 'asc' } });
    const events = (action: string) => prisma.auditEvent.findMany({ where: { action }, orderBy: { seq: 'asc' } });
    const submit = async <R>(change: Change, as = SCHEDULER): Promise<R> => {
      const submitted = await services.changes.submit(as, change);
      if (submitted.status !== 'done') throw new Error('a scheduler change never waits for approval');
      return submitted.result as R;
    };
    return { h, services, prisma, invite, user, inviteOf, notices, events, submit };
  }

  it('are the scheduler’s alone: an admin, a link or the console cannot submit them, and nothing changes', async () => {
    const { h, invite, inviteOf, submit, prisma } = await setup();
    await invite('kim@example.com');
    h.clock.advanceHours(49);
    const audited = await prisma.auditEvent.count();
    for (const change of [
      { kind: 'invite-expiry', batch: 10 },
      { kind: 'invite-reminders', batch: 10 },
      { kind: 'passcode-expiry', batch: 10 },
      { kind: 'invite-link-renewal', invites: [(await inviteOf('kim@example.com')).id] },
    ] satisfies Change[]) {
      await expect(submit(change, h.owner)).rejects.toMatchObject({ code: 'forbidden' });
      await expect(submit(change, systemActor('console'))).rejects.toMatchObject({ code: 'forbidden' });
    }
    expect(await prisma.auditEvent.count()).toBe(audited);
    expect((await inviteOf('kim@example.com')).status).toBe('pending');
  });

  it('expire due invites a batch at a time: invite and user expired once, audited, digest and inviter DM queued', async () => {
    const { h, invite, user, inviteOf, notices, events, submit } = await setup();
    await invite('a@example.com', 'b@example.com', 'c@example.com');
    h.clock.advanceHours(24);
    await invite('later@example.com');
    const before = await user('a@example.com');
    h.clock.advanceHours(25);

    expect(await submit({ kind: 'invite-expiry', batch: 2 })).toEqual({ expired: 2 });
    expect(await submit({ kind: 'invite-expiry', batch: 2 })).toEqual({ expired: 1 });
    expect(await submit({ kind: 'invite-expiry', batch: 2 })).toEqual({ expired: 0 });

    for (const email of ['a@example.com', 'b@example.com', 'c@example.com']) {
      expect((await inviteOf(email)).status).toBe('expired');
      expect((await user(email)).status).toBe('expired');
    }
    expect((await user('a@example.com')).version).toBe(before.version + 1);
    expect((await inviteOf('later@example.com')).status).toBe('pending');
    expect((await user('later@example.com')).status).toBe('invited');
    const expired = await events('invite.expired');
    expect(expired.map((e) => e.targetEmail).sort()).toEqual(['a@example.com', 'b@example.com', 'c@example.com']);
    expect(expired.every((e) => e.source === 'scheduler')).toBe(true);
    expect(await notices('expiry-digest')).toHaveLength(3);
    const dms = await notices('expiry-dm');
    expect(dms).toHaveLength(3);
    expect(new Set(dms.map((n) => n.groupKey))).toEqual(new Set([h.owner.userId]));
  });

  it('count one reminder on due invites, up to maxResends, and queue each reminder once', async () => {
    const { h, invite, inviteOf, notices, submit } = await setup();
    await invite('kim@example.com');
    expect(await submit({ kind: 'invite-reminders', batch: 10 })).toEqual({ reminded: 0 });
    h.clock.advanceHours(25);
    expect(await submit({ kind: 'invite-reminders', batch: 10 })).toEqual({ reminded: 1 });
    expect(await submit({ kind: 'invite-reminders', batch: 10 })).toEqual({ reminded: 0 });
    expect((await inviteOf('kim@example.com')).resendCount).toBe(1);
    expect(await notices('reminder')).toHaveLength(1);
  });

  it('expire due passcodes, audited, and leave the others', async () => {
    const { h, prisma, user, submit, events, services } = await setup();
    for (const [email, days] of [
      ['short@example.com', 1],
      ['long@example.com', 7],
    ] as const) {
      await services.changes.submit(h.owner, { kind: 'invite', emails: [email] });
      await prisma.user.update({ where: { id: (await user(email)).id }, data: { status: 'active' } });
      await services.changes.submit(h.owner, { kind: 'grant-passcode', user: { email }, tenureDays: days });
    }
    h.clock.advanceHours(48);
    expect(await submit({ kind: 'passcode-expiry', batch: 10 })).toEqual({ expired: 1 });
    const codes = await prisma.passcode.findMany({ include: { user: true } });
    expect(Object.fromEntries(codes.map((c) => [c.user.email, c.status]))).toEqual({
      'short@example.com': 'expired',
      'long@example.com': 'active',
    });
    expect((await events('passcode.expired')).map((e) => e.targetEmail)).toEqual(['short@example.com']);
  });

  it('renew an invite link only after the link secret changed, and not for an invite no longer pending', async () => {
    const { h, invite, inviteOf, submit } = await setup();
    await invite('kim@example.com');
    const first = await inviteOf('kim@example.com');
    const same = await submit<{ tokens: Record<string, string> }>({ kind: 'invite-link-renewal', invites: [first.id] });
    expect(hashToken(same.tokens[first.id] as string)).toBe(first.tokenHash);

    const rotated = h.services({ linkSecret: 'y'.repeat(32) });
    const renewed = await rotated.changes.submit(SCHEDULER, { kind: 'invite-link-renewal', invites: [first.id] });
    const token = (renewed as { result: { tokens: Record<string, string> } }).result.tokens[first.id] as string;
    const after = await inviteOf('kim@example.com');
    expect(after).toMatchObject({ id: first.id, expiresAt: first.expiresAt, tokenHash: hashToken(token) });
    expect(after.tokenHash).not.toBe(first.tokenHash);

    h.clock.advanceHours(49);
    expect(await submit({ kind: 'invite-expiry', batch: 10 })).toEqual({ expired: 1 });
    expect(await submit({ kind: 'invite-link-renewal', invites: [first.id] })).toEqual({ tokens: {} });
  });
});
