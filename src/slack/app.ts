/**
 * The Bolt app: HTTP mode on an Express receiver that also serves Roster's web routes, or
 * Socket Mode when an app token is set; in distributed mode the receiver also runs Slack's OAuth
 * install (/slack/install, /slack/oauth_redirect). Every request is resolved to its workspace's
 * account first; a request from a workspace without Roster gets nothing and changes nothing.
 */
import { App, type Context, ErrorCode, ExpressReceiver, SocketModeReceiver } from '@slack/bolt';
import type { InstallationStore } from '@slack/oauth';
import type { Express } from 'express';
import type { Logger } from 'pino';
import type { Config } from '../config';
import { bindAccount } from './account-context';
import { registerActions } from './actions';
import { registerApprovalActions } from './actions/approval-actions';
import { boltLogger } from './bolt-logger';
import { registerCommands } from './commands';
import { registerEvents } from './events';
import type { SlackServices } from './services';
import { slackClientOptions } from './slack-client-options';
import { registerApprovalViews } from './views/approval-submission';
import { registerBulkRolesSubmissions } from './views/bulk-roles-submissions';
import { registerInviteSubmission } from './views/invite-submission';
import { registerSettings } from './views/settings-submission';
import { registerUserModalSubmissions } from './views/user-modal-submissions';

export interface SlackApp {
  app: App;
  /** Set in HTTP mode: the Express app that serves /slack/events and Roster's web routes. */
  receiver: ExpressReceiver | SocketModeReceiver;
}

/** The workspace or organization a request came from, as Bolt's context has it. */
export interface SlackSource {
  teamId?: string;
  enterpriseId?: string;
  isEnterpriseInstall?: boolean;
}

/** The OAuth scopes Roster asks for when installed (the same as manifest.yml's). */
export const BOT_SCOPES = ['commands', 'chat:write', 'im:write', 'users:read', 'users:read.email', 'files:write'];

export function createSlackApp(deps: {
  config: Config;
  logger: Logger;
  web: Express;
  /** The services of the account a request came from, or null when Roster is not installed there. */
  accountFor: (source: SlackSource) => Promise<SlackServices | null>;
  /** Distributed mode: where Slack's OAuth install keeps installations. */
  installationStore?: InstallationStore;
  /** Slack says the app was uninstalled, or its bot token revoked, in this workspace or organization, at that time. */
  uninstalled: (source: SlackSource, happenedAt?: Date) => Promise<void>;
}): SlackApp {
  const { config } = deps;
  const logger = boltLogger(deps.logger);
  const clientOptions = slackClientOptions(config.slack.apiUrl);
  const oauth = config.slack.oauth;
  const receiver = config.slack.appToken
    ? new SocketModeReceiver({ appToken: config.slack.appToken, logger, installerOptions: { clientOptions } })
    : new ExpressReceiver({
        signingSecret: config.slack.signingSecret as string,
        app: deps.web,
        endpoints: '/slack/events',
        logger,
        ...(oauth && {
          clientId: oauth.clientId,
          clientSecret: oauth.clientSecret,
          stateSecret: oauth.stateSecret,
          scopes: BOT_SCOPES,
          installationStore: deps.installationStore,
          installerOptions: {
            directInstall: true,
            clientOptions,
            ...(config.slack.apiUrl && { authorizationUrl: new URL('/oauth/v2/authorize', config.slack.apiUrl).href }),
          },
        }),
      });
  const app = new App({ ...(oauth ? {} : { token: config.slack.botToken }), receiver, clientOptions, logger });

  app.use(async ({ body, context, next, ack }) => {
    const source = sourceOf(context, body);
    const services = await deps.accountFor(source);
    if (!services) {
      deps.logger.warn(
        { teamId: source.teamId, enterpriseId: source.enterpriseId },
        'refused a request from a workspace without Roster',
      );
      if (ack) await ack();
      return;
    }
    bindAccount(context, services);
    await next();
  });

  // Uninstalled, or the bot token revoked: the workspace's tokens go at once; its directory stays.
  app.event('app_uninstalled', async ({ context, body }) => deps.uninstalled(sourceOf(context, body), eventTime(body)));
  app.event('tokens_revoked', async ({ event, context, body }) => {
    if (event.tokens.bot?.length) await deps.uninstalled(sourceOf(context, body), eventTime(body));
  });

  registerCommands(app);
  registerActions(app);
  registerApprovalActions(app);
  registerApprovalViews(app);
  registerUserModalSubmissions(app);
  registerInviteSubmission(app);
  registerBulkRolesSubmissions(app);
  registerEvents(app);
  registerSettings(app);

  app.error(async (error) => {
    // No installation for the workspace a request came from (never installed, or uninstalled).
    if (error.code === ErrorCode.AuthorizationError) {
      deps.logger.warn('refused a Slack request from a workspace without Roster');
      return;
    }
    deps.logger.error({ err: error }, 'unhandled error in a Slack listener');
  });
  return { app, receiver };
}

/** When Slack says an event happened (whole seconds), if it says. */
function eventTime(body: unknown): Date | undefined {
  const seconds = (body as { event_time?: unknown }).event_time;
  return typeof seconds === 'number' ? new Date(seconds * 1000) : undefined;
}

function sourceOf(context: Context, body: unknown): SlackSource {
  const raw = body as { team_id?: string; enterprise_id?: string; team?: { id?: string } };
  return {
    teamId: context.teamId ?? raw.team_id ?? raw.team?.id,
    enterpriseId: context.enterpriseId ?? raw.enterprise_id,
    isEnterpriseInstall: context.isEnterpriseInstall,
  };
}
