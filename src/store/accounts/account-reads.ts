/**
 * Reading accounts: by ID, by Slack workspace or organization, by identifier (slug), with their
 * settings, owner and installation (bootstrap, provisioning, tenancy, the console), the settings a
 * change reads under the lock, the seat count kept on the row, and how App Home names the account.
 */
import type { Prisma } from '../generated/client';
import type { Account, User } from '../records';
import type { Db } from '../tx';

/** How an installed account is known to Slack: its workspace, or for an org-wide install its organization. */
export type SlackHome = { slackTeamId: string } | { slackEnterpriseId: string };

/** An account with its Slack installation (null when none, or uninstalled). */
export type AccountWithInstallation = Prisma.AccountGetPayload<{ include: { installation: true } }>;

/** The account's owner as the ownership rules read them, or null when it has none. */
export type AccountOwner = Pick<User, 'id' | 'email' | 'status' | 'slackUserId' | 'slackLeftAt'>;

/** An account's settings, their version, the plan's seats and its owner: what a settings change reads under the lock. */
const SETTINGS_SELECT = {
  seatLimit: true,
  inviteTtlHours: true,
  approvalsChannel: true,
  noticesChannel: true,
  catalogPreset: true,
  settingsVersion: true,
  planSeats: true,
  owner: { select: { id: true, email: true } },
} as const;

/** The account's settings, their version and its owner's id and e-mail. */
export type AccountSettingsRecord = Prisma.AccountGetPayload<{ select: typeof SETTINGS_SELECT }>;

/** The account row with its owner's user row (null: it has none). */
export type AccountWithOwner = Prisma.AccountGetPayload<{ include: { owner: true } }>;

const SETTINGS_VIEW_SELECT = {
  ...SETTINGS_SELECT,
  slug: true,
  slackTeamId: true,
  slackEnterpriseId: true,
} as const;

/** The account's settings columns, settings version, owner (ID and address), identifier and Slack IDs. */
export type AccountSettingsView = Prisma.AccountGetPayload<{ select: typeof SETTINGS_VIEW_SELECT }>;

/** The account, or null when there is none with that ID. */
export function findAccount(db: Db, accountId: string): Promise<Account | null> {
  return db.account.findUnique({ where: { id: accountId } });
}

/** The account; throws when there is none with that ID. */
export function getAccount(db: Db, accountId: string): Promise<Account> {
  return db.account.findUniqueOrThrow({ where: { id: accountId } });
}

/** The account with its Slack installation, or null when there is none with that ID. */
export function findAccountWithInstallation(db: Db, accountId: string): Promise<AccountWithInstallation | null> {
  return db.account.findUnique({ where: { id: accountId }, include: { installation: true } });
}

/** The oldest account (the one a single-workspace deployment serves), or null on an empty store. */
export function findOldestAccount(db: Db): Promise<Account | null> {
  return db.account.findFirst({ orderBy: { createdAt: 'asc' } });
}

/** The account of a Slack workspace or organization, or null when it has none yet. */
export function findAccountBySlackHome(db: Db, home: SlackHome): Promise<Account | null> {
  return db.account.findFirst({ where: home });
}

/** Whether an account already goes by the identifier `slug`. */
export async function isSlugTaken(db: Db, slug: string): Promise<boolean> {
  return (await db.account.findUnique({ where: { slug }, select: { id: true } })) !== null;
}

/** The ID of the account whose Slack team or organization ID is `slackId`, or null. */
export async function findAccountIdBySlackId(db: Db, slackId: string): Promise<string | null> {
  const account = await db.account.findFirst({
    where: { OR: [{ slackTeamId: slackId }, { slackEnterpriseId: slackId }] },
    select: { id: true },
  });
  return account?.id ?? null;
}

/** The ID of the account whose identifier is `slug` (as given: no case folding here), or null. */
export async function findAccountIdBySlug(db: Db, slug: string): Promise<string | null> {
  return (await db.account.findUnique({ where: { slug }, select: { id: true } }))?.id ?? null;
}

/**
 * The console's candidates, oldest first, with their installations: the account `accountId` when
 * given, else the first two accounts (two say there are several).
 */
export function findConsoleAccounts(db: Db, accountId?: string): Promise<AccountWithInstallation[]> {
  return db.account.findMany({
    where: accountId ? { id: accountId } : {},
    include: { installation: true },
    orderBy: { createdAt: 'asc' },
    take: 2,
  });
}

/** The account's owner (ID, address, status, Slack ID, when Slack said they left), or null; throws when no account. */
export async function findAccountOwner(db: Db, accountId: string): Promise<AccountOwner | null> {
  const account = await db.account.findUniqueOrThrow({
    where: { id: accountId },
    select: { owner: { select: { id: true, email: true, status: true, slackUserId: true, slackLeftAt: true } } },
  });
  return account.owner;
}

