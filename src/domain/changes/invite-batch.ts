/**
 * An invite that has passed every check: who is invited with what, their links and expiry, and
 * which of them come back from expired or revoked. The writes, the audit and the delivery all read it.
 */

import { randomUUID } from 'node:crypto';
import type { User } from '../../store/records';
import { addHours } from '../clock';
import type { IssuedLink } from '../invites/invite-links';
import type { ChangeContext } from './change-handler';
import type { ChangeOf } from './directory-change';
import type { InvitePlan } from './invite-plan';

/** One random link per address (stored as a hash), and when they were issued and expire. */
export interface IssuedInvites {
  now: Date;
  expiresAt: Date;
  issued: Map<string, IssuedLink>;
}

/** Everything an invite writes and delivers. */
export interface InviteBatch extends InvitePlan, IssuedInvites {
  emails: string[];
  note: string | null;
  /** The expired or revoked users the invite brings back, by address. */
  reinvited: Map<string, User>;
  /** The invitee's user id: a returning user's own, a new one's made here. */
  idOf(email: string): string;
}

/** Issues each address its link, valid `INVITE_TTL_HOURS` from now. */
export function issueLinks(context: ChangeContext, emails: string[]): IssuedInvites {
  const now = context.clock.now();
  const expiresAt = addHours(now, context.inviteTtlHours);
  return { now, expiresAt, issued: new Map(emails.map((email) => [email, context.links.issue()])) };
}

/** The batch of an invite whose every address passed. */
export function inviteBatch(
  change: ChangeOf<'invite'>,
  emails: string[],
  plan: InvitePlan,
  links: IssuedInvites,
  reinvites: User[],
): InviteBatch {
  const reinvited = new Map(reinvites.map((user) => [user.email, user]));
  const userIds = new Map([
    ...emails.filter((email) => !reinvited.has(email)).map((email) => [email, randomUUID()] as const),
    ...reinvites.map((u) => [u.email, u.id] as const),
  ]);
  return {
    ...plan,
    ...links,
    emails,
    note: change.note?.trim() || null,
    reinvited,
    idOf: (email) => userIds.get(email) as string,
  };
}
