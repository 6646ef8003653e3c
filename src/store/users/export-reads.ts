/** Reading the directory for the CSV export: keyset pages with roles and groups aggregated in SQL. */
import type { Db } from '../tx';

/** One user as the export reads them. */
export interface ExportRow {
  id: string;
  name: string | null;
  email: string;
  status: string;
  lastLoginAt: Date | null;
  createdAt: Date;
  /** `key` or `key=scope`, `;`-separated, highest precedence first. */
  roles: string | null;
  /** Group names, `;`-separated, by name. */
  groups: string | null;
  passcodeStatus: string | null;
  passcodeExpiresAt: Date | null;
  /** Time-bound grants in force at the export's `now`: `key[=scope] until <ISO time>` or `perm until …`, `;`-separated, soonest end first. */
  temporary: string | null;
}

/** Up to `batch` of the account's users with an id after `after`, by id: one round trip per page. */
export function readExportPage(db: Db, accountId: string, after: string, batch: number, now: Date): Promise<ExportRow[]> {
  return db.$queryRaw<ExportRow[]>`
      SELECT u."id", u."name", u."email", u."status"::text AS "status", u."lastLoginAt", u."createdAt",
        (SELECT string_agg(CASE WHEN ur."scope" IS NULL THEN r."key" ELSE r."key" || '=' || ur."scope" END, ';' ORDER BY r."precedence" DESC, r."key")
           FROM "UserRole" ur JOIN "Role" r ON r."id" = ur."roleId" WHERE ur."userId" = u."id") AS "roles",
        (SELECT string_agg(g."name", ';' ORDER BY g."name")
           FROM "GroupMembership" gm JOIN "Group" g ON g."id" = gm."groupId" WHERE gm."userId" = u."id") AS "groups",
        p."status"::text AS "passcodeStatus", p."expiresAt" AS "passcodeExpiresAt",
        (SELECT string_agg(coalesce(CASE WHEN t."scope" IS NULL THEN r."key" ELSE r."key" || '=' || t."scope" END, t."permission")
             || ' until ' || to_char(t."endsAt", 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), ';' ORDER BY t."endsAt", t."id")
           FROM "TimedGrant" t LEFT JOIN "Role" r ON r."id" = t."roleId"
           WHERE t."userId" = u."id" AND t."endedAt" IS NULL AND t."endsAt" > ${now}) AS "temporary"
      FROM "User" u LEFT JOIN "Passcode" p ON p."userId" = u."id"
      WHERE u."accountId" = ${accountId} AND u."id" > ${after}
      ORDER BY u."id" LIMIT ${batch}`;
}
