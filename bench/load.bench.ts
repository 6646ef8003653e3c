/**
 * Acknowledgement under load: with 100 000 users in the store, an export and a scheduler pass over
 * 10 000 due invites run while `/users list` arrives 4 times a second; how long Slack waits for each
 * acknowledgement, on the embedded store and on PostgreSQL side by side. Then the memory of a
 * fresh Roster process opening that embedded store, idle and during an export.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startChild } from '../test/support/child-process';
import { OWNER, startHarness } from '../test/support/roster-harness';
import type { TargetName } from '../test/support/test-database';
import { type BenchRow, percentile } from './bench-row';
import { seedUsers } from './seed-bench';

const USERS = 90_000;
const DUE = 10_000;
const RATE_PER_SECOND = 4;
const MIN_SECONDS = 30;

interface LoadResult {
  samples: number;
  p50: number;
  p99: number;
  max: number;
  over3s: number;
  longestHoldMs?: number;
  longestSql?: string;
  holdsOver200Ms?: number;
  dataDir: string;
}

async function underLoad(target: TargetName): Promise<LoadResult> {
  const h = await startHarness(
    target,
    // The pass is started by hand; node-cron's own (every 5 min) must not share its work.
    { SEAT_LIMIT: '1000000', NOTICES_CHANNEL: 'C0NOTICES', LOG_LEVEL: 'warn', CRON_SCHEDULE: '0 0 1 1 *' },
    { onDisk: target === 'embedded' },
  );
  const now = h.clock.now().getTime();
  const hours = (n: number) => new Date(now + n * 3_600_000);
  await seedUsers(h.roster, USERS);
  await seedUsers(h.roster, DUE, {
    status: 'invited',
    prefix: 'due',
    invite: () => ({ sentAt: hours(-49), expiresAt: hours(-1) }),
  });
  await h.roster.prisma.invite.updateMany({ data: { resendCount: 1 } });
  await h.roster.database.embedded?.stats(true);

  const actor = await h.roster.services.access.actorForUserId(
    (await h.roster.prisma.account.findFirstOrThrow()).ownerId as string,
    'command',
  );
  const dir = await mkdtemp(path.join(tmpdir(), 'roster-bench-'));
  const started = performance.now();
  const background = Promise.all([
    h.roster.services.exports.writeCsv(actor, path.join(dir, 'users.csv')),
    h.roster.scheduler.runOnce(),
  ]);
  let done = false;
  void background.then(() => {
    done = true;
  });
  const latencies: number[] = [];
  const inFlight: Promise<void>[] = [];
  while (!done || performance.now() - started < MIN_SECONDS * 1000) {
    const sent = performance.now();
    inFlight.push(
      h.slack.command(OWNER.slackId, 'list').then(({ status }) => {
        if (status !== 200) throw new Error(`list answered ${status}`);
        latencies.push(performance.now() - sent);
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, 1000 / RATE_PER_SECOND));
  }
  await Promise.all(inFlight);
  const [exported, pass] = await background;
  if (exported !== USERS + DUE + 1 || pass.expired !== DUE)
    throw new Error(`unexpected background work: ${exported}, ${JSON.stringify(pass)}`);
  const after = await h.roster.database.embedded?.stats();
  await rm(dir, { recursive: true, force: true });
  const dataDir = h.dataDir;
  // Keep the embedded store on disk for the memory probe; PostgreSQL's database is dropped.
  await h.close();
  return {
    samples: latencies.length,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    max: Math.max(...latencies),
    over3s: latencies.filter((ms) => ms > 3000).length,
    longestHoldMs: after?.longestMs,
    longestSql: after?.longestSql,
    holdsOver200Ms: after?.over200Ms,
    dataDir,
  };
}

/** A fresh process opens the store and exports: its RSS idle and at its peak (whole process, store included). */
async function memory(dataDir: string): Promise<{ idle: number; peak: number; exported: number }> {
  // The same Node flags as `npm start` (package.json).
  const probe = startChild('bench/children/memory-probe.ts', [dataDir], {}, ['--max-semi-space-size=2']);
  if ((await probe.exited) !== 0) throw new Error(`memory probe failed: ${probe.stderr()}`);
  return JSON.parse(probe.stdout().trim().split('\n').at(-1) as string);
}

export async function run(): Promise<BenchRow[]> {
  const embedded = await underLoad('embedded');
  const postgres = process.env.TEST_POSTGRES_URL ? await underLoad('postgres') : undefined;
  const memoryUse = await memory(embedded.dataDir);
  await rm(embedded.dataDir, { recursive: true, force: true });
  const row = (measure: string, pick: (r: LoadResult) => number, digits = 0): BenchRow => ({
    benchmark: 'acknowledgement under load (100 000 users; export + scheduler pass over 10 000 due invites)',
    measure,
    value: pick(embedded).toFixed(digits),
    baseline: postgres ? pick(postgres).toFixed(digits) : 'set TEST_POSTGRES_URL',
    ratio: postgres ? `${(pick(embedded) / Math.max(pick(postgres), 1e-9)).toFixed(2)}×` : undefined,
    notes: 'Roster = embedded store; baseline = PostgreSQL, same run',
  });
  return [
    {
      ...row('`/users list` acks sent', (r) => r.samples),
      notes: `${RATE_PER_SECOND}/s while the work runs (at least ${MIN_SECONDS} s)`,
    },
    row('ack p50 (ms)', (r) => r.p50, 1),
    { ...row('ack p99 (ms)', (r) => r.p99, 1), notes: 'goal on the embedded store: ≤ 1000 ms' },
    row('ack max (ms)', (r) => r.max, 1),
    { ...row('acks over 3 s', (r) => r.over3s), notes: 'goal: 0 (Slack gives up at 3 s)' },
    {
      benchmark: 'embedded store: longest single hold of the store',
      measure: 'ms (units over 200 ms)',
      value: `${embedded.longestHoldMs?.toFixed(0)} (${embedded.holdsOver200Ms})`,
      notes: `a unit = one statement or one extended-protocol run to its Sync, during the scenario above (seeding excluded); longest: \`${embedded.longestSql}\``,
    },
    {
      benchmark: `embedded store, ${USERS + DUE + 1} users on disk: a fresh Roster process`,
      measure: 'peak RSS during an export (MiB)',
      value: String(memoryUse.peak),
      baseline: String(memoryUse.idle),
      ratio: `+${memoryUse.peak - memoryUse.idle} MiB`,
      notes: `baseline = the same process idle after start; whole process, store thread included; goals ≤ 512 MiB and export growth ≤ 64 MiB; ${memoryUse.exported} rows exported`,
    },
  ];
}
