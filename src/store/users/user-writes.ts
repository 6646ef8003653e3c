/**
 * Writes a change makes to users and what hangs on them: profile, status, roles, properties, version;
 * inviting users and accepting an invite; and the sign-in method and password on the user row.
 */
import type { SignInMethod, UserStatus } from '../records';
import type { Db } from '../tx';

/** A user's name and e-mail as an edit sets them; `slackUserId: null` removes their Slack link. */
export interface UserEdit {
  name?: string;
  email?: string;
  slackUserId?: null;
}

/** Writes the user's edited name, e-mail or Slack link. */
export async function editUser(db: Db, userId: string, edit: UserEdit): Promise<void> {
  await db.user.update({ where: { id: userId }, data: edit });
}

/** Sets the user's status. */
export async function setUserStatus(db: Db, userId: string, status: UserStatus): Promise<void> {
  await db.user.update({ where: { id: userId }, data: { status } });
}

/** Marks the user revoked and drops their password. */
export async function revokeUserRecord(db: Db, userId: string): Promise<void> {
  await db.user.update({ where: { id: userId }, data: { status: 'revoked', passwordHash: null } });
}

/** Replaces the user's extra permissions. */
export async function setExtraPermissions(db: Db, userId: string, permissions: string[]): Promise<void> {
  await db.user.update({ where: { id: userId }, data: { extraPermissions: permissions } });
}

/** Deletes the users for good. */
export async function deleteUsersByIds(db: Db, userIds: string[]): Promise<void> {
  await db.user.deleteMany({ where: { id: { in: userIds } } });
}

/** One role a user holds, with its scope and the scope's unique key. */
export interface HoldingRow {
  roleId: string;
  scope: string | null;
  scopeKey: string;
}

/** Replaces every role the user holds with `holdings`. */
export async function replaceUserRoles(db: Db, userId: string, holdings: HoldingRow[]): Promise<void> {
  await db.userRole.deleteMany({ where: { userId } });
  if (holdings.length > 0) {
    await db.userRole.createMany({
      data: holdings.map((h) => ({ userId, roleId: h.roleId, scope: h.scope, scopeKey: h.scopeKey })),
    });
  }
}

/** Adds `holdings` to what the user holds (none of them held yet). */
export async function addUserRoles(db: Db, userId: string, holdings: HoldingRow[]): Promise<void> {
  if (holdings.length === 0) return;
  await db.userRole.createMany({
    data: holdings.map((h) => ({ userId, roleId: h.roleId, scope: h.scope, scopeKey: h.scopeKey })),
  });
}

/** Gives the user the role, unscoped. */
export async function addUserRole(db: Db, userId: string, roleId: string): Promise<void> {
  await db.userRole.create({ data: { userId, roleId } });
}

/** Removes the user's property `key`; how many were removed (0 or 1). */
export async function removeUserProperty(db: Db, userId: string, key: string): Promise<number> {
  const removed = await db.userProperty.deleteMany({ where: { userId, key } });
  return removed.count;
}

/** Sets the user's property `key` to `value`, adding it when missing. */
export async function setUserProperty(db: Db, userId: string, key: string, value: string): Promise<void> {
  await db.userProperty.upsert({
    where: { userId_key: { userId, key } },
    create: { userId, key, value },
    update: { value },
  });
}

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
