/**
 * The scheduler's changes to the directory, each one batch of a set-based statement that locks what it
 * takes (`FOR UPDATE SKIP LOCKED`): reminders counted on due invites, invites and passcodes past their
 * expiry, and an invite link renewed after the link secret changed. Their notices are queued in the
 * same transaction (the outbox), so a pass that stops between batches loses and doubles nothing.
 * Only the scheduler submits them; they need no permission and never wait for approval.
 */
import { fail, isRosterError } from '../../errors';
import { findPendingInviteLinks } from '../../store/invites/invite-reads';
import { expireDueInvites, expireDuePasscodes, markUsersExpired, remindDueInvites } from '../../store/scheduler/due-writes';
import { findInvitedWithoutPendingInvite, findUserTargets } from '../../store/users/user-reads';
import type { Actor } from '../access/actor';
import { addHours } from '../clock';
import { type Applied, type ChangeHandler, touchingNoUser } from './change-handler';
import type { DirectoryChange } from './directory-change';
import { linkToResend } from './invite-link-renewal';

/** The scheduler's changes are its own: no person, link or surface may submit them. */
export function schedulerOnly(actor: Actor): void {
  if (actor.source !== 'scheduler') throw fail.forbidden('Only the scheduler makes that change.');
}

/** What one of the scheduler's batches came to: it touches no user's record; `more` names targets and the trail. */
export function batchOf<R>(
  result: R,
  stored: DirectoryChange,
  outcome: string,
  more: Partial<Pick<Applied<R>, 'targets' | 'audit'>> = {},
): Applied<R> {
  return touchingNoUser(result, { stored, summary: outcome, outcome, audit: [], ...more });
}

/**
 * Counts one more reminder on invites sent `remindAfterHours` ago and reminded fewer than `maxResends`
 * times, and queues the reminder each is sent with (send-notices.ts). One batch; returns how many.
 */
export const inviteReminders: ChangeHandler<'invite-reminders', { reminded: number }> = {
  permissions: () => [],
  async apply(context, change) {
    schedulerOnly(context.actor);
    const now = context.clock.now();
    const { remindAfterHours, maxResends } = context.invitePolicy;
    const sentBefore = addHours(now, -remindAfterHours);
    const reminded = await remindDueInvites(context.tx, context.accountId, now, { sentBefore, maxResends, batch: change.batch });
    return batchOf({ reminded }, change, `${reminded} invite reminders queued.`);
  },
};

/**
 * Invites past their expiry: the invite becomes `expired`, and so does its user when no other invite of
 * theirs is pending (audited); the expiry digest and the inviter's DM are queued. One batch.
 */
export const inviteExpiry: ChangeHandler<'invite-expiry', { expired: number }> = {
  permissions: () => [],
  async apply(context, change) {
    schedulerOnly(context.actor);
    const { tx, accountId } = context;
    const expired = await expireDueInvites(tx, accountId, context.clock.now(), change.batch);
    if (expired.length === 0) return batchOf({ expired: 0 }, change, 'No invite was due to expire.');
    const users = await findInvitedWithoutPendingInvite(
      tx,
      expired.map((invite) => invite.userId),
    );
    await markUsersExpired(
      tx,
      users.map((user) => user.id),
    );
    await context.outbox.queue(tx, [
      ...expired.map((invite) => ({ rule: 'expiry-digest', subjectId: invite.id })),
      // One notice per invite, grouped by inviter: the inviter gets one DM listing them (send-notices.ts).
      ...expired.flatMap((invite) =>
        invite.invitedById ? [{ rule: 'expiry-dm', subjectId: invite.id, groupKey: invite.invitedById }] : [],
      ),
    ]);
    // The users' versions are counted by markUsersExpired, not as `touched`: a lapse changes no role or
    // owner, and no directory rule may hold it up (the scheduler could never expire that invite).
    return batchOf({ expired: expired.length }, change, `${expired.length} invites expired.`, {
      targets: users.map((user) => user.id),
      audit: users.map((user) => ({
        action: 'invite.expired',
        target: user,
        before: { status: 'invited' },
        after: { status: 'expired' },
      })),
    });
  },
};

/** Passcodes past their expiry are marked `expired` and audited. One batch. */
export const passcodeExpiry: ChangeHandler<'passcode-expiry', { expired: number }> = {
  permissions: () => [],
  async apply(context, change) {
    schedulerOnly(context.actor);
    const { tx, accountId } = context;
    const rows = await expireDuePasscodes(tx, accountId, context.clock.now(), change.batch);
    const holders = await findUserTargets(
      tx,
      rows.map((row) => row.userId),
    );
    return batchOf({ expired: rows.length }, change, `${rows.length} passcodes expired.`, {
      audit: holders.map((user) => ({
        action: 'passcode.expired',
        target: user,
        before: { passcode: 'active' },
        after: { passcode: 'expired' },
      })),
    });
  },
};

/**
 * The links a batch of reminders carries, by invite id: each invite's own while it can be re-derived,
 * else (the link secret changed) a fresh one for the same invite and expiry. An invite no longer
 * pending, or renewed meanwhile under another secret, has none (its reminder waits for the next pass).
 */
export const inviteLinkRenewal: ChangeHandler<'invite-link-renewal', { tokens: Record<string, string> }> = {
  permissions: () => [],
  async apply(context, change) {
    schedulerOnly(context.actor);
    const tokens: Record<string, string> = {};
    for (const invite of await findPendingInviteLinks(context.tx, context.accountId, change.invites)) {
      const token = await linkToResend(context.tx, context.links, invite).catch((error: unknown) => {
        if (isRosterError(error) && error.code === 'conflict') return null;
        throw error;
      });
      if (token) tokens[invite.id] = token;
    }
    return batchOf({ tokens }, change, `${Object.keys(tokens).length} invite links ready.`);
  },
};
