/**
 * The Bolt app: HTTP mode on an Express receiver that also serves Roster's web routes, or
 * Socket Mode when an app token is set. Requests from another workspace are refused.
 */
import { App, ExpressReceiver, SocketModeReceiver } from '@slack/bolt';
import type { Express } from 'express';
import type { Config } from '../config';
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
import { registerUserModalSubmissions } from './views/user-modal-submissions';

export interface SlackApp {
  app: App;
  /** Set in HTTP mode: the Express app that serves /slack/events and Roster's web routes. */
  receiver: ExpressReceiver | SocketModeReceiver;
}

export function createSlackApp(deps: {
  config: Config;
  services: SlackServices;
  web: Express;
  teamId: () => string | null;
}): SlackApp {
  const { config, services } = deps;
  const logger = boltLogger(services.logger);
  const clientOptions = slackClientOptions(config.slack.apiUrl);
  const receiver = config.slack.appToken
    ? new SocketModeReceiver({ appToken: config.slack.appToken, logger, installerOptions: { clientOptions } })
    : new ExpressReceiver({
        signingSecret: config.slack.signingSecret as string,
        app: deps.web,
        endpoints: '/slack/events',
        logger,
      });
  const app = new App({ token: config.slack.botToken, receiver, clientOptions, logger });

  app.use(async ({ body, context, next, ack }) => {
    const expected = deps.teamId();
    const teamId = context.teamId ?? (body as { team_id?: string }).team_id;
    if (expected && teamId && teamId !== expected) {
      services.logger.warn({ teamId }, 'refused a request from another workspace');
      if (ack) await ack();
      return;
    }
    await next();
  });

  registerCommands(app, services);
  registerActions(app, services);
  registerApprovalActions(app, services);
  registerApprovalViews(app, services);
  registerUserModalSubmissions(app, services);
  registerInviteSubmission(app, services);
  registerBulkRolesSubmissions(app, services);
  registerEvents(app, services);

  app.error(async (error) => {
    services.logger.error({ err: error }, 'unhandled error in a Slack listener');
  });
  return { app, receiver };
}
