/**
 * Fixed-window counters in the database (RateLimitBucket), shared by every replica: one atomic
 * upsert per hit that starts a new window when the old one has passed.
 */

import type { Clock } from '../domain/clock';
import type { Metrics } from '../metrics/metrics-port';
import { countBucketHit, findBucket, reserveBucketHit } from '../store/sign-in/rate-limit-buckets';
import type { Store } from '../store/tx';

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

export function createRateLimit(deps: { prisma: Store; clock: Clock; metrics?: Pick<Metrics, 'rateLimitRefused'> }): RateLimit {
  const { prisma, clock } = deps;
  /** Passes a wait through, counting a refusal (a wait above 0) by the limit its key names. */
  const refused = (key: string, wait: number) => {
    if (wait > 0) deps.metrics?.rateLimitRefused(key);
    return wait;
  };
  const windowOf = (now: Date, windowSeconds: number) =>
    new Date(Math.floor(now.getTime() / (windowSeconds * 1000)) * windowSeconds * 1000);
  const secondsLeft = (windowStart: Date, windowSeconds: number, now: Date) =>
    Math.max(1, Math.ceil((windowStart.getTime() + windowSeconds * 1000 - now.getTime()) / 1000));
  return {
    async reserve(key, limit, windowSeconds) {
      const now = clock.now();
      const windowStart = windowOf(now, windowSeconds);
      return refused(
        key,
        (await reserveBucketHit(prisma, key, windowStart, limit)) ? 0 : secondsLeft(windowStart, windowSeconds, now),
      );
    },
    async hit(key, limit, windowSeconds) {
      const now = clock.now();
      const windowStart = new Date(Math.floor(now.getTime() / (windowSeconds * 1000)) * windowSeconds * 1000);
      const count = await countBucketHit(prisma, key, windowStart);
      if (count <= limit) return 0;
      return refused(key, Math.max(1, Math.ceil((windowStart.getTime() + windowSeconds * 1000 - now.getTime()) / 1000)));
    },
    async count(key, windowSeconds) {
      const now = clock.now();
      const windowStart = new Date(Math.floor(now.getTime() / (windowSeconds * 1000)) * windowSeconds * 1000);
      const bucket = await findBucket(prisma, key);
      return bucket && bucket.windowStart.getTime() === windowStart.getTime() ? bucket.count : 0;
    },
  };
}
