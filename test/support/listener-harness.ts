/**
 * The listener tier: the real Roster (built by `buildRoster`, as in main.ts) on a fresh store, with
 * correctly signed Slack requests handed to its HTTP handler in this process, so they go through
 * Bolt's receiver (signature check, parsing, acknowledgement) and the real `App` and listeners,
 * without a server, port or connection per suite. Slack's Web API stays a fake on loopback: it is
 * the edge. What needs the wire (ack deadlines, OAuth, processes, crashes) stays in test/e2e.
 */

import { inProcessFetch } from './in-process-http';
import type { Harness } from './roster-harness';
import { buildTestRoster, harnessConfig, SIGNING_SECRET } from './roster-harness';
import { createSlackClient } from './slack-client';
import type { TargetName } from './test-database';

export { OWNER, SIGNING_SECRET } from './roster-harness';

/** Where the in-process handler pretends to be; `fetch` reaches only it. */
const ORIGIN = 'http://roster.in-process';

export interface ListenerHarness extends Harness {
  /** A `fetch` for `${baseUrl}/…` that goes to Roster's HTTP handler in process. */
  fetch: typeof fetch;
}

/** Like `startHarness`, but nothing listens: requests reach Roster in process (see above). */
export async function startListenerHarness(
  target: TargetName = 'embedded',
  env: Record<string, string> = {},
): Promise<ListenerHarness> {
  const { fake, database, dataDir, config } = await harnessConfig(target, env, {});
  try {
    const { roster, clock, logs } = await buildTestRoster(config);
    const fetch = inProcessFetch(roster.http, ORIGIN);
    const slack = createSlackClient({
      appUrl: `${ORIGIN}/slack/events`,
      signingSecret: SIGNING_SECRET,
      teamId: fake.teamId,
      fake,
      fetch,
    });
    return {
      roster,
      fake,
      slack,
      clock,
      baseUrl: ORIGIN,
      dataDir,
      logs,
      fetch,
      async close() {
        await roster.stop();
        await fake.close();
        await database.drop();
      },
    };
  } catch (error) {
    await fake.close();
    await database.drop();
    throw error;
  }
}
