/** What building Roster gives (src/main.ts): the running application, its store, scheduler and accounts. */
import type { Express, Router } from 'express';
import type { Logger } from 'pino';
import type { AccountRegistry } from './account-registry';
import type { Config } from './config';
import type { Services } from './create-services';
import type { Clock } from './domain/clock';
import type { Mailer } from './domain/ports';
import type { WebhookDispatcher } from './domain/webhooks/webhook-dispatcher';
import type { Scheduler } from './scheduler/scheduler';
import type { SlackServices } from './slack/services';
import type { Database } from './store/database';
import type { ServedAccount } from './tenancy';

export interface RosterOptions {
  clock?: Clock;
  logger?: Logger;
  /** How an embedded store on disk is opened: `own` (the server) or `reach` its owner (CLIs). */
  share?: 'own' | 'reach';
  /** Where e-mail goes instead of SMTP_URL or the outbox directory (the playground's visible outbox). */
  mailer?: Mailer;
  /** The address to listen on; unset, every interface. */
  host?: string;
  /** More web routes, served before the accounts' pages (the playground's page and its calls). */
  routes?: Router;
}

export interface Roster {
  config: Config;
  /** Single-workspace mode: the one account's Slack services (distributed mode: see `accounts`). */
  services: SlackServices;
  /** Single-workspace mode: every domain service of the one account. */
  domain: Services;
  scheduler: Scheduler;
  /** Delivers audit events to the accounts' webhooks (polls while started). */
  webhooks: WebhookDispatcher;
  prisma: Database['prisma'];
  /** The store, for operational reads (its kind, the embedded store's statistics). */
  database: Database;
  /** Single-workspace mode: the one account's ID. */
  accountId: string;
  /** The HTTP handler (pages, API, SCIM and, in HTTP mode, Slack's signed endpoints), to serve from a server of one's own. */
  http: Express;
  /** Every account's services, by account ID (an account is served while installed). */
  accounts: AccountRegistry<ServedAccount>;
  /** Starts listening; resolves with the bound port (PORT=0 picks a free one). */
  start(): Promise<number>;
  stop(): Promise<void>;
}

/** What `npm run sweep` builds (src/main.ts): the scheduler over the configured store and accounts, nothing that listens. */
export interface Sweeper {
  runOnce: Scheduler['runOnce'];
  stop(): Promise<void>;
}
