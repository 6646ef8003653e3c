/**
 * Many workspaces on PostgreSQL: 1 000 workspaces installed into one distributed Roster through Slack's
 * OAuth routes, then `/users list` from their owners chosen at random; next to the same number of
 * commands to one workspace in single-workspace mode, its directory as large, in the same run. Each command
 * is a signed request to the real HTTP receiver and counts as answered when its response_url post
 * reaches the fake Slack. Each Roster is a replica in a process of its own (children/replica.ts), so its
 * RSS is its own and the senders and the fake Slack take no time from its event loop.
 * `BENCH_WORKSPACES` / `BENCH_WORKSPACE_COMMANDS` shrink the sizes for a quick try.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { PAGE_SIZE } from '../src/domain/directory/directory-service';
import { forEachLimited } from '../src/domain/for-each-limited';
import { ADMIN_ROLE } from '../src/domain/roles/catalog';
import { openDatabase } from '../src/store/database';
import { ACCOUNT_CACHE_MS } from '../src/tenancy';
import { type FakeSlack, type RecordedResponse, startFakeSlack } from '../test/support/fake-slack';
import { OWNER, SIGNING_SECRET } from '../test/support/roster-harness';
import { createSlackClient, type SlackClient } from '../test/support/slack-client';
import { installWorkspace } from '../test/support/slack-install';
import { freshDatabaseUrl } from '../test/support/test-database';
import { type BenchRow, percentile, ratio } from './bench-row';
import type { ReplicaAnswer, ReplicaRequest } from './children/replica';
import { seedUsers } from './seed-bench';

const WORKSPACES = Number(process.env.BENCH_WORKSPACES ?? 1_000);
const COMMANDS = Number(process.env.BENCH_WORKSPACE_COMMANDS ?? 2_000);
const IN_FLIGHT = 8;
const INSTALLS_IN_FLIGHT = 4;
const WARM_UP = 100;
const ROUNDS = 4;
const ANSWER_TIMEOUT_MS = 30_000;
/** How long the fake Slack takes per call in the second pair of pass rows: Slack's Web API from afar. */
const SLACK_LATENCY_MS = 100;
const CLIENT = { id: '1111.2222', secret: 'bench-client-secret-0123' };
const ENV = {
  SEAT_LIMIT: '1000000',
  LOG_LEVEL: 'warn',
  CRON_SCHEDULE: '0 0 1 1 *',
  SLACK_SIGNING_SECRET: SIGNING_SECRET,
  PORT: '0',
  PUBLIC_URL: 'http://roster.test',
  // How many accounts a replica keeps (ACCOUNT_CACHE_SIZE); unset, the default.
  ...(process.env.BENCH_ACCOUNT_CACHE_SIZE && { ACCOUNT_CACHE_SIZE: process.env.BENCH_ACCOUNT_CACHE_SIZE }),
};
/** Node's flags for a replica, as `npm start` gives them (package.json). */
const REPLICA_NODE_FLAGS = ['--max-semi-space-size=2', '--disable-proto=throw', '--import', 'tsx'];

/** A replica running in its own process (children/replica.ts). */
interface Replica {
  baseUrl: string;
  /** One scheduler pass: its milliseconds. */
  pass(): Promise<number>;
  /** One scheduler pass: its milliseconds and how many invites it expired. */
  passDoing(): Promise<{ ms: number; expired: number; cpuMs: number }>;
  memory(): Promise<{ rssMiB: number; heapMiB: number }>;
  stop(): Promise<void>;
}

/** The bench's environment with the replica's settings over it, none of the deployment's own left. */
function replicaEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(
      ([name]) => !/^(SLACK_|ROSTER_|DATABASE_URL|DATA_DIR|OWNER_EMAIL|ACCOUNT_CACHE)/.test(name),
    ),
  );
  return { ...inherited, ...env };
}

