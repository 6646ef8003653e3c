/**
 * A new e-mail address for a user who has accepted their invite (the `edit` change): who may get
 * one, what stays with the person and what stays with the old address, and telling both addresses.
 * The person is the same, so their Slack link (by Slack user ID), password, API key and passcode stay;
 * unused password links were sent to the old mailbox, which may no longer be theirs, so they end.
 */
import { fail } from '../../errors';
import { deleteUnusedPasswordLinks } from '../../store/credentials/password-link-writes';
import { findUserClashes, type UserRecord } from '../../store/users/user-reads';
import type { ChangeContext } from './change-handler';
import { adminPowerAt } from './user-change';

/** Whether one address was told of the change: by Slack DM (the messenger other notices use), and by e-mail. */
export interface AddressNotice {
  email: string;
  told: boolean;
  /** Whether the e-mail to the address went (false too where delivery cannot send notices). */
  mailed: boolean;
}

/** An accepted user's move to a new address, as the edit records and reports it. */
export interface AcceptedMove {
  from: string;
  to: string;
  /** The admin-plane permissions whoever holds the new address gets (an approval-policy grant). */
  power: string[];
  /** The Slack user the person is linked to, kept; the notice for the old address goes there. */
  slackUserId: string | null;
  /** Whether they sign in with a password, which stays (the notice says so). */
  password: boolean;
}

/**
 * Refuses an address another user has, as their e-mail or as their SCIM userName (a user the identity
 * provider never named is named by their e-mail, so the new address would become this user's userName).
 */
export async function refuseEmailClash(context: ChangeContext, userId: string, email: string): Promise<void> {
  const rows = await findUserClashes(context.tx, context.accountId, { email, userNameKey: email });
  const taken = rows.find((row) => row.id !== userId && row.email === email);
  if (taken) throw fail.conflict(`${email} is already in use by another user.`, { field: 'email' });
  const named = rows.find((row) => row.id !== userId && row.userNameKey === email);
  if (named) throw fail.conflict(`${email} is the SCIM userName of ${named.email}.`, { field: 'email' });
}

/**
 * Checks that `user` (active or disabled) may move to `email` and makes the writes that go with it
 * besides the address itself. Refused for a revoked user, for one the identity provider manages (its
 * next sync would put the old address back), and for yourself while you hold admin powers: the new
 * address gets them, and nobody gives admin power to an address of their choosing without another admin.
 */
export async function moveAcceptedUser(context: ChangeContext, user: UserRecord, email: string): Promise<AcceptedMove> {
  if (user.status !== 'active' && user.status !== 'disabled') {
    throw fail.invalidState(`${user.email} is ${user.status}, so their e-mail cannot be changed. Invite them again first.`, {
      field: 'email',
    });
  }
  if (user.signInMethod === 'sso' || user.externalId !== null || user.userNameKey !== null) {
    throw fail.invalidState(
      `${user.email} is managed by your identity provider (SCIM), so their e-mail changes there and reaches Roster with its next update.`,
      { field: 'email' },
    );
  }
  const power = [...adminPowerAt(user, context.multipleRoles, context.clock.now())];
  if (user.id === context.actor.userId && power.length > 0) {
    throw fail.forbidden('You hold admin powers, so another admin must change your e-mail (it may wait for an approver).', {
      field: 'email',
    });
  }
  await deleteUnusedPasswordLinks(context.tx, user.id);
  return { from: user.email, to: email, power, slackUserId: user.slackUserId, password: user.signInMethod === 'password' };
}

/** What an approver reads of the move. */
export function moveSummary(move: AcceptedMove): string {
  const powers = move.power.length > 0 ? ` They hold ${move.power.map((p) => `\`${p}\``).join(', ')}.` : '';
  return `Change the e-mail of ${move.from} to ${move.to}: they sign in with ${move.to} from now on; their Slack link, password and credentials stay.${powers}`;
}

/**
 * Tells the person at both addresses, after the commit: the old one through their kept Slack link (or the
 * workspace member with that address), the new one through the workspace member with it, and each by
 * e-mail as well (a mailbox is where someone who is not in Slack, or lost it, still hears). Never throws.
 */
export async function tellBothAddresses(context: ChangeContext, move: AcceptedMove): Promise<AddressNotice[]> {
  // The actor's address, not their name: a name is typed by people and the DM is mrkdwn.
  const by = context.actor.email;
  const unexpected = 'If you did not expect this, tell an admin.';
  const send = (holder: { email: string; slackUserId: string | null }, text: string) =>
    context.messenger.send(holder, text).catch(() => false);
  const mail = (email: string) =>
    context.delivery.notice
      ? context.delivery
          .notice({ kind: 'address-changed', email, from: move.from, to: move.to, by, password: move.password })
          .catch(() => false)
      : Promise.resolve(false);
  const [old, now, oldMailed, nowMailed] = await Promise.all([
    send(
      { email: move.from, slackUserId: move.slackUserId },
      `:envelope: ${by} changed the e-mail address of your Roster account from ${move.from} to ${move.to}. Sign in with ${move.to} from now on; ${move.password ? 'your password, API key and passcode stay' : 'your API key and passcode stay'} as they are. ${unexpected}`,
    ),
    send(
      { email: move.to, slackUserId: null },
      `:envelope: ${move.to} is now the e-mail address of your Roster account (it was ${move.from}); ${by} changed it. ${unexpected}`,
    ),
    mail(move.from),
    mail(move.to),
  ]);
  return [
    { email: move.from, told: old, mailed: oldMailed },
    { email: move.to, told: now, mailed: nowMailed },
  ];
}
