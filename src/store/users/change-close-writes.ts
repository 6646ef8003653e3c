/**
 * The end of a change in its transaction, in one round trip: the touched users' versions bumped, the
 * audit events recorded, and what the directory's rules check read back (the change's users who hold
 * no role, the owner's standing, whether an active Admin remains, the seats in use). One statement
 * instead of seven, so the account lock is held for less; the rules themselves are judged by the
 * domain (src/domain/users/directory-rules.ts).
 */
import type { NewAuditEvent } from '../audit/audit-events';
import type { Tx } from '../tx';

/** What the directory's rules need to know after a change, read in its transaction. */
export interface DirectoryStanding {
  /** Those of the change's users who hold no role, by e-mail. */
  roleless: string[];
  /** The account's owner (null when it has none): e-mail, status, and whether they hold `adminRole`. */
  owner: { email: string; status: string; admin: boolean } | null;
  /** Whether any active user holds `adminRole` (looked for from the role's side, stopped at the first). */
  activeAdmin: boolean;
  /** Users who take a seat (kept on the account row by triggers on "User"). */
  seatsUsed: number;
}

interface StandingRow {
  roleless: string[];
  ownerEmail: string | null;
  ownerStatus: string | null;
  ownerAdmin: boolean;
  activeAdmin: boolean;
  seatsUsed: number;
}

/**
 * Bumps `touched`'s versions, inserts `events` (in their order) and reads the directory's standing,
 * all in one statement of `tx`. The reads see every earlier write of the transaction; the bump and the
 * inserts do not change what they read.
 */
export async function closeChange(
  tx: Tx,
  input: { accountId: string; touched: string[]; events: NewAuditEvent[]; adminRole: string; now: Date },
): Promise<DirectoryStanding> {
  const { accountId, touched, adminRole } = input;
  const now = input.now.toISOString();
  const events = JSON.stringify(
    input.events.map((e, n) => ({ ...e, at: e.at.toISOString(), before: e.before ?? null, after: e.after ?? null, n })),
  );
  const rows = await tx.$queryRaw<StandingRow[]>`
    WITH bumped AS (
      UPDATE "User" SET "version" = "version" + 1, "updatedAt" = (${now}::timestamptz AT TIME ZONE 'UTC')
      WHERE "id" = ANY(${touched}::text[])
      RETURNING 1
    ), audited AS (
      INSERT INTO "AuditEvent" ("id", "accountId", "at", "actorUserId", "actorEmail", "actorSlackId", "action",
        "targetUserId", "targetEmail", "targetName", "before", "after", "source", "clientAddress")
      SELECT gen_random_uuid()::text, e."accountId", (e."at"::timestamptz AT TIME ZONE 'UTC'), e."actorUserId",
        e."actorEmail", e."actorSlackId", e."action", e."targetUserId", e."targetEmail", e."targetName",
        e."before", e."after", e."source"::"AuditSource", e."clientAddress"
      FROM jsonb_to_recordset(${events}::jsonb) AS e("accountId" text, "at" text, "actorUserId" text,
        "actorEmail" text, "actorSlackId" text, "action" text, "targetUserId" text, "targetEmail" text,
        "targetName" text, "before" jsonb, "after" jsonb, "source" text, "clientAddress" text, "n" int)
      ORDER BY e."n"
      RETURNING 1
    )
    SELECT
      ARRAY(
        SELECT u."email" FROM "User" u
        WHERE u."id" = ANY(${touched}::text[]) AND NOT EXISTS (SELECT 1 FROM "UserRole" ur WHERE ur."userId" = u."id")
        ORDER BY u."email"
      ) AS "roleless",
      o."email" AS "ownerEmail",
      o."status"::text AS "ownerStatus",
      EXISTS (
        SELECT 1 FROM "UserRole" ur JOIN "Role" r ON r."id" = ur."roleId"
        WHERE ur."userId" = o."id" AND r."key" = ${adminRole}
      ) AS "ownerAdmin",
      -- From the role's holders, each looked up by id (a join could hash every active user when the
      -- planner's statistics are stale, as they are right after a bulk load).
      EXISTS (
        SELECT 1 FROM "UserRole" ur
        WHERE ur."roleId" = (SELECT r."id" FROM "Role" r WHERE r."accountId" = a."id" AND r."key" = ${adminRole})
          AND (SELECT h."status" FROM "User" h WHERE h."id" = ur."userId") = 'active'
      ) AS "activeAdmin",
      a."seatsUsed" AS "seatsUsed",
      (SELECT count(*) FROM bumped) + (SELECT count(*) FROM audited) AS "written"
    FROM "Account" a LEFT JOIN "User" o ON o."id" = a."ownerId"
    WHERE a."id" = ${accountId}`;
  const row = rows[0];
  if (!row) throw new Error(`account ${accountId} is gone`);
  return {
    roleless: row.roleless,
    owner: row.ownerEmail === null ? null : { email: row.ownerEmail, status: row.ownerStatus ?? '', admin: row.ownerAdmin },
    activeAdmin: row.activeAdmin,
    seatsUsed: Number(row.seatsUsed),
  };
}
