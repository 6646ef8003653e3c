/**
 * The one composition root: opens and migrates the store, builds every service over its narrow
 * dependencies, and wires them to Slack, the web routes and the scheduler. The process that runs it
 * (`npm start`) is src/server.ts; the CLIs and the tests build it the same way.
 */
import { setTimeout as delay } from 'node:timers/promises';
import type { Config } from './config';
import type { SharedDeps } from './create-account-scope';
import type { Services } from './create-services';
import { mailerFor } from './delivery/mailer';
import { createWebhookPoster } from './delivery/webhook-http';
import { catalogFor, PRESET_NAMES, settingsDefaults } from './domain/account/account-settings';
import { systemClock } from './domain/clock';
import { createWebhookDispatcher } from './domain/webhooks/webhook-dispatcher';
import { secretKeys } from './domain/webhooks/webhook-signing';
import { createInFlight } from './in-flight';
import { createLogger } from './logger';
import { type MetricsListener, metricsRoute, serveMetrics } from './metrics/metrics-endpoint';
import { createRosterMetrics, type RosterMetrics } from './metrics/roster-metrics';
import type { Roster, RosterOptions, Sweeper } from './roster';
import { dueHorizons } from './scheduler/due-horizons';
import { type AccountRef, createScheduler } from './scheduler/scheduler';
import { createSlackApp, type SlackSource } from './slack/app';
import type { SlackServices } from './slack/services';
import { sharedSlackClient } from './slack/slack-client-options';
import { type Database, openDatabase } from './store/database';
import { readOperationalGauges } from './store/operational-gauges';
import { findAccountsWithDueWork } from './store/scheduler/due-accounts';
import { storeReadiness } from './store/store-readiness';
import { distributedTenancy, singleWorkspace, type Tenancy } from './tenancy';
import { storeUnreachableErrors } from './web/store-unreachable-answers';
import { createWebApp, serve } from './web/web-app';

export type { Roster, RosterOptions, Sweeper } from './roster';

/** How long stopping waits for the Slack requests in flight (Kubernetes allows 30 s before it kills). */
const STOP_GRACE_MS = 20_000;
/** How long stopping then waits for the HTTP connections to close before it closes the store anyway. */
const CONNECTIONS_GRACE_MS = 2_000;

/** Builds Roster from a validated configuration; nothing listens until `start()`. */
export function buildRoster(config: Config, options: RosterOptions = {}): Promise<Roster> {
  // One registry per Roster, and none unless METRICS_TOKEN or METRICS_PORT asks for the metrics.
  const { token, port } = config.metrics;
  const telemetry = token || port !== undefined ? createRosterMetrics() : null;
  return onStore(config, options, (shared, database) =>
    assemble({ ...shared, metrics: telemetry?.metrics }, database, telemetry, options),
  );
}

/** Builds only the store, the accounts and the scheduler: a pass from a CLI opens no Slack receiver and no web app. */
export function buildSweeper(config: Config, options: RosterOptions = {}): Promise<Sweeper> {
  return onStore(config, options, async (shared, database) => {
    const tenancy = await tenancyFor(shared);
    const scheduler = schedulerFor(tenancy, shared);
    return {
      runOnce: () => scheduler.runOnce(),
      async stop() {
        await scheduler.stop();
        shared.webhookPoster?.close?.();
        await tenancy.close();
        await database.close();
      },
    };
  });
}

/** Opens (and migrates) the store and builds on it; the store closes again if building fails. */
async function onStore<T>(config: Config, options: RosterOptions, build: (shared: SharedDeps, database: Database) => Promise<T>) {
  const logger = options.logger ?? createLogger(config.logLevel);
  const { databaseUrl, dataDir } = config;
  const database = await openDatabase({ databaseUrl, dataDir, logger, share: options.share });
  const clock = options.clock ?? systemClock;
  const webhookPoster = createWebhookPoster(config.webhooks);
  try {
    const slack = sharedSlackClient(config, logger);
    return await build(
      { config, prisma: database.prisma, clock, logger, mailer: options.mailer ?? mailerFor(config), webhookPoster, slack },
      database,
    );
  } catch (error) {
    webhookPoster.close();
    await database.close();
    throw error;
  }
}

/** One workspace from the environment's token, or every workspace installed through OAuth. */
function tenancyFor(shared: SharedDeps): Promise<Tenancy> {
  return shared.config.slack.oauth ? distributedTenancy(shared) : singleWorkspace(shared);
}

/**
 * The scheduler over the accounts the tenancy serves that have anything due, found afresh each pass by
 * one query (the widest horizons of every catalog an account may use); each is loaded only when visited.
 */
