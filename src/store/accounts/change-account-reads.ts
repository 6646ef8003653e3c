/** Reading the account inside a change: its owner, and its settings under the lock. */
import type { Prisma } from '../generated/client';
import type { Account, User } from '../records';
import type { Db } from '../tx';

/** The account row with its owner (null: it has none). */
export type AccountWithOwner = Account & { owner: User | null };

/** An account's settings, their version and its owner: what a settings change reads under the lock. */
const SETTINGS_SELECT = {
  seatLimit: true,
  inviteTtlHours: true,
  approvalsChannel: true,
  noticesChannel: true,
  catalogPreset: true,
  settingsVersion: true,
  owner: { select: { id: true, email: true } },
} as const;

/** The account's settings, their version and its owner's id and e-mail. */
export type AccountSettingsRecord = Prisma.AccountGetPayload<{ select: typeof SETTINGS_SELECT }>;

/** The account with its owner; throws when there is no such account. */
export function findAccountWithOwner(db: Db, accountId: string): Promise<AccountWithOwner> {
  return db.account.findUniqueOrThrow({ where: { id: accountId }, include: { owner: true } });
}

/** The account's settings, their version and its owner; throws when there is no such account. */
export function findAccountSettings(db: Db, accountId: string): Promise<AccountSettingsRecord> {
  return db.account.findUniqueOrThrow({ where: { id: accountId }, select: SETTINGS_SELECT });
}
