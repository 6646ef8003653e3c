/**
 * Changes people make to their own record with a link: accepting an invite, setting a password from a
 * password link, and asking the forgot-password page for such a link. The link is the authority: these
 * kinds need no permission and never wait for approval (approval-policy.ts), but they take the one path
 * of every change (account lock, directory rules, version bump, audit). The actor is the link's holder
 * (`linkHolder`), resolved from the link before submitting, and each handler checks, under the lock,
 * that the link is still good and still theirs. A change carries no secret: the link by its token's
 * hash, a password by its scrypt hash (password-policy.ts), so neither can reach the audit trail or an
 * approval request.
 */
import { fail, RosterError } from '../../errors';
import { findPasswordLinkByTokenHash } from '../../store/credentials/credential-reads';
import { deleteUnusedPasswordLinks, markPasswordLinkUsed } from '../../store/credentials/password-link-writes';
import { findInviteByTokenHash } from '../../store/invites/invite-reads';
import { claimPendingInvite } from '../../store/invites/invite-writes';
import type { Invite, PasswordLink, User } from '../../store/records';
import type { Db } from '../../store/tx';
import { findUserByEmail } from '../../store/users/user-reads';
import { activateInvitee, setPasswordHash } from '../../store/users/user-writes';
import type { Actor } from '../access/actor';
import type { DeliveryOutcome } from '../delivery/delivery';
import { normaliseEmail } from '../email';
import { sameSecret } from '../secrets';
import type { Applied, ChangeContext, ChangeHandler } from './change-handler';
import { addPasswordLink, passwordLinkUrl } from './password-links';

/** The holder of a link, acting on the web with no permissions of their own: who a link-authorised change is made by. */
export function linkHolder(user: { id: string; email: string; name: string | null }): Actor {
  return { userId: user.id, email: user.email, name: user.name, roleKeys: [], permissions: new Set(), source: 'web' };
}

const INVITE_REFUSALS: Record<string, string> = {
  accepted: 'This invite has already been used. Sign in instead, or ask an admin if that was not you.',
  superseded: 'This invite link was replaced by a newer one. Use the latest link you received, or ask an admin.',
  revoked: 'This invite was withdrawn. Ask an admin if you still need access.',
  expired: 'This invite link has expired. Ask an admin to send you a new one.',
};

/** The pending invite behind a link (by its token's hash), or a refusal that says what happened. */
export async function findInvite(db: Db, accountId: string, tokenHash: string, now: Date): Promise<Invite & { user: User }> {
  const invite = await findInviteByTokenHash(db, tokenHash);
  if (!invite || invite.accountId !== accountId || !sameSecret(invite.tokenHash, tokenHash)) {
    throw fail.notFound('This invite link is not valid. Check that you copied all of it, or ask an admin for a new one.');
  }
  const refusal = INVITE_REFUSALS[invite.status];
  if (refusal) throw new RosterError('invalid_state', refusal);
  if (invite.expiresAt <= now) throw new RosterError('invalid_state', INVITE_REFUSALS.expired as string);
  return invite;
}

/** The usable password link behind a token's hash, or a refusal that says why not. */
export async function findPasswordLink(
  db: Db,
  accountId: string,
  tokenHash: string,
  now: Date,
): Promise<PasswordLink & { user: User }> {
  const link = await findPasswordLinkByTokenHash(db, tokenHash);
  if (!link || link.accountId !== accountId || !sameSecret(link.tokenHash, tokenHash)) {
    throw fail.notFound('This password link is not valid. Ask an admin for a new one.');
  }
  if (link.usedAt)
    throw new RosterError('invalid_state', 'This password link has already been used. Ask an admin for a new one.');
  if (link.expiresAt <= now)
    throw new RosterError('invalid_state', 'This password link has expired. Ask an admin for a new one.');
  if (link.user.status !== 'active') throw new RosterError('invalid_state', 'Your access is not active. Ask an admin.');
  if (link.user.signInMethod === 'google')
    throw new RosterError('invalid_state', 'You sign in with Google, so there is no password to set.');
  return link;
}

/** The name an invitee gives, trimmed; refused on the `name` field when empty or too long. */
export function inviteeName(name: string): string {
  const trimmed = name.trim();
  if (trimmed.length === 0 || trimmed.length > 100)
    throw fail.badInput('Give your name (up to 100 characters).', { field: 'name' });
  return trimmed;
}

/** A link's changes are its holder's: made by anyone else, the link is not valid for them. */
function refuseOthers(context: ChangeContext, userId: string, what: string): void {
  if (context.actor.userId !== userId) throw fail.notFound(`This ${what} link is not valid.`);
}

