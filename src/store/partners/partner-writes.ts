/** The writes that rename a partner, move its holdings to another partner, and delete it. */
import type { Db } from '../tx';

/** Renames a partner and every holding of it, in the new spelling. */
export async function renamePartner(
  db: Db,
  accountId: string,
  partnerId: string,
  from: string,
  to: { name: string; nameKey: string },
) {
  await db.partner.update({ where: { id: partnerId }, data: to });
  await db.userRole.updateMany({
    where: { scopeKey: from, user: { accountId } },
    data: { scope: to.name, scopeKey: to.nameKey },
  });
}

/**
 * Moves every holding of partner `from` to partner `to` (both as keys, `to` in its spelling); a
 * user who already holds the same role for `to` keeps that one holding.
 */
export async function moveHoldings(db: Db, accountId: string, from: string, to: { name: string; nameKey: string }) {
  const moving = await db.userRole.findMany({
    where: { scopeKey: from, user: { accountId } },
    select: { userId: true, roleId: true },
  });
  const already = await db.userRole.findMany({
    where: { scopeKey: to.nameKey, userId: { in: moving.map((h) => h.userId) } },
    select: { userId: true, roleId: true },
  });
  const duplicate = (h: { userId: string; roleId: string }) =>
    already.some((a) => a.userId === h.userId && a.roleId === h.roleId);
  for (const h of moving.filter(duplicate)) {
    await db.userRole.delete({ where: { userId_roleId_scopeKey: { userId: h.userId, roleId: h.roleId, scopeKey: from } } });
  }
  await db.userRole.updateMany({
    where: { scopeKey: from, user: { accountId } },
    data: { scope: to.name, scopeKey: to.nameKey },
  });
}

/** Deletes a partner from the account's list (its holdings must be gone or moved first). */
export async function deletePartner(db: Db, partnerId: string): Promise<void> {
  await db.partner.delete({ where: { id: partnerId } });
}
