/**
 * The one composition root: opens and migrates the store, builds every service over its narrow
 * dependencies, and wires them to Slack, the web routes and the scheduler. The process that runs it
 * (`npm start`) is src/server.ts; the CLIs and the tests build it the same way.
 */
import type { Logger } from 'pino';
import type { Config } from './config';
import type { SharedDeps } from './create-account-scope';
import type { Services } from './create-services';
import { mailerFor } from './delivery/mailer';
import { type Clock, systemClock } from './domain/clock';
import { createLogger } from './logger';
import type { Roster, RosterOptions } from './roster';
import { createScheduler } from './scheduler/scheduler';
import { createSlackApp } from './slack/app';
import type { SlackServices } from './slack/services';
import { type Database, openDatabase } from './store/database';
import { distributedTenancy, singleWorkspace } from './tenancy';
import { createWebApp, serve } from './web/web-app';

export type { Roster, RosterOptions } from './roster';

/** Builds Roster from a validated configuration; nothing listens until `start()`. */
export async function buildRoster(config: Config, options: RosterOptions = {}): Promise<Roster> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const { databaseUrl, dataDir } = config;
  const database = await openDatabase({ databaseUrl, dataDir, logger, share: options.share });
  try {
    return await assemble(config, database, options.clock ?? systemClock, logger);
  } catch (error) {
    await database.close();
    throw error;
  }
}

async function assemble(config: Config, database: Database, clock: Clock, logger: Logger): Promise<Roster> {
  const { prisma } = database;
  const shared: SharedDeps = { config, prisma, clock, logger, mailer: mailerFor(config) };
  const tenancy = config.slack.oauth ? await distributedTenancy(shared) : await singleWorkspace(shared);
  const { accounts } = tenancy;
  const { web, finish } = createWebApp({ shared, tenancy, ready: database.ping });
  const slack = createSlackApp({
    config,
    logger,
    web,
    accountFor: async (source) => (await tenancy.forSlack(source))?.services ?? null,
    installationStore: tenancy.installationStore,
    uninstalled: tenancy.uninstalled,
  });
  finish();
  const scheduler = createScheduler({
    accounts: async () => (await tenancy.served()).map((scope) => scope.work),
    housekeeping: { prisma, clock },
    logger,
    cronSchedule: config.cronSchedule,
  });

  let serving: Awaited<ReturnType<typeof serve>> | null = null;
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
    async start() {
      scheduler.start();
      serving = await serve(slack.app, web, { port: config.port, socketMode: !!config.slack.appToken });
      return serving.port;
    },
    async stop() {
      await scheduler.stop();
      await slack.app.stop().catch((err: unknown) => logger.debug({ err }, 'the Slack receiver was not running'));
      await serving?.close();
      await tenancy.close();
      await database.close();
    },
  };
}
