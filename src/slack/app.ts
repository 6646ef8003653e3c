/**
 * The Bolt app: HTTP mode on an Express receiver that also serves Roster's web routes, or
 * Socket Mode when an app token is set; in distributed mode the receiver also runs Slack's OAuth
 * install (/slack/install, /slack/oauth_redirect). Every request is resolved to its workspace's
 * account first; a request from a workspace without Roster gets nothing and changes nothing.
 */
import { type AckFn, App, type Context, ErrorCode, ExpressReceiver, type RespondFn, SocketModeReceiver } from '@slack/bolt';
import type { InstallationStore } from '@slack/oauth';
import type { Express } from 'express';
import type { Logger } from 'pino';
import type { Config } from '../config';
import type { InFlight } from '../in-flight';
import type { Metrics } from '../metrics/metrics-port';
import { countCommands, measureAcks } from '../metrics/slack-metrics';
import { asStoreUnreachable, storeUnreachableError } from '../store/store-unreachable';
import { bindAccount } from './account-context';
import { withinAckBudget } from './ack-budget';
import { registerActions } from './actions';
import { registerApprovalActions } from './actions/approval-actions';
import { boltLogger } from './bolt-logger';
import { registerCommands } from './commands';
import { registerEvents } from './events';
import { STORE_UNREACHABLE_BOT_ID } from './installation-store';
import { errorText } from './render-error';
import type { SlackServices } from './services';
import { slackClientOptions } from './slack-client-options';
import { registerApprovalViews } from './views/approval-submission';
import { registerBulkRolesSubmissions } from './views/bulk-roles-submissions';
import { registerInviteSubmission } from './views/invite-submission';
import { noticeModal } from './views/notice-modal';
import { registerRequestAccess } from './views/request-access-modal';
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

/** What a Slack request arriving while Roster stops is told (it was not taken). */
const STOPPING_TEXT = 'Roster is restarting; nothing was changed. Try again in a minute.';

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
  /** Counts each request until its listener is done (after the acknowledgement), so a shutdown can wait for it. */
  inFlight: InFlight;
  /** Times acknowledgements by surface and counts `/users` subcommands. */
  metrics?: Metrics;
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

  // First: a request taken is finished before the store closes; once Roster is stopping, none is taken.
  app.use(async (args) => {
    if (!deps.inFlight.closing) return deps.inFlight.track(args.next);
    await refuse(args, STOPPING_TEXT);
  });

  app.use(async (args) => {
    const { body, context, next, ack } = args;
    // Distributed mode: the installation could not be read (installation-store.ts), so neither can the account.
    if (context.botId === STORE_UNREACHABLE_BOT_ID) {
      deps.logger.warn('the store cannot be reached; told the Slack user so');
      await refuse(args, errorText(storeUnreachableError()));
      return;
    }
    const source = sourceOf(context, body);
    const services = await withinAckBudget(deps.accountFor(source)).catch(async (error: unknown) => {
      // The store is needed to know the workspace's account: say so rather than leave the user waiting.
      const unreachable = asStoreUnreachable(error);
      if (!unreachable) throw error;
      deps.logger.warn({ err: error }, 'the store cannot be reached; told the Slack user so');
      await refuse(args, errorText(unreachable));
      return undefined;
    });
    if (services === undefined) return;
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
  if (deps.metrics) {
    measureAcks(app, deps.metrics);
    app.use(countCommands(deps.metrics));
  }

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
  registerRequestAccess(app);

  app.error(async (error) => {
    // No installation for the workspace a request came from (never installed, or uninstalled).
    if (error.code === ErrorCode.AuthorizationError) {
      deps.logger.warn('refused a Slack request from a workspace without Roster');
      return;
    }
    if (asStoreUnreachable(error.original ?? error)) {
      deps.logger.warn({ err: error }, 'the store cannot be reached; a Slack request went unanswered');
      return;
    }
    deps.logger.error({ err: error }, 'unhandled error in a Slack listener');
  });
  return { app, receiver };
}

/**
 * Acknowledges a request Roster cannot take, saying why: a submitted form gets a small modal on top of it
 * (closing it goes back to the form, its inputs kept, to submit again), a request with a response URL
 * (commands, buttons) an ephemeral message; others have nowhere to be told.
 */
async function refuse(args: { ack?: AckFn<never>; body: unknown }, text: string): Promise<void> {
  if ((args.body as { type?: string }).type === 'view_submission') {
    await args.ack?.({ response_action: 'push', view: noticeModal(text) } as never);
    return;
  }
  if (args.ack) await args.ack();
  const { respond } = args as { respond?: RespondFn };
  await respond?.({ response_type: 'ephemeral', text }).catch(() => undefined);
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