async function startReplica(env: Record<string, string>): Promise<Replica> {
  const child: ChildProcess = fork('bench/children/replica.ts', [], {
    execArgv: REPLICA_NODE_FLAGS,
    env: replicaEnv(env),
  });
  const answer = <K extends ReplicaAnswer['kind']>(kind: K, request?: ReplicaRequest) =>
    new Promise<Extract<ReplicaAnswer, { kind: K }>>((resolve, reject) => {
      const exited = (code: number | null) => reject(new Error(`the replica exited (${code}) before answering ${kind}`));
      const heard = (message: ReplicaAnswer) => {
        if (message.kind !== kind) return;
        child.off('message', heard);
        child.off('exit', exited);
        resolve(message as Extract<ReplicaAnswer, { kind: K }>);
      };
      child.on('message', heard);
      child.once('exit', exited);
      if (request) child.send(request);
    });
  const { port } = await answer('started');
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    pass: async () => (await answer('pass', { kind: 'pass' })).ms,
    passDoing: () => answer('pass', { kind: 'pass' }),
    memory: () => answer('memory', { kind: 'memory' }),
    async stop() {
      await answer('stopped', { kind: 'stop' });
    },
  };
}

/** Who sends a command: a Slack user and the signed client of their workspace. */
interface Sender {
  userId: string;
  slack: SlackClient;
}

/** A fixed-seed generator (mulberry32), so both modes draw the same sequence of senders. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Resolves as each response_url post lands in the fake, rather than by waitFor's 10 ms polling,
 * so that latency is the app's and not the poll's.
 */
function answers(fake: FakeSlack): (responseId: string) => Promise<void> {
  const waiting = new Map<string, () => void>();
  const landed = new Set<string>();
  class Notifying extends Array<RecordedResponse> {
    override push(...items: RecordedResponse[]): number {
      for (const item of items) {
        const done = waiting.get(item.id);
        if (done) done();
        else landed.add(item.id);
      }
      return super.push(...items);
    }
  }
  fake.responses = new Notifying();
  return (responseId) =>
    new Promise((resolve, reject) => {
      if (landed.delete(responseId)) return resolve();
      const timer = setTimeout(() => reject(new Error(`no answer to ${responseId}`)), ANSWER_TIMEOUT_MS);
      waiting.set(responseId, () => {
        clearTimeout(timer);
        waiting.delete(responseId);
        resolve();
      });
    });
}

/** Latencies (ms) of `/users list` commands from `senders`, `IN_FLIGHT` at once, and how long they took. */
async function listLoad(mode: Mode, senders: Sender[]): Promise<{ latencies: number[]; seconds: number }> {
  const latencies: number[] = [];
  const started = performance.now();
  await forEachLimited(senders, IN_FLIGHT, async ({ userId, slack }) => {
    const sent = performance.now();
    const { status, responseId } = await slack.command(userId, 'list');
    if (status !== 200) throw new Error(`list answered ${status}`);
    await mode.answered(responseId);
    latencies.push(performance.now() - sent);
  });
  return { latencies, seconds: (performance.now() - started) / 1000 };
}

/** Every answer must be the full first page of the sender's directory, not a refusal. */
function checkAnswers(fake: FakeSlack, expected: number): void {
  const wrong = fake.responses.filter((r) => !JSON.stringify(r.body).includes('bench0@example.com'));
  if (fake.responses.length !== expected || wrong.length > 0) {
    throw new Error(`${fake.responses.length} answers, ${wrong.length} not a list: ${JSON.stringify(wrong[0]?.body)}`);
  }
}

/** A running Roster with the Slack users who may send it `/users list`. */
interface Mode {
  fake: FakeSlack;
  senders: Sender[];
  answered: (responseId: string) => Promise<void>;
  databaseUrl: string;
  /** One scheduler pass over every account the mode serves (nothing is due): its milliseconds. */
  pass(): Promise<number>;
  /** The replica's own RSS and heap. */
  memory(): Promise<{ rssMiB: number; heapMiB: number }>;
  close(): Promise<void>;
}

/** Each directory is the owner and this many Admins: a full first page of `/users list` (so it counts too). */
const ADMINS = PAGE_SIZE - 1;

/** Links the seeded Admins of a directory to Slack users, so no command needs a profile lookup. */
const adminSlackId = (i: number) => `UADM${i}`;

/**
 * A deployment of one replica on a fresh PostgreSQL database, calling `fake` for Slack: the replica, the store
 * opened for seeding (close it once seeded), and how to end it all.
 */
