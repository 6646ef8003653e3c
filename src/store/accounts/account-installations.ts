/**
 * Slack installations (many-workspace mode): the sealed installation of each account, which install
 * key (workspace or organization) finds it.
 */
import type { SlackInstallation } from '../records';
import type { Db, Tx } from '../tx';

/** What Slack's OAuth install says of an installation; `sealed` holds its tokens, sealed. */
export interface InstallationFields {
  installKey: string;
  teamId: string | null;
  enterpriseId: string | null;
  isEnterpriseInstall: boolean;
  installerSlackId: string | null;
  sealed: string;
}

/** Stores the account's installation, replacing the one it had. */
export async function saveInstallation(tx: Tx, accountId: string, fields: InstallationFields): Promise<void> {
  await tx.slackInstallation.upsert({ where: { accountId }, create: { accountId, ...fields }, update: fields });
}

/**
 * Replaces the sealed installation of `installKey` by `resealed`, if it is still `sealed`, keeping
 * `updatedAt` (the install's time).
 */
export async function resealInstallation(
  db: Db,
  installKey: string,
  sealed: string,
  resealed: string,
  updatedAt: Date,
): Promise<void> {
  await db.slackInstallation.updateMany({ where: { installKey, sealed }, data: { sealed: resealed, updatedAt } });
}

/** The ID of the account installed under `installKey`, or null. */
export async function findAccountIdByInstallKey(db: Db, installKey: string): Promise<string | null> {
  return (await db.slackInstallation.findUnique({ where: { installKey }, select: { accountId: true } }))?.accountId ?? null;
}

/** The account installed under `installKey` and when it was (re)installed, or null. */
export function findInstallationTime(
  db: Db,
  installKey: string,
): Promise<Pick<SlackInstallation, 'accountId' | 'updatedAt'> | null> {
  return db.slackInstallation.findUnique({ where: { installKey }, select: { accountId: true, updatedAt: true } });
}

/** Deletes the installation of `installKey` (its tokens). */
export async function deleteInstallation(tx: Tx, installKey: string): Promise<void> {
  await tx.slackInstallation.delete({ where: { installKey } });
}

/** The IDs of the installed accounts, first installed first. */
export async function listInstalledAccountIds(db: Db): Promise<string[]> {
  const installed = await db.slackInstallation.findMany({ select: { accountId: true }, orderBy: { installedAt: 'asc' } });
  return installed.map(({ accountId }) => accountId);
}
