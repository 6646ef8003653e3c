/**
 * One account's part of the composition: its Slack client (its own bot token), its settings over the
 * deployment's defaults, and over them its domain services, its Slack services and its scheduler work.
 * main.ts builds one per account through the account registry.
 */
import type { WebClient } from '@slack/web-api';
import type { Logger } from 'pino';
import type { Config } from './config';
import { createServices, type Services } from './create-services';
import { createLinkDelivery } from './delivery/link-delivery';
import { catalogFor, effectiveSettings, settingsDefaults } from './domain/account/account-settings';
import type { Clock } from './domain/clock';
import type { Mailer, WebhookPoster } from './domain/ports';
import type { Metrics } from './metrics/metrics-port';
import { sendBreakGlassNotices } from './scheduler/grant-work';
import type { AccountWork } from './scheduler/scheduler';
import { createApprovalChannel } from './slack/approval-channel';
import { publishHome } from './slack/events';
import { createSchedulerNotifier } from './slack/scheduler-notifier';
import { type SlackServices, slackServicesOf } from './slack/services';
import { type SlackApi, slackApiFor } from './slack/slack-api';
import { createDirectMessages, createHolderMessenger, createSlackProfiles } from './slack/slack-people';
import { createViewStateStore } from './slack/views/view-state';
import type { Account } from './store/records';
import type { Store } from './store/tx';

/** What every account's services share: the store, the clock, the logger, the mailer, the configuration. */
export interface SharedDeps {
  config: Config;
  prisma: Store;
  clock: Clock;
  logger: Logger;
  mailer: Mailer;
  /** Tells every replica that an account changed (its settings), so each rebuilds its services. */
  accountChanged?: (accountId: string) => Promise<void>;
  /** Prometheus metrics (src/metrics), when the deployment serves them. */
  metrics?: Metrics;
  /** Sends webhook deliveries (src/delivery/webhook-http.ts): the dispatcher's and `/users webhook test`'s. */
  webhookPoster?: WebhookPoster;
  /** The one Slack Web API client of the replica, holding no token: each account sends its own per call (slack-api.ts). */
  slack: WebClient;
}

/** An account as served: its row, its Slack client and everything built over them. */
export interface AccountScope {
  account: Account;
  /** Slack's Web API with the account's bot token. */
  client: SlackApi;
  /** Every domain service of the account; each surface takes its own part (web-app.ts, SCIM, the scheduler's `work`). */
  domain: Services;
  /** The Slack surface's part (src/slack/services.ts). */
  services: SlackServices;
  work: AccountWork;
}

/** The settings in force for an account, and its catalog: its own where set, else the deployment's. */
export function settingsOf(account: Account, config: Config) {
  const defaults = settingsDefaults(config);
  const settings = effectiveSettings(account, defaults);
  return { ...settings, catalog: catalogFor(settings.catalogPreset, defaults), defaults };
}

/** Calls Slack with `botToken` (empty when the account is uninstalled: every call then fails as Slack refuses it). */
export function createAccountScope(shared: SharedDeps, account: Account, botToken: string): AccountScope {
  const { config, prisma, clock } = shared;
  const accountId = account.id;
  const logger = shared.logger.child({ accountId });
  const settings = settingsOf(account, config);
  const client = slackApiFor(shared.slack, botToken);
  const dm = createDirectMessages(client);
  const delivery = createLinkDelivery({ dm, mailer: shared.mailer, logger, accountName: account.name });
  const domain = createServices(
    { ...settings, publicUrl: config.publicUrl, linkSecret: config.linkSecret, webhooks: config.webhooks },
    {
      prisma,
      accountId,
      clock,
      logger,
      profiles: createSlackProfiles(client),
      messenger: createHolderMessenger(dm),
      delivery,
      settingsDefaults: settings.defaults,
      // Every replica rebuilds this account's services over the new settings.
      settingsChanged: (id) => void shared.accountChanged?.(id),
      metrics: shared.metrics,
      webhookPoster: shared.webhookPoster,
    },
  );
  const approvalChannel = createApprovalChannel({ client, channel: settings.approvalsChannel, dm, logger });
  const services = slackServicesOf(domain, {
    client,
    dm,
    approvalChannel,
    viewState: createViewStateStore({ prisma, accountId, clock }),
    sendBreakGlassNotices: () => sendBreakGlassNotices(work.send),
  });
  const { outbox, changes } = domain;
  const work: AccountWork = {
    due: {
      prisma,
      audit: domain.audit,
      accountId,
      clock,
      outbox,
      changes,
      policy: settings.catalog.policy,
      noticesChannel: settings.noticesChannel,
      logger,
    },
    send: {
      prisma,
      accountId,
      outbox,
      changes,
      delivery,
      links: domain.links,
      approvals: domain.approvals,
      reviews: domain.reviews,
      grants: domain.grants,
      logger,
      notifier: createSchedulerNotifier({
        client,
        dm,
        approvalChannel,
        noticesChannel: settings.noticesChannel,
        refreshHome: (slackUserId) => publishHome(services, slackUserId),
      }),
    },
  };
  return { account, client, domain, services, work };
}

/** The account behind requests that name none: it holds nothing, so every lookup in it fails. */
export function nowhereAccount(): Account {
  return {
    id: '00000000-0000-0000-0000-000000000000',
    name: 'Roster',
    slackTeamId: null,
    slackEnterpriseId: null,
    slug: null,
    ownerId: null,
    createdAt: new Date(0),
    seatLimit: null,
    inviteTtlHours: null,
    approvalsChannel: null,
    noticesChannel: null,
    catalogPreset: null,
    settingsVersion: 1,
    seatsUsed: 0,
    catalogVersion: 0,
    planSeats: null,
    firstApproversGranted: 0,
    auditSeq: 0n,
  };
}
