/**
 * Acknowledgement of `/users list` through the real Roster app (signature check, ack, then the
 * work) against a bare Bolt app on the same receiver that only acknowledges.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, ExpressReceiver } from '@slack/bolt';
import { OWNER, startHarness } from '../test/support/roster-harness';
import { createSlackClient } from '../test/support/slack-client';
import { type BenchRow, percentile, ratio } from './bench-row';

const TOTAL = 2000;
const CONCURRENCY = 16;

async function load(send: () => Promise<{ status: number }>): Promise<{ perSecond: number; p99: number }> {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next++ < TOTAL) {
        const t = performance.now();
        const { status } = await send();
        if (status !== 200) throw new Error(`unexpected status ${status}`);
        latencies.push(performance.now() - t);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return { perSecond: TOTAL / seconds, p99: percentile(latencies, 99) };
}

export async function run(): Promise<BenchRow[]> {
  const h = await startHarness('embedded', { LOG_LEVEL: 'warn' });
  const fake = h.fake;
  const bareReceiver = new ExpressReceiver({ signingSecret: 'bench-secret-0123456789' });
  const bare = new App({ token: 'xoxb-bench', receiver: bareReceiver, clientOptions: { slackApiUrl: fake.url } });
  bare.command('/users', async ({ ack }) => {
    await ack();
  });
  const server = (await bare.start(0)) as Server;
  const bareClient = createSlackClient({
    appUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`,
    signingSecret: 'bench-secret-0123456789',
    teamId: fake.teamId,
    fake,
  });
  // Warm both up, then measure the baseline first and Roster second.
  await load(() => bareClient.command(OWNER.slackId, 'list'));
  await load(() => h.slack.command(OWNER.slackId, 'list'));
  const baseline = await load(() => bareClient.command(OWNER.slackId, 'list'));
  const roster = await load(() => h.slack.command(OWNER.slackId, 'list'));
  await bare.stop();
  await h.close();
  return [
    {
      benchmark: '`/users list` acknowledgement',
      measure: 'throughput (req/s)',
      value: roster.perSecond.toFixed(0),
      baseline: baseline.perSecond.toFixed(0),
      ratio: ratio(roster.perSecond, baseline.perSecond),
      notes: `${TOTAL} signed requests, ${CONCURRENCY} in flight; baseline = bare Bolt app that only acks`,
    },
    {
      benchmark: '`/users list` acknowledgement',
      measure: 'p99 latency (ms)',
      value: roster.p99.toFixed(1),
      baseline: baseline.p99.toFixed(1),
      ratio: ratio(roster.p99, baseline.p99),
      notes: 'Roster also runs the list and posts to response_url after acking',
    },
  ];
}
