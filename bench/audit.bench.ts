/**
 * The audit API on PostgreSQL (`TEST_POSTGRES_URL`): an account's 1 000 000-event trail (`BENCH_AUDIT_EVENTS`)
 * read in one pass as NDJSON over HTTP, next to a plain keyset SELECT of the same rows and columns in
 * the same run, with peak RSS; and what the trigger that numbers each event in commit order costs a
 * writer of one event per transaction (as the SCIM path writes), next to the same insert without it.
 */
import { randomBytes } from 'node:crypto';
import { hashToken } from '../src/domain/secrets';
import { lockAccount } from '../src/store/tx';
import { type Harness, OWNER, startHarness } from '../test/support/roster-harness';
import { type BenchRow, ratio, sampleMemory } from './bench-row';

const EVENTS = Number(process.env.BENCH_AUDIT_EVENTS ?? 1_000_000);
const WRITES = 2000;
const TRIGGER = '"AuditEvent_account_sequence"';

/** `count` events numbered 1…count, inserted with the numbering trigger off (a bulk load, not a writer). */
async function seedEvents(h: Harness, count: number): Promise<void> {
  const { prisma, accountId } = h.roster;
  const base = (await prisma.account.findUniqueOrThrow({ where: { id: accountId }, select: { auditSeq: true } })).auditSeq;
  await prisma.$executeRawUnsafe(`ALTER TABLE "AuditEvent" DISABLE TRIGGER ${TRIGGER}`);
  try {
    for (let start = 1; start <= count; start += 100_000) {
      const end = Math.min(count, start + 99_999);
      await prisma.$executeRaw`
        INSERT INTO "AuditEvent" ("id", "accountId", "at", "actorUserId", "actorEmail", "action", "targetUserId",
          "targetEmail", "targetName", "before", "after", "source", "accountSeq")
        SELECT gen_random_uuid()::text, ${accountId}, now() - make_interval(secs => ${count} - g), NULL, 'okta@example.com',
          (ARRAY['user.created', 'user.updated', 'user.deactivated', 'role.granted'])[1 + g % 4], NULL,
          'user' || (g % 50000) || '@example.com', 'User ' || (g % 50000),
          jsonb_build_object('status', 'active', 'roles', jsonb_build_array('viewer')),
          jsonb_build_object('status', 'disabled', 'roles', jsonb_build_array('viewer', 'editor')), 'scim', ${base} + g
        FROM generate_series(${start}::bigint, ${end}::bigint) AS g`;
    }
  } finally {
    await prisma.$executeRawUnsafe(`ALTER TABLE "AuditEvent" ENABLE TRIGGER ${TRIGGER}`);
  }
  await prisma.$executeRaw`UPDATE "Account" SET "auditSeq" = ${base} + ${count}::bigint WHERE "id" = ${accountId}`;
  await prisma.$executeRawUnsafe('ANALYZE "AuditEvent"');
}

// Without the trigger the numbers are given by hand, far above the others (the index is unique).
let handNumbered = 1n << 40n;

/** Milliseconds for `count` transactions that each lock the account and insert one event; `numbered`: by the trigger. */
async function oneEventWrites(h: Harness, numbered: boolean, count: number): Promise<number> {
  const { prisma, accountId } = h.roster;
  if (!numbered) await prisma.$executeRawUnsafe(`ALTER TABLE "AuditEvent" DISABLE TRIGGER ${TRIGGER}`);
  const start = performance.now();
  try {
    for (let i = 0; i < count; i += 1) {
      handNumbered += 1n;
      const seq = numbered ? 0n : handNumbered;
      await prisma.$transaction(async (tx) => {
        await lockAccount(tx, accountId);
        await tx.$executeRaw`INSERT INTO "AuditEvent" ("id", "accountId", "action", "source", "accountSeq")
          VALUES (gen_random_uuid()::text, ${accountId}, 'user.updated', 'scim', ${seq})`;
      });
    }
  } finally {
    if (!numbered) await prisma.$executeRawUnsafe(`ALTER TABLE "AuditEvent" ENABLE TRIGGER ${TRIGGER}`);
  }
  return performance.now() - start;
}

