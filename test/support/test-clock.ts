/** A clock tests move by hand. */
import type { Clock } from '../../src/domain/clock';

export interface TestClock extends Clock {
  set(date: Date): void;
  advanceHours(hours: number): void;
}

export function testClock(start = new Date('2026-11-22T12:00:00Z')): TestClock {
  let now = start.getTime();
  return {
    now: () => new Date(now),
    set: (date) => {
      now = date.getTime();
    },
    advanceHours: (hours) => {
      now += hours * 3_600_000;
    },
  };
}
