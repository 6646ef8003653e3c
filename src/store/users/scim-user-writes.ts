/** Writes of users the identity provider provisions over SCIM. */
import type { UserStatus } from '../records';
import type { Db } from '../tx';
import { type UserRecord, userInclude } from './user-reads';

/** A provisioned user's state as the identity provider sends it. */
export interface ProvisionedFields {
  email: string;
  name: string | null;
  externalId: string | null;
}

/** Creates an active user who signs in through the identity provider (`sso`), accepted at `acceptedAt`. */
export function createProvisionedUser(
  db: Db,
  accountId: string,
  fields: ProvisionedFields,
  acceptedAt: Date,
): Promise<UserRecord> {
  return db.user.create({
    data: { accountId, ...fields, status: 'active', signInMethod: 'sso', acceptedAt },
    include: userInclude,
  });
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
  const { email, name, externalId, status, ssoOnly, acceptedAt } = update;
  await db.user.update({
    where: { id },
    data: {
      email,
      name,
      externalId,
      status,
      ...(ssoOnly ? { signInMethod: 'sso' as const, passwordHash: null } : {}),
      ...(acceptedAt ? { acceptedAt } : {}),
    },
  });
}