/** A change to one user's own record: nobody else is touched, targeted or empowered. */
function own<R>(userId: string, fields: Omit<Applied<R>, 'touched' | 'targets' | 'gains' | 'facts'>): Applied<R> {
  return { touched: [userId], targets: [userId], gains: [], facts: { users: 1 }, ...fields };
}

/** The invitee becomes active with a password or Google sign-in; the invite is used up. */
export const acceptInvite: ChangeHandler<'accept-invite', { email: string }> = {
  permissions: () => [],
  async apply(context, change) {
    const { tx, accountId } = context;
    const now = context.clock.now();
    const invite = await findInvite(tx, accountId, change.invite, now);
    refuseOthers(context, invite.userId, 'invite');
    const claimed = await claimPendingInvite(tx, invite.id, now);
    if (claimed === 0) throw new RosterError('invalid_state', 'This invite has already been used. Sign in instead.');
    const method = change.signIn.method;
    const activated = await activateInvitee(tx, invite.userId, {
      name: change.name,
      signInMethod: method,
      passwordHash: change.signIn.method === 'password' ? change.signIn.passwordHash : null,
      now,
    });
    if (activated === 0) throw new RosterError('invalid_state', 'This invite is no longer valid. Ask an admin.');
    const email = invite.user.email;
    return own(invite.userId, {
      result: { email },
      stored: change,
      summary: `${email} accepts their invite.`,
      outcome: `${email} accepted their invite.`,
      audit: [
        {
          action: 'invite.accepted',
          target: { id: invite.userId, email, name: change.name },
          before: { status: 'invited' },
          after: { status: 'active', signIn: method },
          clientAddress: change.clientAddress,
        },
      ],
    });
  },
};

/** A new password from a single-use link; the user's other unused links stop working. */
export const setPassword: ChangeHandler<'set-password', { email: string }> = {
  permissions: () => [],
  async apply(context, change) {
    const { tx, accountId } = context;
    const now = context.clock.now();
    const link = await findPasswordLink(tx, accountId, change.link, now);
    refuseOthers(context, link.userId, 'password');
    const used = await markPasswordLinkUsed(tx, link.id, now);
    if (used === 0)
      throw new RosterError('invalid_state', 'This password link has already been used. Ask an admin for a new one.');
    await setPasswordHash(tx, link.userId, change.passwordHash);
    // Forgot-password requests leave several links live; none may set the password a second time.
    await deleteUnusedPasswordLinks(tx, link.userId);
    const { email, name } = link.user;
    return own(link.userId, {
      result: { email },
      stored: change,
      summary: `${email} sets a new password.`,
      outcome: `${email} set a new password.`,
      audit: [{ action: 'password.set', target: { id: link.userId, email, name }, clientAddress: change.clientAddress }],
    });
  },
};

/**
 * A forgot-password request: a new password link for an active password user, beside their live ones
 * (anyone may ask for anyone's address, so a request never ends a link already sent), up to
 * `LIVE_PASSWORD_LINKS`; sent by e-mail after the commit. Any other address gets nothing, and neither
 * does one that is no longer the actor's (its holder changed since the request was read): the result
 * is null. Per-client limits are the web page's (web-pages.ts). No version bump: a link is not the user.
 */
export const passwordReset: ChangeHandler<'password-reset', DeliveryOutcome | null> = {
  permissions: () => [],
  async apply(context, change) {
    const { tx, accountId } = context;
    const nothing: Applied<DeliveryOutcome | null> = {
      result: null,
      stored: change,
      summary: 'No password link: the address has no active password user.',
      outcome: 'No password link sent.',
      touched: [],
      targets: [],
      gains: [],
      facts: { users: 0 },
      audit: [],
    };
    const user = await findUserByEmail(tx, accountId, normaliseEmail(change.email));
    if (!user || user.id !== context.actor.userId || user.status !== 'active' || user.signInMethod !== 'password') return nothing;
    // Locks the user's row, so that requests at once on several replicas cannot go past the cap.
    const link = await addPasswordLink(tx, {
      accountId,
      userId: user.id,
      now: context.clock.now(),
      ttlHours: context.passwordLinkTtlHours,
    });
    if (!link) return nothing;
    const target = { id: user.id, email: user.email, name: user.name };
    return {
      ...nothing,
      targets: [user.id],
      facts: { users: 1 },
      summary: `A password link for ${user.email}, as asked on the forgot-password page.`,
      outcome: `Password link sent to ${user.email}.`,
      audit: [
        {
          action: 'password-link.requested',
          target,
          after: { expiresAt: link.expiresAt.toISOString() },
          clientAddress: change.clientAddress,
        },
      ],
      deliver: () =>
        context.delivery.send({
          kind: 'password-reset',
          email: user.email,
          name: user.name,
          link: passwordLinkUrl(context.publicUrl, link.token),
          expiresAt: link.expiresAt,
        }),
    };
  },
};