function schedulerFor(tenancy: Tenancy, { prisma, clock, logger, config, metrics }: SharedDeps) {
  const defaults = settingsDefaults(config);
  const policies = [null, ...PRESET_NAMES].map((preset) => catalogFor(preset, defaults).policy);
  const accounts = async (now: Date): Promise<AccountRef[]> => {
    const due = await findAccountsWithDueWork(prisma, dueHorizons(now, policies, config.noticesChannel !== undefined));
    return [...due].map(([accountId, kinds]) => ({
      accountId,
      due: kinds,
      work: async () => (await tenancy.scheduled(accountId))?.work ?? null,
    }));
  };
  return createScheduler({ accounts, housekeeping: { prisma, clock }, logger, cronSchedule: config.cronSchedule, metrics });
}

async function assemble(
  shared: SharedDeps,
  database: Database,
  telemetry: RosterMetrics | null,
  options: RosterOptions,
): Promise<Roster> {
  const { config, prisma, logger, metrics } = shared;
  const tenancy = await tenancyFor(shared);
  const { embedded } = database;
  telemetry?.scrapeFrom({
    gauges: () => readOperationalGauges(prisma),
    distributed: tenancy.distributed,
    cachedAccounts: () => tenancy.accounts.size(),
    embeddedStats: embedded && (() => embedded.stats()),
  });
  const { accounts } = tenancy;
  const inFlight = createInFlight();
  const storeReady = storeReadiness(prisma);
  // A Roster that is stopping is not ready: the balancer sends new requests elsewhere.
  const ready = async () => !inFlight.closing && (await storeReady());
  const metricsToken = config.metrics.token;
  const { web, finish } = createWebApp({
    shared,
    tenancy,
    ready,
    metrics,
    metricsRoute: telemetry && metricsToken ? metricsRoute(telemetry.registry, metricsToken) : undefined,
    routes: options.routes,
  });
  const { installationStore, uninstalled } = tenancy;
  const accountFor = async (source: SlackSource) => (await tenancy.forSlack(source))?.services ?? null;
  const slack = createSlackApp({ config, logger, web, accountFor, installationStore, uninstalled, inFlight, metrics });
  web.use(storeUnreachableErrors(logger));
  finish();
  const scheduler = schedulerFor(tenancy, shared);
  const webhooks = webhookDispatcherFor(tenancy, shared);

  let serving: Awaited<ReturnType<typeof serve>> | null = null;
  let metricsListener: MetricsListener | null = null;
  const single = tenancy.defaultAccountId
    ? await accounts.forId(tenancy.defaultAccountId).catch(async (error: unknown) => {
        await tenancy.close();
        throw error;
      })
    : null;
  const only = () => {
    if (!single) throw new Error('distributed mode has no single account: use roster.accounts');
    return single;
  };
  return {
    config,
    get services(): SlackServices {
      return only().services;
    },
    get domain(): Services {
      return only().domain;
    },
    scheduler,
    prisma,
    database,
    accountId: tenancy.defaultAccountId ?? '',
    accounts,
    http: web,
    webhooks,
    async start() {
      scheduler.start();
      webhooks.start();
      serving = await serve(slack.app, web, { port: config.port, host: options.host, socketMode: !!config.slack.appToken });
      const { port: metricsPort, host } = config.metrics;
      if (telemetry && metricsPort !== undefined) {
        metricsListener = await serveMetrics(telemetry.registry, { host, port: metricsPort });
        logger.info({ host, port: metricsListener.port }, 'serving metrics');
      }
      return serving.port;
    },
    /**
     * Stops taking requests (the listening socket closes, Slack requests still arriving are told to try
     * again), lets those taken finish, Slack work after its acknowledgement included, and the scheduler
     * its current batch; only then closes the accounts and the store.
     */
    async stop() {
      const receiving = slack.app.stop().catch((err: unknown) => logger.debug({ err }, 'the Slack receiver was not running'));
      const web = serving?.close();
      const scrapes = metricsListener?.close();
      const [unfinished] = await Promise.all([inFlight.drain(STOP_GRACE_MS), scheduler.stop(), webhooks.stop()]);
      if (unfinished > 0) logger.warn({ unfinished }, 'stopped with Slack requests still running');
      // Idle keep-alive connections may hold the listening socket open a while longer; they take no new work.
      await Promise.race([Promise.all([receiving, web, scrapes]), delay(CONNECTIONS_GRACE_MS, undefined, { ref: false })]);
      shared.webhookPoster?.close?.();
      await tenancy.close();
      await database.close();
    },
  };
}

/** Delivers every served account's events to its webhooks; a paused endpoint is recorded and its owner told by the account. */
function webhookDispatcherFor(tenancy: Tenancy, { prisma, clock, logger, config, metrics, webhookPoster }: SharedDeps) {
  if (!webhookPoster) throw new Error('webhooks need a poster');
  return createWebhookDispatcher({
    prisma,
    clock,
    logger,
    poster: webhookPoster,
    keys: secretKeys(config.webhooks.keyMaterials),
    delivered: metrics && ((outcome) => metrics.webhookDelivered(outcome)),
    async paused({ accountId, url, lastError }) {
      const scope = await tenancy.accounts.forId(accountId);
      await scope?.domain.webhooks.paused(url, lastError);
    },
  });
}
