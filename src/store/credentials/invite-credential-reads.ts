/** Reads of password links and pending credentials, by their link or id. */
import type { Prisma } from '../generated/client';
import type { PendingCredential } from '../records';
import type { Db } from '../tx';

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
