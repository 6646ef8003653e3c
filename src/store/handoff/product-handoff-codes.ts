/**
 * The one-time codes that hand a user to the managed product (ProductHandoffCode): kept as hashes,
 * taken by one conditional delete so that of two exchanges at once exactly one gets the user, and
 * swept once expired.
 */
import type { Db } from '../tx';

/** Stores a new code's hash for a user of the account, until `expiresAt`. */
export async function createProductHandoffCode(
  db: Db,
  code: { accountId: string; userId: string; codeHash: string; expiresAt: Date; createdAt: Date },
): Promise<void> {
  await db.productHandoffCode.create({ data: code });
}

/**
 * Takes a code: the user it was issued for, when it is the account's and unexpired, and deletes it.
 * The delete is conditional and its count decides, so a second (or concurrent) exchange gets null.
 */
export async function takeProductHandoffCode(
  db: Db,
  where: { accountId: string; codeHash: string; now: Date },
): Promise<string | null> {
  const row = await db.productHandoffCode.findUnique({ where: { codeHash: where.codeHash } });
  if (!row || row.accountId !== where.accountId) return null;
  const { count } = await db.productHandoffCode.deleteMany({ where: { id: row.id, expiresAt: { gt: where.now } } });
  if (count === 0) await db.productHandoffCode.deleteMany({ where: { id: row.id } });
  return count === 1 ? row.userId : null;
}

/** Deletes every expired code (of every account: none of them can be used any more). */
export async function deleteExpiredProductHandoffCodes(db: Db, now: Date): Promise<number> {
  return (await db.productHandoffCode.deleteMany({ where: { expiresAt: { lte: now } } })).count;
}

/** The id of the account's active user with this address, if any. */
export async function activeUserIdByEmail(db: Db, accountId: string, email: string): Promise<string | null> {
  const user = await db.user.findFirst({ where: { accountId, email, status: 'active' }, select: { id: true } });
  return user?.id ?? null;
}

/** Whether the user is still active in the account (a code of a user disabled since hands nobody over). */
export async function isActiveUser(db: Db, accountId: string, userId: string): Promise<boolean> {
  return (await db.user.count({ where: { id: userId, accountId, status: 'active' } })) === 1;
}
