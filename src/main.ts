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
import { createLinkDelivery } from './delivery/link-delivery';
import { createMailer } from './delivery/mailer';
import { createAccessService } from './domain/access/access-service';
import { bootstrapAccount } from './domain/account/bootstrap';
import {
  createCredentialExecutors,
  createDeletionExecutors,
  createDirectoryExecutors,
} from './domain/approvals/approval-executors';
import { createApprovalService } from './domain/approvals/approval-service';
import { createAssetService } from './domain/assets/asset-service';
import { createAuditService } from './domain/audit/audit-service';
import { type Clock, systemClock } from './domain/clock';
import { createCredentialService } from './domain/credentials/credential-service';
import { createSignInService } from './domain/credentials/sign-in-service';
import { createDeletionService } from './domain/deletion/deletion-service';
import { createDirectoryService } from './domain/directory/directory-service';
import { createExportService } from './domain/export/export-service';
import { createGroupService } from './domain/groups/group-service';
import { createHomeService } from './domain/home/home-service';
import { createInviteLinks } from './domain/invites/invite-links';
import { createInviteService } from './domain/invites/invite-service';
import { createNoticeOutbox } from './domain/notices/notice-outbox';
import { createRoleService } from './domain/users/role-service';
import { createUserChanger } from './domain/users/user-change';
import { createUserService } from './domain/users/user-service';
import { ConfigError } from './errors';
import { createLogger } from './logger';
import { createScheduler, type Scheduler } from './scheduler/scheduler';
import { createSlackApp } from './slack/app';
import { createApprovalChannel } from './slack/approval-channel';
import { boltLogger } from './slack/bolt-logger';
import { createSchedulerNotifier } from './slack/scheduler-notifier';
import type { SlackServices } from './slack/services';
import { slackClientOptions } from './slack/slack-client-options';
import { createDirectMessages, createHolderMessenger, createSlackProfiles } from './slack/slack-people';
import { type Database, openDatabase } from './store/database';
import { apiRoutes } from './web/api-routes';
import { createCsrf } from './web/csrf';
import { healthRoutes } from './web/health-routes';
import { createRateLimit } from './web/rate-limit';
import { webPages } from './web/web-pages';

export interface RosterOptions {
  clock?: Clock;
  logger?: Logger;
}

export interface Roster {
  config: Config;
  services: SlackServices;
  scheduler: Scheduler;
  prisma: Database['prisma'];
  accountId: string;
  /** Starts listening; resolves with the bound port (PORT=0 picks a free one). */
  start(): Promise<number>;
  stop(): Promise<void>;
}

/** Builds Roster from a validated configuration; nothing listens until `start()`. */
export async function buildRoster(config: Config, options: RosterOptions = {}): Promise<Roster> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, logger });
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
  const auth = await client.auth.test().catch((error: unknown) => {
    const reason = (error as { data?: { error?: string } }).data?.error ?? (error as Error).message;
    throw new ConfigError(
      `Roster cannot start: Slack refused or did not answer auth.test (${reason}). Check SLACK_BOT_TOKEN and SLACK_API_URL.`,
    );
  });
  const teamId = auth.team_id ?? null;
  if (teamId) {
    await prisma.account.updateMany({ where: { id: accountId, slackTeamId: null }, data: { slackTeamId: teamId } });
  }
  const account = await prisma.account.findUniqueOrThrow({ where: { id: accountId } });
  if (teamId && account.slackTeamId && account.slackTeamId !== teamId) {
    throw new ConfigError(
      `Roster cannot start: this directory belongs to Slack workspace ${account.slackTeamId}, but SLACK_BOT_TOKEN is for ${teamId}.`,
    );
  }

  const audit = createAuditService({ db: prisma, accountId, clock });
  const directory = createDirectoryService({ prisma, accountId, clock, seatLimit: config.seatLimit });
  const dm = createDirectMessages(client);
  const mailer = createMailer({
    smtpUrl: config.smtpUrl,
    outboxDir: path.join(config.dataDir, 'outbox'),
    // No variable of its own: mail comes from roster@ the host of PUBLIC_URL.
    from: `Roster <roster@${new URL(config.publicUrl).hostname}>`,
  });
  const delivery = createLinkDelivery({ dm, mailer, logger });
  const links = createInviteLinks({ secret: config.linkSecret, publicUrl: config.publicUrl });
  const access = createAccessService({ prisma, accountId, profiles: createSlackProfiles(client) });
  const changer = createUserChanger({ prisma, accountId, audit, directory });
  const users = createUserService({ prisma, accountId, audit, directory, changer });
  const roles = createRoleService({ prisma, accountId, audit, directory, changer });
  const deletion = createDeletionService({ prisma, accountId, audit, directory });
  const credentials = createCredentialService({
    prisma,
    accountId,
    clock,
    audit,
    directory,
    messenger: createHolderMessenger(dm),
    delivery,
    publicUrl: config.publicUrl,
    passwordLinkTtlHours: config.catalog.policy.passwordLinkTtlHours,
  });
  const approvals = createApprovalService({
    prisma,
    accountId,
    clock,
    audit,
    policy: config.catalog.policy.approvals,
    enabled: config.approvalsChannel !== undefined,
    executors: {
      ...createDirectoryExecutors({ users, roles }),
      ...createCredentialExecutors({ credentials }),
      ...createDeletionExecutors({ deletion }),
    },
    actorById: (userId) => access.actorForUserId(userId, 'approval'),
  });
  const services: SlackServices = {
    logger,
    audit,
    directory,
    access,
    dm,
    users,
    roles,
    groups: createGroupService({ prisma, accountId, audit }),
    credentials,
    deletion,
    exports: createExportService({ prisma, accountId, clock, audit }),
    home: createHomeService({ prisma, accountId, clock, directory, approvals, audit }),
    approvals,
    approvalChannel: createApprovalChannel({ client, channel: config.approvalsChannel, dm, logger }),
    invites: createInviteService({
      prisma,
      accountId,
      clock,
      audit,
      directory,
      delivery,
      links,
      seatLimit: config.seatLimit,
      inviteTtlHours: config.inviteTtlHours,
    }),
  };

  const web = express();
  web.disable('x-powered-by');
  web.use(healthRoutes({ ready: database.ping }));
  const signIn = createSignInService({ prisma, accountId, clock, audit });
  web.use(webPages({ signIn, csrf: createCsrf(config.linkSecret), logger }));
  web.use(
    apiRoutes({
      signIn,
      assets: createAssetService({ prisma, accountId, audit }),
      rateLimit: createRateLimit({ prisma, clock }),
      logger,
    }),
  );
  const slack = createSlackApp({ config, services, web, teamId: () => account.slackTeamId ?? teamId });
  const outbox = createNoticeOutbox({ prisma, accountId, clock });
  const scheduler = createScheduler({
    due: { prisma, audit, accountId, clock, outbox, policy: config.catalog.policy },
    send: {
      prisma,
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
    accountId,
    async start() {
      scheduler.start();
      if (!config.slack.appToken) {
        const server = (await slack.app.start(config.port)) as Server;
        return (server.address() as AddressInfo).port;
      }
      await slack.app.start();
      const server = web.listen(config.port);
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
