/** Writing users outside a change: the account's first owner, a Slack link, whether Slack still sees the owner. */
import type { User } from '../records';
import type { Db, Tx } from '../tx';

/** The first owner of an account: an active user holding the Admin role from `acceptedAt`. */
export interface NewOwner {
  accountId: string;
  email: string;
  name?: string | null;
  slackUserId?: string | null;
  acceptedAt: Date;
  adminRoleId: string;
}

/** Creates the account's first owner, active and holding the Admin role. */
export function createOwnerUser(tx: Tx, owner: NewOwner): Promise<User> {
  const { adminRoleId, ...fields } = owner;
  return tx.user.create({ data: { ...fields, status: 'active', roles: { create: { roleId: adminRoleId } } } });
}

/** Records when Slack said the user left the workspace (null: they are there). No version bump. */
export async function setUserSlackLeftAt(db: Db, userId: string, leftAt: Date | null): Promise<void> {
  await db.user.update({ where: { id: userId }, data: { slackLeftAt: leftAt } });
}

/**
 * Links the user to the Slack user `slackUserId` unless they are linked already; how many were
 * linked (0 or 1). A failure (someone else holds that Slack ID) throws.
 */
export async function linkUserToSlack(db: Db, userId: string, slackUserId: string): Promise<number> {
  const { count } = await db.user.updateMany({ where: { id: userId, slackUserId: null }, data: { slackUserId } });
  return count;
}
