/**
 * What the SCIM benchmarks share: `POST /Users` at some number in flight, sent from a worker thread
 * (children/scim-post-load.mjs, over node:http) as an identity provider would send them from another machine, whose
 * HTTP client would otherwise take its CPU from Roster's own event loop.
 */
import { Worker } from 'node:worker_threads';
import type { Harness } from '../test/support/roster-harness';

/** Users/s of `count` SCIM creates named `<prefix><i>@example.com`, `inFlight` at a time. */
export async function postUsersInFlight(
  h: Harness,
  token: string,
  prefix: string,
  count: number,
  inFlight: number,
): Promise<number> {
  const worker = new Worker(new URL('./children/scim-post-load.mjs', import.meta.url), {
    workerData: { url: `${h.baseUrl}/scim/v2/Users`, token, prefix, count, inFlight },
  });
  const outcome = await new Promise<{ ms?: number; error?: string }>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  await worker.terminate();
  if (outcome.error !== undefined || outcome.ms === undefined) throw new Error(outcome.error ?? 'the load worker stopped');
  return count / (outcome.ms / 1000);
}