/** The account's Slack workspace and organization IDs; throws when no account. */
export function getAccountSlackIds(
  db: Db,
  accountId: string,
): Promise<{ slackTeamId: string | null; slackEnterpriseId: string | null }> {
  return db.account.findUniqueOrThrow({ where: { id: accountId }, select: { slackTeamId: true, slackEnterpriseId: true } });
}

/** What the Settings form reads of the account; throws when no account. */
export function getAccountSettingsView(db: Db, accountId: string): Promise<AccountSettingsView> {
  return db.account.findUniqueOrThrow({ where: { id: accountId }, select: SETTINGS_VIEW_SELECT });
}

/** The account with its owner; throws when there is no such account. */
export function findAccountWithOwner(db: Db, accountId: string): Promise<AccountWithOwner> {
  return db.account.findUniqueOrThrow({ where: { id: accountId }, include: { owner: true } });
}

/** The account's settings, their version and its owner; throws when there is no such account. */
export function findAccountSettings(db: Db, accountId: string): Promise<AccountSettingsRecord> {
  return db.account.findUniqueOrThrow({ where: { id: accountId }, select: SETTINGS_SELECT });
}

/** Seats in use: the count the store keeps on the account row (triggers on "User"). */
export async function readSeatsUsed(db: Db, accountId: string): Promise<number> {
  const account = await db.account.findUniqueOrThrow({ where: { id: accountId }, select: { seatsUsed: true } });
  return account.seatsUsed;
}

/** The id of the account's owner; null when it has none. */
export async function readOwnerId(db: Db, accountId: string): Promise<string | null> {
  const account = await db.account.findUniqueOrThrow({ where: { id: accountId }, select: { ownerId: true } });
  return account.ownerId;
}

/** How App Home names the account, and who owns it. */
export interface AccountNaming {
  slug: string | null;
  slackTeamId: string | null;
  slackEnterpriseId: string | null;
  ownerId: string | null;
}

/** The account's slug, Slack team and enterprise ids, and owner id. */
export function readAccountNaming(db: Db, accountId: string): Promise<AccountNaming> {
  return db.account.findUniqueOrThrow({
    where: { id: accountId },
    select: { slug: true, slackTeamId: true, slackEnterpriseId: true, ownerId: true },
  });
}

/** The owner as the directory's rules check them: e-mail, status and the keys of the roles they hold. */
export type OwnerStanding = Prisma.UserGetPayload<{
  select: { email: true; status: true; roles: { select: { role: { select: { key: true } } } } };
}>;

/** The account's owner with their status and role keys; null when it has none. */
export async function readOwnerStanding(db: Db, accountId: string): Promise<OwnerStanding | null> {
  const account = await db.account.findUniqueOrThrow({
    where: { id: accountId },
    select: { owner: { select: { email: true, status: true, roles: { select: { role: { select: { key: true } } } } } } },
  });
  return account.owner;
}

/** The account's name; throws when the account is gone. */
export async function accountNameOf(db: Db, accountId: string): Promise<string> {
  return (await db.account.findUniqueOrThrow({ where: { id: accountId }, select: { name: true } })).name;
}

/** What the first co-approver rule reads of an account: its settings, its owner and the first co-approvers made. */
export type ApproverSetupRow = Prisma.AccountGetPayload<{
  select: {
    seatLimit: true;
    inviteTtlHours: true;
    approvalsChannel: true;
    noticesChannel: true;
    catalogPreset: true;
    firstApproversGranted: true;
    owner: { select: { id: true; email: true } };
  };
}>;

/** The account's settings, owner and count of first co-approvers; throws when no account. */
export function readApproverSetupRow(db: Db, accountId: string): Promise<ApproverSetupRow> {
  return db.account.findUniqueOrThrow({
    where: { id: accountId },
    select: {
      seatLimit: true,
      inviteTtlHours: true,
      approvalsChannel: true,
      noticesChannel: true,
      catalogPreset: true,
      firstApproversGranted: true,
      owner: { select: { id: true, email: true } },
    },
  });
}

/** An account as the server console lists it: names, owner, seats used, the owner's limit and the plan. */
export type ConsoleAccountLine = Prisma.AccountGetPayload<{
  select: {
    id: true;
    name: true;
    slug: true;
    slackTeamId: true;
    slackEnterpriseId: true;
    seatsUsed: true;
    seatLimit: true;
    planSeats: true;
    owner: { select: { email: true } };
  };
}>;

/** Every account, oldest first, as `npm run accounts -- list` shows them. */
export function listConsoleAccounts(db: Db): Promise<ConsoleAccountLine[]> {
  return db.account.findMany({
    orderBy: { createdAt: 'asc' },
    select: {
      id: true,
      name: true,
      slug: true,
      slackTeamId: true,
      slackEnterpriseId: true,
      seatsUsed: true,
      seatLimit: true,
      planSeats: true,
      owner: { select: { email: true } },
    },
  });
}
