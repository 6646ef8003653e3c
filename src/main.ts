/**
 * The one composition root: reads the configuration, opens and migrates the store, builds every
 * service over its narrow dependencies, and wires them to Slack, the web routes and the scheduler.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { WebClient } from '@slack/web-api';
import express from 'express';
import type { Logger } from 'pino';
import { type Config, loadConfig } from './config';
import { createServices } from './create-services';
import { createLinkDelivery } from './delivery/link-delivery';
import { createMailer } from './delivery/mailer';
import { bootstrapAccount } from './domain/account/bootstrap';
import { createAssetService } from './domain/assets/asset-service';
import { createAuditService } from './domain/audit/audit-service';
import { type Clock, systemClock } from './domain/clock';
import { createNoticeOutbox } from './domain/notices/notice-outbox';
import { createScimDirectory } from './domain/scim/scim-directory';
import { ConfigError } from './errors';
import { createLogger } from './logger';
import { createScheduler, type Scheduler } from './scheduler/scheduler';
import { scimRoutes } from './scim/scim-routes';
import { createSlackApp } from './slack/app';
import { createApprovalChannel } from './slack/approval-channel';
import { boltLogger } from './slack/bolt-logger';
import { createSchedulerNotifier } from './slack/scheduler-notifier';
import type { SlackServices } from './slack/services';
import { slackClientOptions } from './slack/slack-client-options';
import { slackIdentity } from './slack/slack-identity';
import { createDirectMessages, createHolderMessenger, createSlackProfiles } from './slack/slack-people';
import { createViewStateStore } from './slack/views/view-state';
import { type Database, openDatabase } from './store/database';
import { apiRoutes } from './web/api-routes';
import { createCsrf } from './web/csrf';
import { healthRoutes } from './web/health-routes';
import { createRateLimit } from './web/rate-limit';
import { lastResortErrors, webPages } from './web/web-pages';

export interface RosterOptions {
  clock?: Clock;
  logger?: Logger;
  /** How an embedded store on disk is opened: `own` (the server) or `reach` its owner (CLIs). */
  share?: 'own' | 'reach';
}

export interface Roster {
  config: Config;
  services: SlackServices;
  scheduler: Scheduler;
  prisma: Database['prisma'];
  /** The store, for operational reads (its kind, the embedded store's statistics). */
  database: Database;
  accountId: string;
  /** Starts listening; resolves with the bound port (PORT=0 picks a free one). */
  start(): Promise<number>;
  stop(): Promise<void>;
}

/** Builds Roster from a validated configuration; nothing listens until `start()`. */
export async function buildRoster(config: Config, options: RosterOptions = {}): Promise<Roster> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const database = await openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    logger,
    share: options.share,
  });
  try {
    return await assemble(config, database, options.clock ?? systemClock, logger);
  } catch (error) {
    await database.close();
    throw error;
  }
}

