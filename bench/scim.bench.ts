/**
 * SCIM provisioning as an identity provider's first sync does it: 10 000 users created by
 * `POST /scim/v2/Users` at 8 in flight (users/s and seconds, next to the same number of plain single-row
 * inserts at 8 in flight), and `GET /Users?filter=userName eq "…"` against 100 000 users (p99, next to a
 * plain lookup of the address), on the embedded store and on PostgreSQL (`TEST_POSTGRES_URL`). Whether a
 * change costs what it touches, not the directory's size: creates (sequential, and at 8 in flight) and
 * `/users roles` changes in a directory of 100 000 users, each next to the same in a small one, same run.
 * `BENCH_SCIM_USERS` / `BENCH_SCIM_DIRECTORY` shrink the sizes for a quick try.
 */
import { randomUUID } from 'node:crypto';
import { forEachLimited } from '../src/domain/for-each-limited';
import { type Harness, OWNER, startHarness } from '../test/support/roster-harness';
import { issueScimToken } from '../test/support/scim-client';
import type { TargetName } from '../test/support/test-database';
import { type BenchRow, percentile, ratio } from './bench-row';
import { postUsersInFlight } from './scim-load';
import { seedUsers } from './seed-bench';

const PROVISIONED = Number(process.env.BENCH_SCIM_USERS ?? 10_000);
const DIRECTORY = Number(process.env.BENCH_SCIM_DIRECTORY ?? 100_000);
const IN_FLIGHT = 8;
const LOOKUPS = 1_000;
const CREATES = 200;
/** Creates at 8 in flight into the small and into the full directory. */
const FLIGHT_CREATES = Math.min(1_000, PROVISIONED);
/** `/users roles` commands in the small and in the full directory. */
const ROLE_CHANGES = 100;
/** The small directory: this many users besides the owner. */
const SMALL = 100;
const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';

async function provisioning(target: TargetName): Promise<{ scim: number; plain: number }> {
  const h = await startHarness(target, { SEAT_LIMIT: '1000000', LOG_LEVEL: 'warn', CRON_SCHEDULE: '0 0 1 1 *' });
  const token = await issueScimToken(h);
  const indexes = Array.from({ length: PROVISIONED }, (_, i) => i);
  const scimRate = await flightRate(h, token, 'scim', PROVISIONED);
  const t = performance.now();
  await forEachLimited(indexes, IN_FLIGHT, async (i) => {
    await h.roster.prisma.user.create({
      data: { id: randomUUID(), accountId: h.roster.accountId, email: `plain${i}@example.com`, status: 'active' },
    });
  });
  const plainSeconds = (performance.now() - t) / 1000;
  await h.close();
  return { scim: scimRate, plain: PROVISIONED / plainSeconds };
}

/** Mean milliseconds of `count` sequential SCIM creates named `prefix…`. */
async function createsMs(h: Harness, token: string, prefix: string, count: number): Promise<number> {
  const t = performance.now();
  for (let i = 0; i < count; i++) {
    const response = await fetch(`${h.baseUrl}/scim/v2/Users`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' },
      body: JSON.stringify({ schemas: [USER], userName: `${prefix}${i}@example.com`, active: true }),
    });
    if (response.status !== 201) throw new Error(`POST answered ${response.status}: ${await response.text()}`);
  }
  return (performance.now() - t) / count;
}

/** Users/s of `count` SCIM creates named `prefix…` at 8 in flight (scim-load.ts). */
const flightRate = (h: Harness, token: string, prefix: string, count: number) =>
  postUsersInFlight(h, token, prefix, count, IN_FLIGHT);

/** Mean milliseconds of `count` sequential `/users roles <email> ±editor` commands by the owner on the `small…` users. */
async function roleChangesMs(h: Harness, count: number): Promise<number> {
  const t = performance.now();
  for (let i = 0; i < count; i++) {
    const email = `small${i % SMALL}@example.com`;
    // Each user gets +editor in the first pass over them and loses it in the next.
    const sign = Math.floor(i / SMALL) % 2 === 0 ? '+' : '-';
    const body = await h.slack.commandAndWait(OWNER.slackId, `roles ${email} ${sign}editor`);
    if (!/editor|Roles of/i.test(String(body.text))) throw new Error(`roles answered: ${body.text}`);
  }
  return (performance.now() - t) / count;
}

interface Directory {
  scim: number;
  plain: number;
  createFull: number;
  createEmpty: number;
  flightFull: number;
  flightEmpty: number;
  rolesFull: number;
  rolesSmall: number;
}