async function deploy(fake: FakeSlack, settings: Record<string, string>) {
  const database = await freshDatabaseUrl('postgres');
  const dataDir = await mkdtemp(path.join(tmpdir(), 'roster-bench-'));
  const env = { ...ENV, ...settings, SLACK_API_URL: fake.url, DATABASE_URL: database.url, DATA_DIR: dataDir };
  const replica = await startReplica(env);
  return {
    env,
    replica,
    databaseUrl: database.url,
    store: await openDatabase({ databaseUrl: database.url, dataDir }),
    async close() {
      await replica.stop();
      await fake.close();
      await database.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * The baseline: one workspace (SLACK_BOT_TOKEN) whose directory is as large as each installed
 * workspace's, so that both modes do the same work per command and differ only in finding the account.
 */
async function singleWorkspace(): Promise<Mode> {
  const fake = await startFakeSlack({ users: [{ id: OWNER.slackId, email: OWNER.email, name: 'Olive Owner' }] });
  const { replica, store, databaseUrl, close } = await deploy(fake, {
    SLACK_BOT_TOKEN: 'xoxb-test-token',
    OWNER_EMAIL: OWNER.email,
  });
  const { id: accountId } = await store.prisma.account.findFirstOrThrow();
  await seedUsers({ prisma: store.prisma, accountId }, ADMINS, { role: ADMIN_ROLE, slackUserId: adminSlackId });
  await analyzed(store.prisma);
  await store.close();
  const slack = createSlackClient({
    appUrl: `${replica.baseUrl}/slack/events`,
    signingSecret: SIGNING_SECRET,
    teamId: fake.teamId,
    fake,
  });
  return {
    fake,
    // Sender i of the draw: one of the Admins, as in distributed mode the owner of workspace i.
    senders: Array.from({ length: WORKSPACES }, (_, i) => ({ userId: adminSlackId(i % ADMINS), slack })),
    answered: answers(fake),
    databaseUrl,
    pass: replica.pass,
    memory: replica.memory,
    close,
  };
}

/** Reads of the installations table so far (index and sequential scans), from PostgreSQL's statistics. */
async function installationReads(url: string): Promise<number> {
  // Backends publish their counts when idle for a moment (PostgreSQL 15: at most every second).
  await new Promise((resolve) => setTimeout(resolve, 1_500));
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const { rows } = await client.query(
    `SELECT coalesce(seq_scan, 0) + coalesce(idx_scan, 0) AS n FROM pg_stat_user_tables WHERE relname = 'SlackInstallation'`,
  );
  await client.end();
  return Number(rows[0]?.n ?? 0);
}

/** Distributed mode: `WORKSPACES` installed through the OAuth routes, each directory its owner and `ADMINS` Admins. */
async function distributed(): Promise<
  Mode & { installMs: number; passDoing: Replica['passDoing']; replica(): Promise<Replica> }
> {
  const fake = await startFakeSlack({ clientId: CLIENT.id, clientSecret: CLIENT.secret });
  const teams = Array.from({ length: WORKSPACES }, (_, i) =>
    fake.addWorkspace({
      teamId: `TBENCH${i}`,
      botToken: `xoxb-bench-${i}`,
      installer: { id: `UOWN${i}`, email: `owner${i}@example.com`, name: `Owner ${i}` },
    }),
  );
  const { env, replica, store, databaseUrl, close } = await deploy(fake, {
    SLACK_CLIENT_ID: CLIENT.id,
    SLACK_CLIENT_SECRET: CLIENT.secret,
    SLACK_STATE_SECRET: 'bench-state-secret-0123456789',
    ROSTER_SECRET: 'bench-roster-secret-0123456789abcdef0123',
  });
  const { baseUrl } = replica;

  const started = performance.now();
  await forEachLimited(teams, INSTALLS_IN_FLIGHT, async ({ teamId }) => {
    const installed = await installWorkspace(baseUrl, fake, teamId);
    if (installed.status !== 200) throw new Error(`installing ${teamId} answered ${installed.status}: ${installed.body}`);
  });
  const installMs = (performance.now() - started) / WORKSPACES;
  const accounts = await store.prisma.slackInstallation.findMany({ select: { accountId: true } });
  if (accounts.length !== WORKSPACES) throw new Error(`${accounts.length} installations for ${WORKSPACES} workspaces`);
  await forEachLimited(accounts, 4, ({ accountId }) =>
    seedUsers({ prisma: store.prisma, accountId }, ADMINS, { role: ADMIN_ROLE, slackUserId: adminSlackId }),
  );
  await analyzed(store.prisma);
  await store.close();

  return {
    fake,
    senders: teams.map((w) => ({
      userId: w.installer.id,
      slack: createSlackClient({ appUrl: `${baseUrl}/slack/events`, signingSecret: SIGNING_SECRET, teamId: w.teamId, fake }),
    })),
    answered: answers(fake),
    databaseUrl,
    installMs,
    // Another replica of the same deployment (same store, same Slack app).
    replica: () => startReplica(env),
    pass: replica.pass,
    passDoing: replica.passDoing,
    memory: replica.memory,
    close,
  };
}

/**
 * The planner's statistics after a bulk load, as autovacuum makes them within minutes in a running
 * deployment: measured without them, at 10 000 workspaces (200 000 users), the directory page's query was
 * estimated so costly that PostgreSQL compiled it with JIT on every run (~160 ms of 200).
 */
async function analyzed(prisma: { $executeRawUnsafe(sql: string): Promise<number> }): Promise<void> {
  await prisma.$executeRawUnsafe('ANALYZE');
}

/** Accounts given work due in the pass row (an invite past its expiry each). */
const DUE_ACCOUNTS = Number(process.env.BENCH_WORKSPACES_DUE ?? 100);

/** Gives `count` of the installed accounts one pending invite past its expiry, to `invitee`; returns how many got one. */
async function makeDue(databaseUrl: string, count: number, invitee: string): Promise<number> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query(
      `WITH chosen AS (SELECT "accountId" FROM "SlackInstallation" ORDER BY "accountId" LIMIT $1),
        invitee AS (
          INSERT INTO "User" ("id", "accountId", "email", "status", "invitedAt", "updatedAt")
          SELECT gen_random_uuid()::text, "accountId", $2, 'invited', now() - interval '3 days', now() FROM chosen
          RETURNING "id", "accountId")
      INSERT INTO "Invite" ("id", "accountId", "userId", "invitedById", "tokenHash", "tokenNonce", "status", "sentAt", "expiresAt", "lastSentAt")
      SELECT gen_random_uuid()::text, i."accountId", i."id",
        (SELECT o."id" FROM "User" o WHERE o."accountId" = i."accountId" AND o."slackUserId" IS NOT NULL ORDER BY o."createdAt" LIMIT 1),
        md5(random()::text), 'n', 'pending', now() - interval '3 days', now() - interval '1 day', now() - interval '3 days'
      FROM invitee i`,
      [count, invitee],
    );
    return rowCount ?? 0;
  } finally {
    await client.end();
  }
}

/** What a pass over due accounts took: one replica alone, then both passing at once over as many. */
interface PassPair {
  dueAccounts: number;
  alone: { ms: number; expired: number; cpuMs: number };
  shares: { ms: number; expired: number; cpuMs: number }[];
  sharedMs: number;
}

/** One replica passes over `DUE_ACCOUNTS` due accounts alone, then `one` and `two` over as many more at once. */
async function passes2(
  one: Pick<Replica, 'passDoing'> & { databaseUrl: string },
  two: Pick<Replica, 'passDoing'>,
  label: string,
): Promise<PassPair> {
  const dueAccounts = await makeDue(one.databaseUrl, DUE_ACCOUNTS, `${label}-alone@example.com`);
  const alone = await one.passDoing();
  await makeDue(one.databaseUrl, DUE_ACCOUNTS, `${label}-shared@example.com`);
  const started = performance.now();
  const shares = await Promise.all([one.passDoing(), two.passDoing()]);
  return { dueAccounts, alone, shares, sharedMs: performance.now() - started };
}

/** The median of `PASSES` scheduler passes (the first, warming up, not counted). */
const PASSES = 5;
async function passMs(mode: Mode): Promise<number> {
  await mode.pass();
  const times: number[] = [];
  for (let i = 0; i < PASSES; i++) times.push(await mode.pass());
  return percentile(times, 50);
}

interface Measured {
  perSecond: number;
  p50: number;
  p99: number;
}

function summary(latencies: number[], seconds: number): Measured {
  return { perSecond: latencies.length / seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

/**
 * Both modes run side by side and are measured in alternating rounds, so that other work on the
 * machine weighs on both alike; each mode draws the same sequence of sender indexes.
 */
/** `items` in the order the generator gives. */
function shuffle<T>(items: T[], next: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [items[i], items[j]] = [items[j] as T, items[i] as T];
  }
  return items;
}

async function compare(single: Mode, many: Mode) {
  const draw = (seed: number, count: number) => {
    const next = random(seed);
    return Array.from({ length: count }, () => Math.floor(next() * WORKSPACES));
  };
  // Steady state: every owner has used Roster within the account cache's life (each workspace once, in random order).
  const warmUp = [
    ...draw(1, WARM_UP),
    ...shuffle(
      Array.from({ length: WORKSPACES }, (_, i) => i),
      random(3),
    ),
  ];
  const from = (mode: Mode, indexes: number[]) => indexes.map((i) => mode.senders[i] as Sender);
  for (const mode of [single, many]) await listLoad(mode, from(mode, warmUp));
  const picks = draw(2, COMMANDS);
  const perRound = Math.ceil(COMMANDS / ROUNDS);
  const results = new Map<Mode, { latencies: number[]; seconds: number }>([
    [single, { latencies: [], seconds: 0 }],
    [many, { latencies: [], seconds: 0 }],
  ]);
  const readsBefore = await installationReads(many.databaseUrl);
  const started = performance.now();
  for (let round = 0; round < ROUNDS; round++) {
    const slice = picks.slice(round * perRound, (round + 1) * perRound);
    for (const mode of round % 2 === 0 ? [single, many] : [many, single]) {
      const { latencies, seconds } = await listLoad(mode, from(mode, slice));
      const total = results.get(mode) as { latencies: number[]; seconds: number };
      total.latencies.push(...latencies);
      total.seconds += seconds;
    }
  }
  const span = (performance.now() - started) / 1000;
  const reads = (await installationReads(many.databaseUrl)) - readsBefore;
  for (const mode of [single, many]) checkAnswers(mode.fake, warmUp.length + COMMANDS);
  const of = (mode: Mode) => {
    const { latencies, seconds } = results.get(mode) as { latencies: number[]; seconds: number };
    return summary(latencies, seconds);
  };
  return { single: of(single), many: of(many), reads, span, workspacesHit: new Set(picks).size };
}

/** The rows of a pass over due accounts, alone and shared, next to `idleMs` (the same pass with nothing due). */
function duePassRows(pair: PassPair, idleMs: number, slack: string): BenchRow[] {
  const { dueAccounts, alone, shares, sharedMs } = pair;
  const benchmark = `a scheduler pass over ${WORKSPACES} installed workspaces, ${dueAccounts} with an invite to expire, ${slack} (PostgreSQL)`;
  return [
    {
      benchmark,
      measure: 'ms per pass, one replica',
      value: alone.ms.toFixed(0),
      baseline: idleMs.toFixed(0),
      ratio: ratio(alone.ms, idleMs),
      notes: `goal ≤ 2 s plus the work; baseline = the same pass with nothing due; ${((alone.ms - idleMs) / dueAccounts).toFixed(1)} ms per due account (expiry, reminder, audit, the inviter's DM), ${(alone.cpuMs / dueAccounts).toFixed(1)} ms of it the replica's CPU; after one such pass (not counted)`,
    },
    {
      benchmark,
      measure: 'ms until both are done, two replicas',
      value: sharedMs.toFixed(0),
      baseline: alone.ms.toFixed(0),
      ratio: ratio(sharedMs, alone.ms),
      notes: `goal: about half; baseline = one replica alone (the row above); each account claimed by one replica: they expired ${shares.map((s) => s.expired).join(' and ')} invites, with ${shares.map((s) => s.cpuMs.toFixed(0)).join(' and ')} ms of CPU; both replicas, PostgreSQL and the fake Slack share this machine's two cores`,
    },
  ];
}

export async function run(): Promise<BenchRow[]> {
  if (!process.env.TEST_POSTGRES_URL) {
    return [{ benchmark: `${WORKSPACES} installed workspaces (PostgreSQL)`, measure: '—', value: 'set TEST_POSTGRES_URL' }];
  }
  const single = await singleWorkspace();
  const many = await distributed();
  const result = await compare(single, many);
  // What a replica serving every workspace at random holds, next to the one serving one workspace.
  const memory = { single: await single.memory(), many: await many.memory() };
  const passes = { single: await passMs(single), many: await passMs(many) };
  // Replicas that have been running have done such work before (V8 has compiled its code): each
  // replica's first pass over due accounts warms it and is not counted.
  const second = await many.replica();
  for (const [i, replica] of [many, second].entries()) {
    await makeDue(many.databaseUrl, DUE_ACCOUNTS, `warm${i}@example.com`);
    await replica.pass();
  }
  const instant = await passes2(many, second, 'instant');
  // Slack as it answers from afar: each call the passes make takes SLACK_LATENCY_MS.
  for (const method of ['chat.postMessage', 'conversations.open']) many.fake.slow(method, SLACK_LATENCY_MS);
  const remote = await passes2(many, second, 'remote');
  await second.stop();
  await many.close();
  await single.close();
  const benchmark = `${WORKSPACES} installed workspaces, \`/users list\` (PostgreSQL)`;
  return [
    {
      benchmark,
      measure: 'commands answered/s',
      value: result.many.perSecond.toFixed(0),
      baseline: result.single.perSecond.toFixed(0),
      ratio: ratio(result.many.perSecond, result.single.perSecond),
      notes:
        `goal ≥ 0.9×; ${COMMANDS} commands at ${IN_FLIGHT} in flight from owners drawn at random (${result.workspacesHit} workspaces), ` +
        `answered = response_url post received; baseline = single-workspace mode, its ${ADMINS} Admins in turn; ` +
        `${ROUNDS} alternating rounds over ${result.span.toFixed(0)} s after a warm-up of ${WARM_UP} plus one command from every workspace ` +
        `(account cache ${ACCOUNT_CACHE_MS / 1000} s; ${result.reads} reads of the installations table)`,
    },
    {
      benchmark,
      measure: 'p99 (ms)',
      value: result.many.p99.toFixed(1),
      baseline: result.single.p99.toFixed(1),
      ratio: ratio(result.many.p99, result.single.p99),
      notes: `p50 ${result.many.p50.toFixed(1)} vs ${result.single.p50.toFixed(1)} ms; every directory (${PAGE_SIZE} users) fills the first page`,
    },
    {
      benchmark: `installing ${WORKSPACES} workspaces (PostgreSQL)`,
      measure: 'ms per workspace',
      value: many.installMs.toFixed(1),
      notes: `GET /slack/install, then /slack/oauth_redirect with the code, ${INSTALLS_IN_FLIGHT} in flight; ${((many.installMs * WORKSPACES) / 1000).toFixed(0)} s in all`,
    },
    ...duePassRows(instant, passes.many, 'Slack answering at once'),
    ...duePassRows(remote, passes.many, `Slack answering in ${SLACK_LATENCY_MS} ms`),
    {
      benchmark: `a replica serving ${WORKSPACES} workspaces at random (PostgreSQL)`,
      measure: 'RSS (MiB)',
      value: String(memory.many.rssMiB),
      baseline: String(memory.single.rssMiB),
      ratio: ratio(memory.many.rssMiB, memory.single.rssMiB),
      notes: `goal ≤ 1 024; the replica's process after the commands above (heap ${memory.many.heapMiB} MiB); baseline = the single-workspace replica (heap ${memory.single.heapMiB} MiB); ACCOUNT_CACHE_SIZE ${process.env.BENCH_ACCOUNT_CACHE_SIZE || 'default'}`,
    },
    {
      benchmark: `a scheduler pass over ${WORKSPACES} installed workspaces, nothing due (PostgreSQL)`,
      measure: 'ms per pass',
      value: passes.many.toFixed(0),
      baseline: passes.single.toFixed(1),
      ratio: ratio(passes.many, passes.single),
      notes: `goal ≤ 2 s; median of ${PASSES}; baseline = the one account of single-workspace mode; one query finds the accounts with anything due, and only those are visited`,
    },
  ];
}
