/**
 * What a new credential's hand-off keeps until it is delivered: the pending credential
 * (PendingCredential) and the single-use reveal link e-mailed for it (SecretReveal); claiming one
 * when it was delivered; and dropping all of a user's, when they are revoked.
 */
import type { PendingCredential, SecretReveal } from '../records';
import type { Db } from '../tx';

/** Keeps a new API key or passcode aside (only its hash) until it has reached its holder. */
export function createPendingCredential(
  db: Db,
  pending: {
    accountId: string;
    userId: string;
    kind: string;
    secretHash: string;
    prefix?: string;
    tenureDays?: number;
    expiresAt?: Date;
    createdAt: Date;
  },
): Promise<PendingCredential> {
  return db.pendingCredential.create({ data: pending });
}

/** Drops a pending credential, if it is still there. */
export async function deletePendingCredential(db: Db, id: string): Promise<void> {
  await db.pendingCredential.deleteMany({ where: { id } });
}

/** Stores a reveal link: its token's hash and the sealed secret it shows once. */
export function createSecretReveal(
  db: Db,
  reveal: { id: string; accountId: string; userId: string; kind: string; tokenHash: string; sealed: string; expiresAt: Date },
): Promise<SecretReveal> {
  return db.secretReveal.create({ data: reveal });
}

/** Drops a reveal link, if it is still there. */
export async function deleteSecretReveal(db: Db, id: string): Promise<void> {
  await db.secretReveal.deleteMany({ where: { id } });
}

/** Erases the sealed secret of a reveal link that can no longer be used. */
export async function eraseRevealSecret(db: Db, id: string): Promise<void> {
  await db.secretReveal.updateMany({ where: { id }, data: { sealed: null } });
}

/**
 * Uses up a reveal link and erases its sealed secret, only while it is unused and unexpired at `now`;
 * true when this call claimed it.
 */
export async function claimSecretReveal(db: Db, id: string, now: Date): Promise<boolean> {
  const claimed = await db.secretReveal.updateMany({
    where: { id, revealedAt: null, expiresAt: { gt: now } },
    data: { revealedAt: now, sealed: null },
  });
  return claimed.count > 0;
}

/** Deletes the user's credentials awaiting delivery. */
export async function deletePendingCredentialsOf(db: Db, userId: string): Promise<void> {
  await db.pendingCredential.deleteMany({ where: { userId } });
}

/** Deletes the user's secret reveals (links that would show a credential). */
export async function deleteSecretRevealsOf(db: Db, userId: string): Promise<void> {
  await db.secretReveal.deleteMany({ where: { userId } });
}

/** Deletes the pending credential, so that one delivery alone switches it on; the number deleted (0 or 1). */
export async function claimPendingCredential(db: Db, id: string): Promise<number> {
  const claimed = await db.pendingCredential.deleteMany({ where: { id } });
  return claimed.count;
}

/** Deletes the user's reveal links for secrets of `kind`, all but `keep` when it is given. */
export async function deleteRevealsOfKind(db: Db, userId: string, kind: string, keep?: string): Promise<void> {
  await db.secretReveal.deleteMany({ where: { userId, kind, ...(keep ? { id: { not: keep } } : {}) } });
}
