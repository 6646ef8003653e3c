/**
 * The passcodes scheduled notices read: one passcode and its holder, for the expiry warning.
 */
import type { Prisma } from '../generated/client';
import type { Db } from '../tx';

/** A passcode with its holder. */
export type PasscodeWithUser = Prisma.PasscodeGetPayload<{ include: { user: true } }>;

/** Passcode `id` with its holder; null when there is none. */
export function findPasscodeWithUser(db: Db, id: string): Promise<PasscodeWithUser | null> {
  return db.passcode.findUnique({ where: { id }, include: { user: true } });
}