export async function run(): Promise<BenchRow[]> {
  if (!process.env.TEST_POSTGRES_URL) {
    return [{ benchmark: 'audit API (PostgreSQL)', measure: '—', value: 'set TEST_POSTGRES_URL' }];
  }
  const h = await startHarness('postgres', { LOG_LEVEL: 'warn' });
  try {
    const { prisma, accountId } = h.roster;
    const key = `rk_${randomBytes(24).toString('base64url')}`;
    const owner = await prisma.user.findFirstOrThrow({ where: { accountId, email: OWNER.email } });
    await prisma.apiKey.create({ data: { accountId, userId: owner.id, prefix: key.slice(0, 8), keyHash: hashToken(key) } });
    await seedEvents(h, EVENTS);
    const total = await prisma.auditEvent.count({ where: { accountId } });

    // Baseline: the same rows and columns in keyset pages of 5 000, straight from the store.
    const plainStart = performance.now();
    let after = 0n;
    let plainRows = 0;
    for (;;) {
      const page = await prisma.$queryRaw<{ accountSeq: bigint }[]>`
        SELECT "accountSeq", "id", "at", "action", "actorUserId", "actorEmail", "actorSlackId", "targetUserId",
          "targetEmail", "targetName", "before", "after", "source", "clientAddress"
        FROM "AuditEvent" WHERE "accountId" = ${accountId} AND "accountSeq" > ${after} ORDER BY "accountSeq" LIMIT 5000`;
      plainRows += page.length;
      if (page.length < 5000) break;
      after = page.at(-1)?.accountSeq as bigint;
    }
    const plainMs = performance.now() - plainStart;

    const rssBefore = Math.round(process.memoryUsage().rss / 1024 / 1024);
    const memory = sampleMemory();
    const start = performance.now();
    const res = await fetch(`${h.baseUrl}/api/v1/audit`, {
      headers: { authorization: `Bearer ${key}`, accept: 'application/x-ndjson' },
    });
    if (res.status !== 200 || !res.body) throw new Error(`audit stream answered ${res.status}`);
    let lines = 0;
    let bytes = 0;
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      bytes += chunk.length;
      for (const byte of chunk) if (byte === 10) lines += 1;
    }
    const streamMs = performance.now() - start;
    const peak = memory.stop();
    if (lines !== total || plainRows !== total) throw new Error(`streamed ${lines}, read ${plainRows} of ${total}`);

    // In alternating rounds, so that a busy neighbour slows both alike.
    let withTrigger = 0;
    let without = 0;
    for (let round = 0; round < 4; round += 1) {
      withTrigger += await oneEventWrites(h, true, WRITES / 4);
      without += await oneEventWrites(h, false, WRITES / 4);
    }
    const perSecond = (ms: number) => Math.round(total / (ms / 1000));
    const benchmark = `audit trail of ${total} events, NDJSON (PostgreSQL)`;
    return [
      {
        benchmark,
        measure: 'events/s',
        value: String(perSecond(streamMs)),
        baseline: String(perSecond(plainMs)),
        ratio: ratio(perSecond(streamMs), perSecond(plainMs)),
        notes: `target ≥ 20 000 events/s; baseline = the same rows read in keyset pages of 5 000 with no JSON or HTTP; ${(bytes / 1024 / 1024).toFixed(0)} MiB sent`,
      },
      {
        benchmark,
        measure: 'peak RSS (MiB)',
        value: String(peak),
        baseline: String(rssBefore),
        ratio: ratio(peak, rssBefore),
        notes: 'baseline = RSS just before the stream (server and reading client in this one process)',
      },
      {
        benchmark: `${WRITES} transactions of one audit event (PostgreSQL)`,
        measure: 'time (ms)',
        value: withTrigger.toFixed(0),
        baseline: without.toFixed(0),
        ratio: ratio(withTrigger, without),
        notes: 'each locks the account (as a change does) and inserts one event; baseline = numbering trigger off',
      },
    ];
  } finally {
    await h.close();
  }
}
