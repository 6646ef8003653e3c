/** Writes a change makes to the account row: its owner and its settings. */
import type { Account } from '../records';
import type { Db } from '../tx';

/** Makes `ownerId` the account's owner. */
export async function setAccountOwner(db: Db, accountId: string, ownerId: string): Promise<void> {
  await db.account.update({ where: { id: accountId }, data: { ownerId } });
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
