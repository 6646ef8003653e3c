/**
 * Fixed-window counters (RateLimitBucket), shared by every replica: one atomic upsert per hit that
 * starts a new window when the stored one is another.
 */
import type { RateLimitBucket } from '../records';
import type { Db } from '../tx';

/**
 * Counts a hit on `key` in the window starting `windowStart` only while fewer than `limit` were counted
 * in it; true when counted. The row is locked, the condition re-read and the count raised in one statement.
 */
export async function reserveBucketHit(db: Db, key: string, windowStart: Date, limit: number): Promise<boolean> {
  const rows = await db.$queryRaw<{ count: number }[]>`
        INSERT INTO "RateLimitBucket" AS b ("key", "windowStart", "count") VALUES (${key}, ${windowStart}, 1)
        ON CONFLICT ("key") DO UPDATE SET
          "count" = CASE WHEN b."windowStart" = EXCLUDED."windowStart" THEN b."count" + 1 ELSE 1 END,
          "windowStart" = EXCLUDED."windowStart"
        WHERE b."windowStart" <> EXCLUDED."windowStart" OR b."count" < ${limit}
        RETURNING "count"`;
  return rows.length > 0;
}

/** Counts a hit on `key` in the window starting `windowStart`; returns the hits in it so far, this one included. */
export async function countBucketHit(db: Db, key: string, windowStart: Date): Promise<number> {
  const rows = await db.$queryRaw<{ count: number }[]>`
        INSERT INTO "RateLimitBucket" ("key", "windowStart", "count") VALUES (${key}, ${windowStart}, 1)
        ON CONFLICT ("key") DO UPDATE SET
          "count" = CASE WHEN "RateLimitBucket"."windowStart" = EXCLUDED."windowStart" THEN "RateLimitBucket"."count" + 1 ELSE 1 END,
          "windowStart" = EXCLUDED."windowStart"
        RETURNING "count"`;
  return Number(rows[0]?.count ?? 0);
}

/** The counter of `key`, whatever its window; null when it was never hit. */
export function findBucket(db: Db, key: string): Promise<RateLimitBucket | null> {
  return db.rateLimitBucket.findUnique({ where: { key } });
}
