/**
 * Roster's Prometheus metrics: one prom-client Registry, built once in the composition root
 * (src/main.ts), with every metric defined here; the rest of Roster reports through the narrow
 * `Metrics` port (metrics-port.ts). Backlogs and counts are read from the store when scraped.
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { OperationalGauges } from '../store/operational-gauges';
import {
  changeKindLabel,
  httpSurfaceOf,
  methodLabel,
  OTHER,
  oneOf,
  rateLimitScope,
  routeTemplate,
  statusLabel,
  subcommandLabel,
} from './metric-labels';
import type { ChangeOutcome, HttpSurface, Metrics, SlackSurface } from './metrics-port';

/** What the scrape reads: the store's backlogs, and the embedded store's units when the store is embedded. */
export interface ScrapeSources {
  gauges: () => Promise<OperationalGauges>;
  /** Distributed mode counts installations; one workspace counts the accounts tied to a workspace. */
  distributed: boolean;
  /** How many accounts this replica keeps read, and how many of them built (src/account-registry.ts). */
  cachedAccounts: () => { read: number; built: number };
  /** The embedded store's statistics (src/store/embedded/wire-server.ts), if embedded. */
  embeddedStats?: () => Promise<{ units: number; longestMs: number; over200Ms: number } | undefined>;
}

/** The registry and the port over it. */
export interface RosterMetrics {
  registry: Registry;
  metrics: Metrics;
  /** Reads the store at scrape time from now on (once the store is open). */
  scrapeFrom(sources: ScrapeSources): void;
}

const SURFACES: readonly SlackSurface[] = ['command', 'action', 'view', 'event', 'shortcut', 'options', 'other'];
const CHANGE_OUTCOMES: readonly ChangeOutcome[] = ['done', 'awaiting', 'refused', 'failed', 'skipped'];
const DECISIONS = ['executed', 'rejected', 'stale', 'failed', 'expired'];
const HTTP_SURFACES: readonly HttpSurface[] = ['scim', 'auth', 'api'];
const PASS_OUTCOMES = ['ok', 'failed', 'stopped'];
const PASS_ITEMS = [
  'reminded',
  'expired',
  'expiringSoon',
  'passcodesWarned',
  'passcodesExpired',
  'approvalsExpired',
  'scimDigests',
  'reviewsStarted',
  'reviewersReminded',
  'reviewRowsRemoved',
  'sent',
];

/** Several gauges read by one scrape share one store read made at most this often. */
const READ_REUSE_MS = 1_000;

/** Builds the registry with Node's default process metrics and Roster's own. */
export function createRosterMetrics(): RosterMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];

  const ack = new Histogram({
    name: 'roster_slack_ack_seconds',
    help: 'Time from receiving a Slack request to acknowledging it, by surface (Slack allows 3 s).',
    labelNames: ['surface'],
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5],
    registers,
  });
  const commands = new Counter({
    name: 'roster_slack_commands_total',
    help: '/users subcommands run, by subcommand and outcome (error: it threw past its listener).',
    labelNames: ['subcommand', 'outcome'],
    registers,
  });
  const changes = new Counter({
    name: 'roster_changes_total',
    help: 'Directory changes submitted, by change kind and outcome (done, awaiting approval, refused, failed, skipped).',
    labelNames: ['kind', 'outcome'],
    registers,
  });
  const decisions = new Histogram({
    name: 'roster_approval_decision_seconds',
    help: 'Time from opening an approval request to settling it, by decision.',
    labelNames: ['decision'],
    buckets: [60, 300, 900, 3600, 4 * 3600, 12 * 3600, 24 * 3600, 3 * 24 * 3600, 7 * 24 * 3600],
    registers,
  });
  const passes = new Histogram({
    name: 'roster_scheduler_pass_seconds',
    help: 'Duration of scheduler passes, by outcome.',
    labelNames: ['outcome'],
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
    registers,
  });
  const passItems = new Counter({
    name: 'roster_scheduler_items_total',
    help: 'What scheduler passes did, by item (reminders queued, invites expired, notices sent, …).',
    labelNames: ['item'],
    registers,
  });
  const http = new Histogram({
    name: 'roster_http_request_seconds',
    help: 'SCIM and API requests, by API, route template, method and status.',
    labelNames: ['surface', 'route', 'method', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers,
  });
  const webhookDeliveries = new Counter({
    name: 'roster_webhook_deliveries_total',
    help: 'Webhook delivery attempts, by outcome (ok: the endpoint answered 2xx).',
    labelNames: ['outcome'],
    registers,
  });
  const refusals = new Counter({
    name: 'roster_rate_limit_refusals_total',
    help: 'Requests a rate limit refused, by limit (e.g. fail:scim, use:apikey).',
    labelNames: ['limit'],
    registers,
  });

  const metrics: Metrics = {
    webhookDelivered: (outcome) => webhookDeliveries.inc({ outcome: oneOf(outcome, ['ok', 'failed']) }),
    slackAcked: (surface, seconds) => ack.observe({ surface: oneOf(surface, SURFACES) }, seconds),
    commandRun: (text, outcome) => commands.inc({ subcommand: subcommandLabel(text), outcome: oneOf(outcome, ['ok', 'error']) }),
    changeApplied: (kind, outcome) => changes.inc({ kind: changeKindLabel(kind), outcome: oneOf(outcome, CHANGE_OUTCOMES) }),
    approvalDecided: (decision, waited) => decisions.observe({ decision: oneOf(decision, DECISIONS) }, Math.max(0, waited)),
    schedulerPass(seconds, outcome, items) {
      passes.observe({ outcome: oneOf(outcome, PASS_OUTCOMES) }, seconds);
      for (const item of PASS_ITEMS) if ((items[item] ?? 0) > 0) passItems.inc({ item }, items[item]);
    },
    httpAnswered: (surface, route, method, status, seconds) =>
      http.observe(
        {
          surface: oneOf(surface, HTTP_SURFACES),
          // The template is made again here: a caller's raw path never becomes a label.
          route: httpSurfaceOf(route) ? routeTemplate(route) : OTHER,
          method: methodLabel(method),
          status: statusLabel(status),
        },
        seconds,
      ),
    rateLimitRefused: (key) => refusals.inc({ limit: rateLimitScope(key) }),
  };

  // Until the store is open nothing reads it: the store is not up yet.
  let storeAnswers: () => Promise<boolean> = async () => false;
  new Gauge({
    name: 'roster_store_up',
    help: 'Whether the store answered the last scrape (1) or not (0; the store gauges then keep their last values).',
    registers,
    async collect() {
      this.set((await storeAnswers()) ? 1 : 0);
    },
  });

  return {
    registry,
    metrics,
    scrapeFrom(sources) {
      if (registry.getSingleMetric('roster_approvals_pending')) throw new Error('the metrics already read a store');
      const read = storeGauges(registry, sources);
      storeAnswers = async () => (await read()) !== null;
    },
  };
}

