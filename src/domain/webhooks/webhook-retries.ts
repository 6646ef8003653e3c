/**
 * When a failed delivery is tried again: 5 s, 30 s, 2 min and 10 min after the first failures, then
 * twice as long each time, for 24 hours from the first failure; an attempt that fails after that
 * pauses the endpoint. The last wait is cut short so that one attempt falls at the 24-hour mark.
 */

/** Waits after the 1st, 2nd, 3rd and 4th failure; later ones double the last. */
const FIRST_WAITS_MS = [5_000, 30_000, 120_000, 600_000];

/** How long an endpoint may keep failing before it is paused. */
export const GIVE_UP_AFTER_MS = 24 * 60 * 60_000;

/** The wait after the `failures`-th failure in a row (1 for the first). */
export function retryWait(failures: number): number {
  const index = Math.max(1, failures) - 1;
  const known = FIRST_WAITS_MS[index];
  if (known !== undefined) return known;
  const last = FIRST_WAITS_MS[FIRST_WAITS_MS.length - 1] as number;
  return last * 2 ** (index - FIRST_WAITS_MS.length + 1);
}

/** After a failure at `now` of an endpoint failing since `failingSince`: paused, or the time of the next attempt. */
export function afterFailure(failures: number, failingSince: Date, now: Date): { pause: true } | { pause: false; next: Date } {
  const deadline = failingSince.getTime() + GIVE_UP_AFTER_MS;
  if (now.getTime() >= deadline) return { pause: true };
  return { pause: false, next: new Date(Math.min(now.getTime() + retryWait(failures), deadline)) };
}
