/**
 * Credentials as signing in reads them: API keys and passcodes by the hash of what was sent, reveal
 * links and password links by their token's hash, and which account each belongs to; a passcode
 * with its holder, for the expiry warning; and a pending credential by its id.
 */
import type { Prisma } from '../generated/client';
import type { PendingCredential } from '../records';
import type { Db } from '../tx';

/** An API key with its holder's status. */
export type ApiKeyWithHolderStatus = Prisma.ApiKeyGetPayload<{ include: { user: { select: { status: true } } } }>;

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

/** The API key whose hash is `keyHash`, with its holder's status; null when there is none. */
export function findApiKeyByHash(db: Db, keyHash: string): Promise<ApiKeyWithHolderStatus | null> {
  return db.apiKey.findUnique({ where: { keyHash }, include: { user: { select: { status: true } } } });
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
