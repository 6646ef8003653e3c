/**
 * Writing accounts: creating them, binding them to their Slack workspace, naming them, setting and
 * moving their owner, and saving their settings (conditional on the settings version).
 */
import type { Account } from '../records';
import type { Db, Tx } from '../tx';
import type { SlackHome } from './account-reads';

/** Creates a bare account named `name` (a single-workspace deployment's first start). */
export function createAccount(tx: Tx, name: string): Promise<Account> {
  return tx.account.create({ data: { name } });
}

/** Creates the account of a Slack workspace or organization, with its name and identifier. */
export function createInstalledAccount(tx: Tx, home: SlackHome, name: string, slug: string): Promise<Account> {
  return tx.account.create({ data: { ...home, name, slug } });
}

/** Renames the account. */
export async function renameAccount(tx: Tx, accountId: string, name: string): Promise<void> {
  await tx.account.update({ where: { id: accountId }, data: { name } });
}

/** Makes the user `ownerId` the account's owner. */
export async function setAccountOwner(db: Db, accountId: string, ownerId: string): Promise<void> {
  await db.account.update({ where: { id: accountId }, data: { ownerId } });
}

/** Binds the account to Slack workspace `teamId` unless it is bound already. */
export async function bindAccountToTeam(db: Db, accountId: string, teamId: string): Promise<void> {
  await db.account.updateMany({ where: { id: accountId, slackTeamId: null }, data: { slackTeamId: teamId } });
}

/** Names the account after its workspace, if it is bound to `teamId` and named otherwise. */
export async function renameAccountOfTeam(db: Db, accountId: string, teamId: string | null, name: string): Promise<void> {
  await db.account.updateMany({ where: { id: accountId, slackTeamId: teamId, name: { not: name } }, data: { name } });
}

/** Gives the account the identifier `slug` unless it has one already. */
export async function setAccountSlugIfUnset(db: Db, accountId: string, slug: string): Promise<void> {
  await db.account.updateMany({ where: { id: accountId, slug: null }, data: { slug } });
}

/** Moves ownership from `from` (null: nobody) to `to`, only if `from` still owns it; 1 when it moved, else 0. */
export async function moveAccountOwnership(db: Db, accountId: string, from: string | null, to: string): Promise<number> {
  const moved = await db.account.updateMany({ where: { id: accountId, ownerId: from }, data: { ownerId: to } });
  return moved.count;
}

/** The settings an account overrides (null: the deployment's default). */
export type AccountSettingValues = Pick<
  Account,
  'seatLimit' | 'inviteTtlHours' | 'approvalsChannel' | 'noticesChannel' | 'catalogPreset'
>;

/** Saves the settings and bumps their version, only if it is still `version`; 1 when saved, else 0. */
export async function saveAccountSettings(
  db: Db,
  accountId: string,
  version: number,
  values: AccountSettingValues,
): Promise<number> {
  const written = await db.account.updateMany({
    where: { id: accountId, settingsVersion: version },
    data: {
      seatLimit: values.seatLimit,
      inviteTtlHours: values.inviteTtlHours,
      approvalsChannel: values.approvalsChannel,
      noticesChannel: values.noticesChannel,
      catalogPreset: values.catalogPreset,
      settingsVersion: { increment: 1 },
    },
  });
  return written.count;
}

/** Sets the seats of the account's plan (null: the deployment's SEAT_LIMIT). */
export async function setPlanSeats(db: Db, accountId: string, seats: number | null): Promise<void> {
  await db.account.update({ where: { id: accountId }, data: { planSeats: seats } });
}

/** Counts one more first co-approver if fewer than `most` were made; 1 when counted, else 0. */
export async function claimFirstApprover(db: Db, accountId: string, most: number): Promise<number> {
  const claimed = await db.account.updateMany({
    where: { id: accountId, firstApproversGranted: { lt: most } },
    data: { firstApproversGranted: { increment: 1 } },
  });
  return claimed.count;
}
