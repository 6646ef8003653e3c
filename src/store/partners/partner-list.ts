/**
 * The account's list of partners (the scopes of scoped roles): finding them by lower-cased name,
 * listing them, adding one, and how many holdings are scoped to each.
 */
import type { Partner } from '../records';
import type { Db } from '../tx';

/** The account's partners whose lower-cased name is one of `nameKeys`. */
export function findPartnersByKeys(db: Db, accountId: string, nameKeys: string[]): Promise<Partner[]> {
  return db.partner.findMany({ where: { accountId, nameKey: { in: nameKeys } } });
}

/** The account's partners, by lower-cased name. */
export function listPartners(db: Db, accountId: string): Promise<Partner[]> {
  return db.partner.findMany({ where: { accountId }, orderBy: { nameKey: 'asc' } });
}

/** Per scope key held in the account, how many holdings carry it. */
export async function countScopedHoldings(db: Db, accountId: string): Promise<{ scopeKey: string; holders: number }[]> {
  const holdings = await db.userRole.groupBy({
    by: ['scopeKey'],
    where: { user: { accountId }, scope: { not: null } },
    _count: { userId: true },
  });
  return holdings.map((h) => ({ scopeKey: h.scopeKey, holders: h._count.userId }));
}

/** The account's partner whose lower-cased name is `nameKey`; null when there is none. */
export function findPartnerByKey(db: Db, accountId: string, nameKey: string): Promise<Partner | null> {
  return db.partner.findUnique({ where: { accountId_nameKey: { accountId, nameKey } } });
}

/** Adds a partner to the account's list. */
export async function createPartner(db: Db, accountId: string, name: string, nameKey: string): Promise<void> {
  await db.partner.create({ data: { accountId, name, nameKey } });
}

/** Whether the account's catalog has a directory-wide scoped role (so its users have partner access). */
export async function catalogHasPartners(db: Db, accountId: string): Promise<boolean> {
  return (await db.role.count({ where: { accountId, scoped: true, product: null } })) > 0;
}