/**
 * The gauges read from the store when scraped, registered once the store is open (before, none is
 * shown). A store that does not answer leaves them at their last values and `roster_store_up` at 0,
 * rather than failing the scrape.
 */
function storeGauges(registry: Registry, sources: ScrapeSources): () => Promise<OperationalGauges | null> {
  const registers = [registry];
  // Read once for all the gauges of one scrape; null when the store did not answer.
  const current = sharedRead(sources.gauges);
  const gauge = <T>(read: () => Promise<T | null>, name: string, help: string, pick: (value: T) => number) =>
    new Gauge({
      name,
      help,
      registers,
      async collect() {
        const value = await read();
        if (value) this.set(pick(value));
      },
    });
  const fromStore = (name: string, help: string, pick: (gauges: OperationalGauges) => number) => gauge(current, name, help, pick);
  fromStore('roster_approvals_pending', 'Approval requests waiting for a decision.', (g) => g.approvalsPending);
  fromStore(
    'roster_approvals_oldest_pending_seconds',
    'Age of the oldest approval request still waiting (0 when none waits).',
    (g) => g.approvalsOldestSeconds,
  );
  fromStore('roster_notice_outbox_queued', 'Notices queued in the outbox, not yet sent.', (g) => g.noticesQueued);
  fromStore(
    'roster_notice_outbox_oldest_seconds',
    'Age of the oldest notice still queued (0 when none is).',
    (g) => g.noticesOldestSeconds,
  );
  fromStore(
    'roster_webhook_backlog_events',
    'Audit events after the cursors of webhook endpoints (paused ones included), not yet delivered.',
    (g) => g.webhookBacklog,
  );
  fromStore(
    'roster_webhook_oldest_seconds',
    'Age of the oldest event a webhook endpoint has not yet been sent (0 when none waits).',
    (g) => g.webhookOldestSeconds,
  );
  fromStore('roster_accounts_installed', 'Accounts whose Slack workspace or organization has Roster installed.', (g) =>
    sources.distributed ? g.installations : g.workspaceAccounts,
  );
  new Gauge({
    name: 'roster_accounts_cached',
    help: 'Accounts this replica keeps in memory: read (row and installation), and built (their services too).',
    labelNames: ['tier'],
    registers,
    collect() {
      const { read, built } = sources.cachedAccounts();
      this.set({ tier: 'read' }, read);
      this.set({ tier: 'built' }, built);
    },
  });

  // The embedded store runs one unit (a statement or a transaction) at a time: long units are what others queue behind.
  const stats = sources.embeddedStats;
  if (!stats) return current;
  const embedded = sharedRead(stats);
  gauge(
    embedded,
    'roster_embedded_store_units',
    'Units (statements or transactions) the embedded store has run since it started.',
    (s) => s.units,
  );
  gauge(
    embedded,
    'roster_embedded_store_units_over_200ms',
    'Units that held the embedded store for more than 200 ms (everything else queued behind them).',
    (s) => s.over200Ms,
  );
  gauge(
    embedded,
    'roster_embedded_store_longest_unit_seconds',
    'The longest a single unit has held the embedded store.',
    (s) => s.longestMs / 1000,
  );
  return current;
}

/** `read` shared by the gauges of one scrape (they are collected together): made at most once in READ_REUSE_MS; null when it failed. */
function sharedRead<T>(read: () => Promise<T | undefined>): () => Promise<T | null> {
  let last: { at: number; value: Promise<T | null> } | null = null;
  return () => {
    if (!last || Date.now() - last.at > READ_REUSE_MS) {
      last = {
        at: Date.now(),
        value: read().then(
          (value) => value ?? null,
          () => null,
        ),
      };
    }
    return last.value;
  };
}
