/**
 * Writes and reads of a run of users provisioned together (SCIM /Bulk): the rows `createProvisionedUser`
 * writes for one user, for many users in three statements, and the reads that check and answer them.
 */
import type { Db } from '../tx';
import { identity, type ProvisionedFields } from './scim-user-writes';
import { type UserRecord, userInclude } from './user-reads';
import type { HoldingRow } from './user-writes';

/** One user of the run, with the id it is created under and the roles it holds. */
export type NewProvisionedUser = ProvisionedFields & {
  id: string;
  status: 'active' | 'disabled';
  properties: Record<string, string>;
  roles: HoldingRow[];
};

/** Creates the users (signing in through the identity provider, accepted at `acceptedAt`), their roles and properties. */
export async function createProvisionedUsers(
  db: Db,
  accountId: string,
  users: readonly NewProvisionedUser[],
  acceptedAt: Date,
): Promise<void> {
  if (users.length === 0) return;
  await db.user.createMany({
    // The columns createProvisionedUser writes for one user.
    data: users.map(({ id, status, properties: _properties, roles: _roles, ...provisioned }) => ({
      id,
      accountId,
      ...identity(provisioned),
      status,
      signInMethod: 'sso' as const,
      acceptedAt,
    })),
  });
  const roles = users.flatMap((u) =>
    u.roles.map((h) => ({ userId: u.id, roleId: h.roleId, scope: h.scope, scopeKey: h.scopeKey })),
  );
  if (roles.length > 0) await db.userRole.createMany({ data: roles });
  const properties = users.flatMap((u) => Object.entries(u.properties).map(([key, value]) => ({ userId: u.id, key, value })));
  if (properties.length > 0) await db.userProperty.createMany({ data: properties });
}

/** Whether any user of the account has one of `keys` (lower-cased) as e-mail or userName. */
export async function anyUserNamed(db: Db, accountId: string, keys: readonly string[]): Promise<boolean> {
  if (keys.length === 0) return false;
  const found = await db.user.findFirst({
    where: { accountId, OR: [{ email: { in: [...keys] } }, { userNameKey: { in: [...keys] } }] },
    select: { id: true },
  });
  return found !== null;
}

/** The users by id, with everything the card shows (in no particular order). */
export function findUserRecordsByIds(db: Db, accountId: string, ids: readonly string[]): Promise<UserRecord[]> {
  return db.user.findMany({ where: { accountId, id: { in: [...ids] } }, include: userInclude });
}
