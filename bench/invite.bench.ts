/**
 * A 50-address invite through the real app (command → validation → one transaction → 50
 * deliveries → answer) next to the bare insert of the same 50 users in one statement.
 */
import { OWNER, startHarness } from '../test/support/roster-harness';
import { type BenchRow, percentile, ratio } from './bench-row';

const ROUNDS = 15;

export async function run(): Promise<BenchRow[]> {
  const h = await startHarness('embedded', { SEAT_LIMIT: '100000', LOG_LEVEL: 'warn' });
  const roster: number[] = [];
  const baseline: number[] = [];
  for (let round = 0; round < ROUNDS + 2; round++) {
    const emails = Array.from({ length: 50 }, (_, i) => `r${round}-${i}@example.com`);
    let t = performance.now();
    const answer = await h.slack.commandAndWait(OWNER.slackId, `invite ${emails.join(' ')}`, 30_000);
    if (!String(answer.text).includes('Invited 50 people')) throw new Error(String(answer.text));
    const inviteMs = performance.now() - t;
    t = performance.now();
    await h.roster.prisma.user.createMany({
      data: emails.map((email) => ({ accountId: h.roster.accountId, email: `plain-${email}`, status: 'invited' as const })),
    });
    const plainMs = performance.now() - t;
    if (round >= 2) {
      roster.push(inviteMs);
      baseline.push(plainMs);
    }
  }
  await h.close();
  const median = (xs: number[]) => percentile(xs, 50);
  return [
    {
      benchmark: '50-address invite',
      measure: 'median time (ms)',
      value: median(roster).toFixed(1),
      baseline: median(baseline).toFixed(1),
      ratio: ratio(median(roster), median(baseline)),
      notes: `${ROUNDS} rounds through the real app, DM lookups and .eml outbox included; baseline = one INSERT of 50 users`,
    },
  ];
}
