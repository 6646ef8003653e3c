/**
 * The playground's clock: real time plus however far the page fast-forwarded, so that the scheduler's
 * reminders and expiries can be seen without waiting days.
 */
import type { Clock } from '../domain/clock';

export function createPlaygroundClock(): Clock & { advance(ms: number): void; readonly aheadMs: number } {
  let aheadMs = 0;
  return {
    now: () => new Date(Date.now() + aheadMs),
    advance(ms: number) {
      aheadMs += ms;
    },
    get aheadMs() {
      return aheadMs;
    },
  };
}
