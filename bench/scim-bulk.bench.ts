/**
 * SCIM `/Bulk` (issue 23 item 9) as an identity provider's first sync could use it: 10 000 users
 * created by `POST /scim/v2/Bulk` requests of 1 000 POST /Users operations each, one request at a
 * time (users/s), next to the same number of users created by single `POST /Users` at 8 in flight in
 * the same run, on the embedded store and on PostgreSQL (`TEST_POSTGRES_URL`). `BENCH_SCIM_USERS`
 * shrinks the size for a quick try.
 */
import { startHarness } from '../test/support/roster-harness';
import { issueScimToken } from '../test/support/scim-client';
import type { TargetName } from '../test/support/test-database';
import { type BenchRow, ratio } from './bench-row';
import { postUsersInFlight } from './scim-load';

const PROVISIONED = Number(process.env.BENCH_SCIM_USERS ?? 10_000);
const PER_REQUEST = 1_000;
const IN_FLIGHT = 8;
const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const BULK_REQUEST = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';

const userOf = (prefix: string, i: number) => ({
  schemas: [USER],
  userName: `${prefix}${i}@example.com`,
  externalId: `${prefix}-${i}`,
  name: { givenName: 'Scim', familyName: `User ${i}` },
  emails: [{ value: `${prefix}${i}@example.com`, type: 'work', primary: true }],
  active: true,
});

async function provisioning(target: TargetName): Promise<{ bulk: number; single: number; perRequestMs: number }> {
  const h = await startHarness(target, { SEAT_LIMIT: '1000000', LOG_LEVEL: 'warn', CRON_SCHEDULE: '0 0 1 1 *' });
  const token = await issueScimToken(h);
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' };
  const indexes = Array.from({ length: PROVISIONED }, (_, i) => i);

  const single = await postUsersInFlight(h, token, 'single', PROVISIONED, IN_FLIGHT);

  const t = performance.now();
  let requests = 0;
  for (let start = 0; start < PROVISIONED; start += PER_REQUEST) {
    const Operations = indexes
      .slice(start, start + PER_REQUEST)
      .map((i) => ({ method: 'POST', path: '/Users', bulkId: `u${i}`, data: userOf('bulk', i) }));
    const response = await fetch(`${h.baseUrl}/scim/v2/Bulk`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ schemas: [BULK_REQUEST], Operations }),
    });
    const body = (await response.json()) as { Operations?: Array<{ status: string }> };
    const created = body.Operations?.filter((o) => o.status === '201').length;
    if (response.status !== 200 || created !== Operations.length)
      throw new Error(`Bulk answered ${response.status}, ${created} of ${Operations.length} created`);
    requests += 1;
  }
  const bulkSeconds = (performance.now() - t) / 1000;
  await h.close();
  return {
    bulk: PROVISIONED / bulkSeconds,
    single,
    perRequestMs: (bulkSeconds * 1000) / requests,
  };
}

export async function run(): Promise<BenchRow[]> {
  const targets: TargetName[] = process.env.TEST_POSTGRES_URL ? ['embedded', 'postgres'] : ['embedded'];
  const rows: BenchRow[] = [];
  for (const target of targets) {
    const store = target === 'embedded' ? 'embedded store' : 'PostgreSQL';
    const made = await provisioning(target);
    rows.push({
      benchmark: `SCIM /Bulk provisioning, ${PROVISIONED} users (${store})`,
      measure: 'users/s',
      value: made.bulk.toFixed(0),
      baseline: made.single.toFixed(0),
      ratio: ratio(made.bulk, made.single),
      notes: `POST /scim/v2/Bulk of ${PER_REQUEST} POST /Users operations, one request at a time (${made.perRequestMs.toFixed(0)} ms per request); baseline = the same number of single POST /Users at ${IN_FLIGHT} in flight, same run`,
    });
  }
  if (!process.env.TEST_POSTGRES_URL)
    rows.push({ benchmark: 'SCIM /Bulk (PostgreSQL)', measure: '—', value: 'set TEST_POSTGRES_URL' });
  return rows;
}
