/** Writes of users and their roles for invites, accepting them, and sign-in credentials on the user row. */
import type { SignInMethod } from '../records';
import type { Db } from '../tx';

/** A new invitee's row. */
export interface NewInvitee {
  id: string;
  accountId: string;
  email: string;
  invitedById: string | null;
  invitedAt: Date;
  extraPermissions: string[];
}

/** One role held by a user, with its scope and that scope's key. */
export interface RoleHolding {
  userId: string;
  roleId: string;
  scope: string | null;
  scopeKey: string;
}

/** Creates the invitees, each `invited`. */
export async function createInvitees(db: Db, invitees: NewInvitee[]): Promise<void> {
  await db.user.createMany({ data: invitees.map((invitee) => ({ ...invitee, status: 'invited' as const })) });
}

/**
 * Brings the user (back) to `invited` by `invitedById` at `invitedAt`; their extra permissions are
 * replaced by `extraPermissions` when given, and kept otherwise.
 */
export async function markUserInvited(
  db: Db,
  userId: string,
  invite: { invitedById: string | null; invitedAt: Date; extraPermissions?: string[] },
): Promise<void> {
  const { invitedById, invitedAt, extraPermissions } = invite;
  await db.user.update({
    where: { id: userId },
    data: { status: 'invited', invitedById, invitedAt, ...(extraPermissions ? { extraPermissions } : {}) },
  });
}

/** Removes every role the user holds. */
export async function deleteUserRoles(db: Db, userId: string): Promise<void> {
  await db.userRole.deleteMany({ where: { userId } });
}

/** Gives users these roles. */
export async function createRoleHoldings(db: Db, holdings: RoleHolding[]): Promise<void> {
  await db.userRole.createMany({ data: holdings });
}

/** Makes an invitee who is still `invited` active with their name and sign-in; the number of users activated (0 or 1). */
export async function activateInvitee(
  db: Db,
  userId: string,
  accepted: { name: string; signInMethod: SignInMethod; passwordHash: string | null; now: Date },
): Promise<number> {
  const { name, signInMethod, passwordHash, now } = accepted;
  const activated = await db.user.updateMany({
    where: { id: userId, status: 'invited' },
    data: { status: 'active', name, signInMethod, passwordHash, acceptedAt: now, lastLoginAt: now },
  });
  return activated.count;
}

/** Sets the user's password hash; null ends their password. */
export async function setPasswordHash(db: Db, userId: string, passwordHash: string | null): Promise<void> {
  await db.user.update({ where: { id: userId }, data: { passwordHash } });
}

/** Switches the user's sign-in method; Google sign-in also clears their password. */
export async function setSignInMethod(db: Db, userId: string, method: 'google' | 'password'): Promise<void> {
  await db.user.update({
    where: { id: userId },
    data: { signInMethod: method, ...(method === 'google' ? { passwordHash: null } : {}) },
  });
}
