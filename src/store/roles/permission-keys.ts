/** The keys of the account's catalog permissions (what a holder of every permission holds besides Roster's own). */
import type { Db } from '../tx';

/** The account's catalog permission keys, sorted. */
export async function listPermissionKeys(db: Db, accountId: string): Promise<string[]> {
  const rows = await db.permission.findMany({ where: { accountId }, select: { key: true }, orderBy: { key: 'asc' } });
  return rows.map((row) => row.key);
}
