/**
 * Credentials as signing in reads them: API keys and passcodes by the hash of what was sent, reveal
 * links and password links by their token's hash, and which account each belongs to; a passcode
 * with its holder, for the expiry warning; and a pending credential by its id.
 */
import type { Prisma } from '../generated/client';
import type { PendingCredential, UserStatus } from '../records';
import type { Db } from '../tx';

/** An API key with the user it acts as (its holder, or the heir of an inherited key) and their status. */
export interface ApiKeyWithHolderStatus {
  id: string;
  accountId: string;
  keyHash: string;
  /** The user the key acts as. */
  userId: string;
  user: { status: UserStatus };
  /** Set on an inherited key: the deleted user it was issued to. */
  inheritedFromEmail: string | null;
  /** Set on an inherited key: what it could do when that user was deleted (`HolderAccess`). */
  inheritedAccess: unknown;
}

/** A passcode with its holder's status. */
export type PasscodeWithHolderStatus = Prisma.PasscodeGetPayload<{ include: { user: { select: { status: true } } } }>;

/** A reveal link with the user it is for. */
export type RevealWithHolder = Prisma.SecretRevealGetPayload<{ include: { user: true } }>;

/** A passcode with its holder. */
export type PasscodeWithUser = Prisma.PasscodeGetPayload<{ include: { user: true } }>;

/** Passcode `id` with its holder; null when there is none. */
export function findPasscodeWithUser(db: Db, id: string): Promise<PasscodeWithUser | null> {
  return db.passcode.findUnique({ where: { id }, include: { user: true } });
}

/**
 * The API key whose hash is `keyHash`, with the user it acts as: an inherited key acts as its heir (the
 * owner who received it), within the access it had before (see credential-verification.ts). Null when there is none.
 */
export async function findApiKeyByHash(db: Db, keyHash: string): Promise<ApiKeyWithHolderStatus | null> {
  const key = await db.apiKey.findUnique({
    where: { keyHash },
    include: { user: { select: { status: true } }, heir: { select: { status: true } } },
  });
  const actsAs = key?.userId ?? key?.heirId;
  const holder = key?.user ?? key?.heir;
  if (!key || !actsAs || !holder) return null;
  const { id, accountId, inheritedFromEmail, inheritedAccess } = key;
  return { id, accountId, keyHash: key.keyHash, userId: actsAs, user: holder, inheritedFromEmail, inheritedAccess };
}

/** An API key a user inherited from a deleted user, as the card and the owner's DM show it. */
export interface InheritedApiKey {
  id: string;
  prefix: string;
  heirId: string;
  inheritedFromEmail: string;
  inheritedFromName: string | null;
  inheritedAt: Date;
  lastUsedAt: Date | null;
}

const inheritedSelect = {
  id: true,
  prefix: true,
  heirId: true,
  inheritedFromEmail: true,
  inheritedFromName: true,
  inheritedAt: true,
  lastUsedAt: true,
} as const;

/** The account's inherited keys held by `heirId` (all heirs when omitted), oldest first. */
export async function listInheritedApiKeys(db: Db, accountId: string, heirId?: string): Promise<InheritedApiKey[]> {
  const rows = await db.apiKey.findMany({
    where: { accountId, heirId: heirId ?? { not: null } },
    select: inheritedSelect,
    orderBy: [{ inheritedAt: 'asc' }, { id: 'asc' }],
  });
  return rows.flatMap(asInherited);
}

/** The account's inherited key `id`; null when there is none (ended, or never inherited). */
export async function findInheritedApiKey(db: Db, accountId: string, id: string): Promise<InheritedApiKey | null> {
  const row = await db.apiKey.findFirst({ where: { id, accountId, heirId: { not: null } }, select: inheritedSelect });
  return row ? (asInherited(row)[0] ?? null) : null;
}

/** The row as an inherited key; none when it is not one (the migration's CHECK and the move set these together). */
function asInherited(row: Prisma.ApiKeyGetPayload<{ select: typeof inheritedSelect }>): InheritedApiKey[] {
  const { heirId, inheritedFromEmail, inheritedAt } = row;
  if (!heirId || !inheritedFromEmail || !inheritedAt) return [];
  return [{ ...row, heirId, inheritedFromEmail, inheritedAt }];
}

