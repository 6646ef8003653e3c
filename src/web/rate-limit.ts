/**
 * Fixed-window counters in the database (RateLimitBucket), shared by every replica: one atomic
 * upsert per hit that starts a new window when the old one has passed.
 */

import type { Clock } from '../domain/clock';
import type { PrismaClient } from '../store/generated/client';

export interface RateLimit {
  /** Counts a hit on `key`; returns seconds to wait when over `limit` in the window, else 0. */
  hit(key: string, limit: number, windowSeconds: number): Promise<number>;
  /** Hits so far in the current window (without counting one). */
  count(key: string, windowSeconds: number): Promise<number>;
  /**
   * Check and count in one atomic step: counts a hit only while fewer than `limit` were counted in the
   * window, so parallel requests cannot race past it. Returns 0 when counted, else seconds to wait.
   * The auth API and SCIM count a failure with it after checking the credential.
   */
  reserve(key: string, limit: number, windowSeconds: number): Promise<number>;
}

export function createRateLimit(deps: { prisma: PrismaClient; clock: Clock }): RateLimit {
  const { prisma, clock } = deps;
  const windowOf = (now: Date, windowSeconds: number) =>
    new Date(Math.floor(now.getTime() / (windowSeconds * 1000)) * windowSeconds * 1000);
  const secondsLeft = (windowStart: Date, windowSeconds: number, now: Date) =>
    Math.max(1, Math.ceil((windowStart.getTime() + windowSeconds * 1000 - now.getTime()) / 1000));
  return {
    async reserve(key, limit, windowSeconds) {
      const now = clock.now();
      const windowStart = windowOf(now, windowSeconds);
      // ON CONFLICT … WHERE: the row is locked, the condition re-read and the count raised in one statement.
      const rows = await prisma.$queryRaw<{ count: number }[]>`
        INSERT INTO "RateLimitBucket" AS b ("key", "windowStart", "count") VALUES (${key}, ${windowStart}, 1)
        ON CONFLICT ("key") DO UPDATE SET
          "count" = CASE WHEN b."windowStart" = EXCLUDED."windowStart" THEN b."count" + 1 ELSE 1 END,
          "windowStart" = EXCLUDED."windowStart"
        WHERE b."windowStart" <> EXCLUDED."windowStart" OR b."count" < ${limit}
        RETURNING "count"`;
      return rows.length > 0 ? 0 : secondsLeft(windowStart, windowSeconds, now);
    },
    async hit(key, limit, windowSeconds) {
      const now = clock.now();
      const windowStart = new Date(Math.floor(now.getTime() / (windowSeconds * 1000)) * windowSeconds * 1000);
      const rows = await prisma.$queryRaw<{ count: number }[]>`
        INSERT INTO "RateLimitBucket" ("key", "windowStart", "count") VALUES (${key}, ${windowStart}, 1)
        ON CONFLICT ("key") DO UPDATE SET
          "count" = CASE WHEN "RateLimitBucket"."windowStart" = EXCLUDED."windowStart" THEN "RateLimitBucket"."count" + 1 ELSE 1 END,
          "windowStart" = EXCLUDED."windowStart"
        RETURNING "count"`;
      const count = Number(rows[0]?.count ?? 0);
      if (count <= limit) return 0;
      return Math.max(1, Math.ceil((windowStart.getTime() + windowSeconds * 1000 - now.getTime()) / 1000));
    },
    async count(key, windowSeconds) {
      const now = clock.now();
      const windowStart = new Date(Math.floor(now.getTime() / (windowSeconds * 1000)) * windowSeconds * 1000);
      const bucket = await prisma.rateLimitBucket.findUnique({ where: { key } });
      return bucket && bucket.windowStart.getTime() === windowStart.getTime() ? bucket.count : 0;
    },
  };
}
