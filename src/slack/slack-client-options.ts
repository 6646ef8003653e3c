/**
 * Web API client options shared by Bolt's client and Roster's own: Slack's URL (a fake in
 * tests), and retries short enough for interactive work — 429s wait out `Retry-After` and retry.
 */
import { WebClient, type WebClientOptions } from '@slack/web-api';
import type { Logger } from 'pino';
import type { Config } from '../config';
import { boltLogger } from './bolt-logger';

export function slackClientOptions(apiUrl: string | undefined): WebClientOptions {
  return {
    ...(apiUrl ? { slackApiUrl: apiUrl } : {}),
    retryConfig: { retries: 3, factor: 1.5, minTimeout: 250, maxTimeout: 3000 },
  };
}

/**
 * How many Slack calls the replica's one client sends at once, over every workspace (slack-api.ts):
 * past it, calls queue. High enough that one workspace's slow calls do not hold up the others'.
 */
export const SLACK_CALLS_IN_FLIGHT = 1_000;

/**
 * The server console's client (`npm run accounts`, `recover-owner`), holding no token either: one attempt
 * per call, so a dead Slack is reported at once rather than retried for minutes, and no warning per failure.
 */
export function consoleSlackClient(config: Pick<Config, 'slack'>, logger: Logger): WebClient {
  return new WebClient(undefined, {
    ...slackClientOptions(config.slack.apiUrl),
    retryConfig: { retries: 0 },
    logger: boltLogger(logger.child({}, { level: 'silent' })),
  });
}

/** The replica's one Web API client, holding no token: every account sends its own bot token per call. */
export function sharedSlackClient(config: Pick<Config, 'slack'>, logger: Logger): WebClient {
  return new WebClient(undefined, {
    ...slackClientOptions(config.slack.apiUrl),
    maxRequestConcurrency: SLACK_CALLS_IN_FLIGHT,
    logger: boltLogger(logger),
  });
}