async function assemble(config: Config, database: Database, clock: Clock, logger: Logger): Promise<Roster> {
  const { prisma } = database;

  const { accountId, createdOwner } = await bootstrapAccount({
    prisma,
    catalog: config.catalog,
    ownerEmail: config.ownerEmail,
    clock,
    audit: (id) => createAuditService({ db: prisma, accountId: id, clock }),
  });
  if (createdOwner) logger.info({ owner: createdOwner }, 'created the account owner');

  const client = new WebClient(config.slack.botToken, { ...slackClientOptions(config.slack.apiUrl), logger: boltLogger(logger) });
  // Its own quiet client: a failure is reported in one line, not as one warning per retry.
  const identity = await slackIdentity(
    new WebClient(config.slack.botToken, {
      ...slackClientOptions(config.slack.apiUrl),
      logger: boltLogger(logger.child({}, { level: 'silent' })),
    }),
    config.slack.apiUrl,
  );
  const teamId = identity.teamId;
  if (teamId) {
    await prisma.account.updateMany({ where: { id: accountId, slackTeamId: null }, data: { slackTeamId: teamId } });
  }
  // The account is named after its workspace (shown on invite and password pages); a rename follows on the next start.
  if (identity.teamName) {
    await prisma.account.updateMany({
      where: { id: accountId, slackTeamId: teamId, name: { not: identity.teamName } },
      data: { name: identity.teamName },
    });
  }
  const account = await prisma.account.findUniqueOrThrow({ where: { id: accountId } });
  if (teamId && account.slackTeamId && account.slackTeamId !== teamId) {
    throw new ConfigError(
      `Roster cannot start: this directory belongs to Slack workspace ${account.slackTeamId}, but SLACK_BOT_TOKEN is for ${teamId}.`,
    );
  }

  const audit = createAuditService({ db: prisma, accountId, clock });
  const dm = createDirectMessages(client);
  const mailer = createMailer({
    smtpUrl: config.smtpUrl,
    outboxDir: path.join(config.dataDir, 'outbox'),
    // No variable of its own: mail comes from roster@ the host of PUBLIC_URL.
    from: `Roster <roster@${new URL(config.publicUrl).hostname}>`,
  });
  const delivery = createLinkDelivery({ dm, mailer, logger, accountName: account.name });
  const domain = createServices(config, {
    prisma,
    accountId,
    clock,
    logger,
    profiles: createSlackProfiles(client),
    messenger: createHolderMessenger(dm),
    delivery,
  });
  const { links, approvals, signIn, passwordReset, handoff } = domain;
  const services: SlackServices = {
    ...domain,
    dm,
    approvalChannel: createApprovalChannel({ client, channel: config.approvalsChannel, dm, logger }),
    viewState: createViewStateStore({ prisma, accountId, clock }),
  };

  const web = express();
  web.disable('x-powered-by');
  // Decides req.ip, which every rate limit and the audit trail use; false (the default) trusts no proxy.
  web.set('trust proxy', config.trustProxy);
  web.use(healthRoutes({ ready: database.ping }));
  const rateLimit = createRateLimit({ prisma, clock });
  web.use(webPages({ signIn, passwordReset, handoff, rateLimit, csrf: createCsrf(config.linkSecret), logger }));
  web.use(
    apiRoutes({
      signIn,
      assets: createAssetService({ prisma, accountId, audit }),
      rateLimit,
      logger,
    }),
  );
  web.use(
    scimRoutes({
      scim: createScimDirectory({ prisma, accountId }),
      changes: domain.changes,
      rateLimit,
      publicUrl: config.publicUrl,
      logger,
    }),
  );
  const slack = createSlackApp({ config, services, web, teamId: () => account.slackTeamId ?? teamId });
  web.use(lastResortErrors(logger));
  const outbox = createNoticeOutbox({ prisma, accountId, clock });
  const scheduler = createScheduler({
    due: { prisma, audit, accountId, clock, outbox, policy: config.catalog.policy, noticesChannel: config.noticesChannel },
    send: {
      prisma,
      accountId,
      outbox,
      delivery,
      links,
      approvals,
      logger,
      notifier: createSchedulerNotifier({
        client,
        dm,
        approvalChannel: services.approvalChannel,
        noticesChannel: config.noticesChannel,
      }),
    },
    logger,
    cronSchedule: config.cronSchedule,
  });

  // Socket Mode has no HTTP receiver, so the web routes get their own server.
  let webServer: Server | null = null;
  return {
    config,
    services,
    scheduler,
    prisma,
    database,
    accountId,
    async start() {
      scheduler.start();
      if (!config.slack.appToken) {
        const server = keepConnectionsLonger((await slack.app.start(config.port)) as Server);
        return (server.address() as AddressInfo).port;
      }
      await slack.app.start();
      const server = keepConnectionsLonger(web.listen(config.port));
      webServer = server;
      await new Promise((resolve) => server.once('listening', resolve));
      return (server.address() as AddressInfo).port;
    },
    async stop() {
      await scheduler.stop();
      await slack.app.stop().catch((err: unknown) => logger.debug({ err }, 'the Slack receiver was not running'));
      const server = webServer;
      if (server) await new Promise((resolve) => server.close(resolve));
      await database.close();
    },
  };
}

/**
 * Idle keep-alive connections outlive the clients' and load balancers' own idle timeouts (60 s on
 * the common ones), so a client never sends a request on a connection Roster is closing at that
 * moment (ECONNRESET; a 502 behind a balancer). Node's default is 5 s.
 */
function keepConnectionsLonger(server: Server): Server {
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  return server;
}

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  const logger = createLogger(config.logLevel);
  try {
    const roster = await buildRoster(config, { logger });
    const port = await roster.start();
    logger.info(
      { port, mode: config.slack.appToken ? 'socket' : 'http', store: config.databaseUrl ? 'postgres' : 'embedded' },
      'Roster is running',
    );
    const shutdown = async () => {
      logger.info('shutting down');
      await roster.stop();
      process.exit(0);
    };
    process.once('SIGINT', shutdown);
    process.once('SIGTERM', shutdown);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    logger.fatal({ err: error }, 'Roster could not start');
    process.exit(1);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  void main();
}
