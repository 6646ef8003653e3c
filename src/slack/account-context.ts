/**
 * Which account a Slack request belongs to. The app's first middleware resolves the workspace (or
 * Enterprise Grid organization) of every request to its account and puts that account's services on
 * Bolt's context; every listener takes them from there, so nothing it does can reach another account.
 */
import type { Context } from '@slack/bolt';
import type { SlackServices } from './services';

const KEY = 'rosterAccount';

/** Called once per request by the middleware that resolved the account. */
export function bindAccount(context: Context, services: SlackServices): void {
  context[KEY] = services;
}

/** The services of the account this request came from. */
export function servicesIn(context: Context): SlackServices {
  const services = context[KEY] as SlackServices | undefined;
  if (!services) throw new Error('a Slack listener ran without an account; the account middleware must run first');
  return services;
}
