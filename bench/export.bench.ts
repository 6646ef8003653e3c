/** Export of 100 000 users (streamed CSV to a file), next to a plain keyset SELECT of the same rows. */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startHarness } from '../test/support/roster-harness';
import { type BenchRow, ratio, sampleMemory } from './bench-row';
import { seedUsers } from './seed-bench';

const USERS = 100_000;

export async function run(): Promise<BenchRow[]> {
  const h = await startHarness('embedded', { SEAT_LIMIT: '1000000', LOG_LEVEL: 'warn' });
  await seedUsers(h.roster, USERS);
  const actor = await h.roster.services.access.actorForUserId(
    (await h.roster.prisma.account.findFirstOrThrow()).ownerId as string,
    'command',
  );
  const dir = await mkdtemp(path.join(tmpdir(), 'roster-bench-'));

  const plainStart = performance.now();
  let after = '';
  let rows = 0;
  for (;;) {
    const page = await h.roster.prisma.$queryRaw<
      { id: string }[]
    >`SELECT "id", "email", "name", "status", "lastLoginAt", "createdAt" FROM "User" WHERE "id" > ${after} ORDER BY "id" LIMIT 1000`;
    rows += page.length;
    if (page.length < 1000) break;
    after = page.at(-1)?.id as string;
  }
  const plainMs = performance.now() - plainStart;

  const rssBefore = Math.round(process.memoryUsage().rss / 1024 / 1024);
  const memory = sampleMemory();
  const start = performance.now();
  const file = path.join(dir, 'users.csv');
  const count = await h.roster.services.exports.writeCsv(actor, file);
  const exportMs = performance.now() - start;
  const peak = memory.stop();
  const size = (await stat(file)).size;
  await rm(dir, { recursive: true, force: true });
  await h.close();
  if (count !== rows) throw new Error(`exported ${count} of ${rows}`);
  return [
    {
      benchmark: `export of ${count} users`,
      measure: 'time (ms)',
      value: exportMs.toFixed(0),
      baseline: plainMs.toFixed(0),
      ratio: ratio(exportMs, plainMs),
      notes: `baseline = the same rows read in keyset pages without roles, groups or CSV; file ${(size / 1024 / 1024).toFixed(1)} MiB`,
    },
    {
      benchmark: `export of ${count} users`,
      measure: 'peak RSS (MiB)',
      value: String(peak),
      baseline: String(rssBefore),
      ratio: ratio(peak, rssBefore),
      notes:
        'baseline = RSS just before the export (the embedded PostgreSQL already holds the 100 000 users); the CSV is streamed to disk',
    },
  ];
}