/** How many API keys (their own, and any they inherited) `userIds` hold. */
export function countApiKeysHeldBy(db: Db, userIds: string[]): Promise<number> {
  return db.apiKey.count({ where: { OR: [{ userId: { in: userIds } }, { heirId: { in: userIds } }] } });
}

/** The prefixes of the API keys (own and inherited) `userIds` hold, with whom each was issued to, up to `limit`. */
export async function apiKeysHeldBy(db: Db, userIds: string[], limit: number): Promise<{ prefix: string; email: string }[]> {
  const rows = await db.apiKey.findMany({
    where: { OR: [{ userId: { in: userIds } }, { heirId: { in: userIds } }] },
    select: { prefix: true, inheritedFromEmail: true, user: { select: { email: true } } },
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    take: limit,
  });
  return rows.map((r) => ({ prefix: r.prefix, email: r.inheritedFromEmail ?? r.user?.email ?? '' }));
}

/** How many of `userIds` hold an active passcode (which ends with them). */
export function countActivePasscodesOf(db: Db, userIds: string[]): Promise<number> {
  return db.passcode.count({ where: { userId: { in: userIds }, status: 'active' } });
}

/** The passcode whose hash is `codeHash`, with its holder's status; null when there is none. */
export function findPasscodeByHash(db: Db, codeHash: string): Promise<PasscodeWithHolderStatus | null> {
  return db.passcode.findUnique({ where: { codeHash }, include: { user: { select: { status: true } } } });
}

/** The reveal link whose token hashes to `tokenHash`, with its user; null when there is none. */
export function findRevealByTokenHash(db: Db, tokenHash: string): Promise<RevealWithHolder | null> {
  return db.secretReveal.findUnique({ where: { tokenHash }, include: { user: true } });
}

/** The account of the API key whose hash is `keyHash`; undefined when there is none. */
export async function accountOfApiKey(db: Db, keyHash: string): Promise<string | undefined> {
  return (await db.apiKey.findUnique({ where: { keyHash }, select: { accountId: true } }))?.accountId;
}

/** The account of the passcode whose hash is `codeHash`; undefined when there is none. */
export async function accountOfPasscode(db: Db, codeHash: string): Promise<string | undefined> {
  return (await db.passcode.findUnique({ where: { codeHash }, select: { accountId: true } }))?.accountId;
}

/** The account of the password link whose token hashes to `tokenHash`; undefined when there is none. */
export async function accountOfPasswordLink(db: Db, tokenHash: string): Promise<string | undefined> {
  return (await db.passwordLink.findUnique({ where: { tokenHash }, select: { accountId: true } }))?.accountId;
}

/** The account of the reveal link whose token hashes to `tokenHash`; undefined when there is none. */
export async function accountOfReveal(db: Db, tokenHash: string): Promise<string | undefined> {
  return (await db.secretReveal.findUnique({ where: { tokenHash }, select: { accountId: true } }))?.accountId;
}

/** How many of the user's password links are unused (expired ones included, unless deleted first). */
export function countUnusedPasswordLinks(db: Db, userId: string): Promise<number> {
  return db.passwordLink.count({ where: { userId, usedAt: null } });
}

/** A password link with the user it is for. */
export type PasswordLinkWithUser = Prisma.PasswordLinkGetPayload<{ include: { user: true } }>;

/** The password link whose token has this hash, with its user, in any account; null when there is none. */
export function findPasswordLinkByTokenHash(db: Db, tokenHash: string): Promise<PasswordLinkWithUser | null> {
  return db.passwordLink.findUnique({ where: { tokenHash }, include: { user: true } });
}

/** The pending (issued, not yet delivered) credential with this id; null when it is gone. */
export function findPendingCredential(db: Db, id: string): Promise<PendingCredential | null> {
  return db.pendingCredential.findUnique({ where: { id } });
}