async function filtering(target: TargetName): Promise<Directory> {
  const h = await startHarness(target, { SEAT_LIMIT: '1000000', LOG_LEVEL: 'warn', CRON_SCHEDULE: '0 0 1 1 *' });
  const token = await issueScimToken(h);
  // The directory's rules must cost what a change touches, not the directory's size.
  await seedUsers(h.roster, SMALL, { prefix: 'small' });
  const rolesSmall = await roleChangesMs(h, ROLE_CHANGES);
  const createEmpty = await createsMs(h, token, 'before', CREATES);
  const flightEmpty = await flightRate(h, token, 'early', FLIGHT_CREATES);
  await seedUsers(h.roster, DIRECTORY);
  const createFull = await createsMs(h, token, 'after', CREATES);
  const flightFull = await flightRate(h, token, 'late', FLIGHT_CREATES);
  const rolesFull = await roleChangesMs(h, ROLE_CHANGES);
  const picks = Array.from({ length: LOOKUPS + 20 }, (_, i) => `bench${(i * 7919) % DIRECTORY}@example.com`);
  const scim: number[] = [];
  const plain: number[] = [];
  for (const [i, email] of picks.entries()) {
    // Mixed case, as identity providers send it; userName compares case-insensitively.
    const filter = encodeURIComponent(`userName eq "${email.toUpperCase()}"`);
    let t = performance.now();
    const response = await fetch(`${h.baseUrl}/scim/v2/Users?filter=${filter}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const body = (await response.json()) as { totalResults?: number };
    if (response.status !== 200 || body.totalResults !== 1) throw new Error(`filter answered ${response.status}`);
    const scimMs = performance.now() - t;
    t = performance.now();
    await h.roster.prisma.user.findUnique({ where: { accountId_email: { accountId: h.roster.accountId, email } } });
    const plainMs = performance.now() - t;
    if (i >= 20) {
      scim.push(scimMs);
      plain.push(plainMs);
    }
  }
  await h.close();
  return {
    scim: percentile(scim, 99),
    plain: percentile(plain, 99),
    createFull,
    createEmpty,
    flightFull,
    flightEmpty,
    rolesFull,
    rolesSmall,
  };
}

export async function run(): Promise<BenchRow[]> {
  const targets: TargetName[] = process.env.TEST_POSTGRES_URL ? ['embedded', 'postgres'] : ['embedded'];
  const rows: BenchRow[] = [];
  for (const target of targets) {
    const store = target === 'embedded' ? 'embedded store' : 'PostgreSQL';
    const made = await provisioning(target);
    rows.push({
      benchmark: `SCIM provisioning, ${PROVISIONED} users (${store})`,
      measure: 'users/s',
      value: made.scim.toFixed(0),
      baseline: made.plain.toFixed(0),
      ratio: ratio(made.scim, made.plain),
      notes: `POST /scim/v2/Users at ${IN_FLIGHT} in flight through the change layer (account lock, seats, audit); baseline = the same number of single-row INSERTs at ${IN_FLIGHT} in flight`,
    });
    rows.push({
      benchmark: `SCIM first sync, ${PROVISIONED} people (${store})`,
      measure: 'seconds',
      value: (PROVISIONED / made.scim).toFixed(0),
      baseline: (PROVISIONED / made.plain).toFixed(1),
      ratio: ratio(made.plain, made.scim),
      notes:
        'the row above as the time an identity provider waits for its first sync (target: under a minute); baseline = the plain INSERTs',
    });
    const found = await filtering(target);
    rows.push({
      benchmark: `SCIM filter, ${DIRECTORY} users (${store})`,
      measure: 'p99 (ms)',
      value: found.scim.toFixed(1),
      baseline: found.plain.toFixed(1),
      ratio: ratio(found.scim, found.plain),
      notes: `${LOOKUPS} sequential GET /Users?filter=userName eq "…" (upper-cased address); baseline = findUnique on the address`,
    });
    rows.push({
      benchmark: `SCIM create in a ${DIRECTORY}-user directory (${store})`,
      measure: 'ms per create',
      value: found.createFull.toFixed(1),
      baseline: found.createEmpty.toFixed(1),
      ratio: ratio(found.createFull, found.createEmpty),
      notes: `${CREATES} sequential POST /Users; baseline = the same into a directory of ${SMALL} users, same run (the rules once counted the directory: ~1 s per create at 100 000 users)`,
    });
    rows.push({
      benchmark: `SCIM creates at ${IN_FLIGHT} in flight, ${DIRECTORY}-user directory (${store})`,
      measure: 'users/s',
      value: found.flightFull.toFixed(0),
      baseline: found.flightEmpty.toFixed(0),
      ratio: ratio(found.flightFull, found.flightEmpty),
      notes: `${FLIGHT_CREATES} POST /Users at ${IN_FLIGHT} in flight; baseline = the same into a directory of ${SMALL} users, same run (target: ≥ 150 users/s, within 1.5×)`,
    });
    rows.push({
      benchmark: `/users roles, ${DIRECTORY}-user directory (${store})`,
      measure: 'ms per change',
      value: found.rolesFull.toFixed(1),
      baseline: found.rolesSmall.toFixed(1),
      ratio: ratio(found.rolesFull, found.rolesSmall),
      notes: `${ROLE_CHANGES} sequential \`/users roles <email> ±editor\` commands (fake Slack, answered by response_url); baseline = the same in a directory of ${SMALL} users, same run (target: within 1.5×)`,
    });
  }
  if (!process.env.TEST_POSTGRES_URL) rows.push({ benchmark: 'SCIM (PostgreSQL)', measure: '—', value: 'set TEST_POSTGRES_URL' });
  return rows;
}
