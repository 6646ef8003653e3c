/**
 * Web API client options shared by Bolt's client and Roster's own: Slack's URL (a fake in
 * tests), and retries short enough for interactive work — 429s wait out `Retry-After` and retry.
 */
import type { WebClientOptions } from '@slack/web-api';

export function slackClientOptions(apiUrl: string | undefined): WebClientOptions {
  return {
    ...(apiUrl ? { slackApiUrl: apiUrl } : {}),
    retryConfig: { retries: 3, factor: 1.5, minTimeout: 250, maxTimeout: 3000 },
  };
}
