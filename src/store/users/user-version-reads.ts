/** The versions of several users at once: what SCIM's /Bulk answers as each created user's `version` after its batch committed. */
import type { Db } from '../tx';

/** Each found user's `version`, by id (users of other accounts and unknown ids are left out). */
export async function userVersions(db: Db, accountId: string, ids: readonly string[]): Promise<Map<string, number>> {
  if (ids.length === 0) return new Map();
  const rows = await db.user.findMany({ where: { accountId, id: { in: [...ids] } }, select: { id: true, version: true } });
  return new Map(rows.map((row) => [row.id, row.version]));
}
