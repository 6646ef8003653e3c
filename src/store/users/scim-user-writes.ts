/** Writes of users the identity provider provisions over SCIM. */
import { randomUUID } from 'node:crypto';
import type { User, UserStatus } from '../records';
import type { Db } from '../tx';
import { type ClashRow, findUserClashes } from './user-reads';
import type { HoldingRow } from './user-writes';

/** A provisioned user's state as the identity provider sends it. */
export interface ProvisionedFields {
  email: string;
  name: string | null;
  externalId: string | null;
  /** The identity provider's identifier as sent (stored lower-cased beside it, unique per account); undefined leaves it. */
  userName?: string;
  /** The name parts as sent; undefined leaves them. */
  givenName?: string | null;
  familyName?: string | null;
}

/** The identity columns of a provisioned user: userName as sent and lower-cased beside it (unique per account). */
export function identity(fields: ProvisionedFields) {
  const { userName, ...rest } = fields;
  return { ...rest, ...(userName === undefined ? {} : { userName, userNameKey: userName.toLowerCase() }) };
}

/**
 * Creates a user who signs in through the identity provider (`sso`), active or disabled, accepted at
 * `acceptedAt`, with the roles `roles` and the properties given, unless another user already has the
 * e-mail or the userName (their userName, or the e-mail of a user the identity provider never named):
 * then nothing is written and the users named either way are returned (`findUserClashes`). One statement, which a SCIM create runs under
 * the account lock (so it sees every committed user), and on the embedded store on its one backend, for
 * every round trip it makes.
 */
export async function createProvisionedUser(
  db: Db,
  accountId: string,
  fields: ProvisionedFields & { status: 'active' | 'disabled'; properties: Record<string, string> },
  acceptedAt: Date,
  roles: readonly HoldingRow[],
): Promise<{ created: User } | { clashes: ClashRow[] }> {
  const { status, properties, ...provisioned } = fields;
  const user = identity(provisioned);
  const key = user.userNameKey ?? null;
  const now = new Date();
  const keys = Object.keys(properties);
  const rows = await db.$queryRaw<User[]>`
    WITH clash AS (
      SELECT "id", "email", "userNameKey" FROM "User"
      -- The e-mail, or the userName (a user the identity provider never named is named by their e-mail),
      -- spelled as the userName filter is so that the planner keeps to the two unique indexes: an
      -- "IS NULL" it could use an index for would read every user the identity provider never named.
      WHERE "accountId" = ${accountId}
        AND ("email" = ${user.email}
          OR (("userNameKey" = ${key} OR "email" = ${key}) AND COALESCE("userNameKey", "email") = ${key}))
    ), created AS (
      INSERT INTO "User" ("id", "accountId", "email", "name", "status", "signInMethod", "acceptedAt", "externalId",
        "userName", "userNameKey", "givenName", "familyName", "createdAt", "updatedAt")
      SELECT ${randomUUID()}, ${accountId}, ${user.email}, ${user.name}, ${status}::"UserStatus", 'sso'::"SignInMethod",
        ${acceptedAt}, ${user.externalId}, ${user.userName ?? null}, ${key}, ${user.givenName ?? null},
        ${user.familyName ?? null}, ${now}, ${now}
      WHERE NOT EXISTS (SELECT 1 FROM clash)
      RETURNING *
    ), held AS (
      INSERT INTO "UserRole" ("userId", "roleId", "scope", "scopeKey")
      SELECT created."id", r."roleId", r."scope", r."scopeKey"
      FROM created, unnest(${roles.map((h) => h.roleId)}::text[], ${roles.map((h) => h.scope)}::text[],
        ${roles.map((h) => h.scopeKey)}::text[]) AS r("roleId", "scope", "scopeKey")
    ), props AS (
      INSERT INTO "UserProperty" ("userId", "key", "value")
      SELECT created."id", p."key", p."value"
      FROM created, unnest(${keys}::text[], ${keys.map((k) => properties[k] as string)}::text[]) AS p("key", "value")
    )
    SELECT * FROM created`;
  // Nothing written: someone has the name. Read who (rare, and under the same lock, so the same users).
  if (!rows[0]) return { clashes: await findUserClashes(db, accountId, { userNameKey: key ?? undefined, email: user.email }) };
  return { created: rows[0] };
}

/** Sets the user's properties to the values given and removes those given as null; the others stay. */
export async function writeProvisionedProperties(
  db: Db,
  userId: string,
  properties: Record<string, string | null>,
): Promise<void> {
  const gone = Object.keys(properties).filter((key) => properties[key] === null);
  if (gone.length > 0) await db.userProperty.deleteMany({ where: { userId, key: { in: gone } } });
  for (const [key, value] of Object.entries(properties)) {
    if (value === null) continue;
    await db.userProperty.upsert({ where: { userId_key: { userId, key } }, create: { userId, key, value }, update: { value } });
  }
}

/** What else a SCIM update changes besides the provisioned fields. */
export interface ProvisionedUpdate extends ProvisionedFields {
  status: UserStatus;
  /** Signs in through the identity provider from now on: the password is dropped. */
  ssoOnly?: boolean;
  /** Set when the user is accepted by this update. */
  acceptedAt?: Date;
}

/** Writes a provisioned user's new state. */
export async function updateProvisionedUser(db: Db, id: string, update: ProvisionedUpdate): Promise<void> {
  const { status, ssoOnly, acceptedAt, ...fields } = update;
  await db.user.update({
    where: { id },
    data: {
      ...identity(fields),
      status,
      ...(ssoOnly ? { signInMethod: 'sso' as const, passwordHash: null } : {}),
      ...(acceptedAt ? { acceptedAt } : {}),
    },
  });
}
