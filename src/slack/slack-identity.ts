/**
 * Start-up's first call to Slack: who the bot token belongs to (the workspace's ID and name).
 * When Slack refuses the token or cannot be reached, start-up stops with one plain sentence.
 */
import { ErrorCode, type WebClient } from '@slack/web-api';
import { ConfigError } from '../errors';

const SLACK_API = 'https://slack.com/api/';

/** The workspace the bot token belongs to. */
export interface SlackIdentity {
  teamId: string | null;
  teamName: string | null;
}

/** Calls `auth.test`; any failure becomes a ConfigError whose message is one line saying what to check. */
export async function slackIdentity(client: WebClient, apiUrl: string | undefined): Promise<SlackIdentity> {
  try {
    const auth = await client.auth.test();
    return { teamId: auth.team_id ?? null, teamName: auth.team?.trim() || null };
  } catch (error) {
    throw new ConfigError(`Roster cannot start: ${describeFailure(error, apiUrl ?? SLACK_API)}`);
  }
}

function describeFailure(error: unknown, url: string): string {
  const failure = error as {
    code?: string;
    statusCode?: number;
    data?: { error?: string };
    original?: { message?: string; cause?: { code?: string; message?: string } };
  };
  switch (failure.code) {
    case ErrorCode.RequestError: {
      const cause = failure.original?.cause;
      const reason = cause?.code ?? cause?.message ?? failure.original?.message ?? 'no answer';
      return `Slack's Web API at ${url} cannot be reached (${reason}). Check SLACK_API_URL (leave it unset for Slack's own) and this machine's network.`;
    }
    case ErrorCode.HTTPError:
      return `Slack's Web API at ${url} answered HTTP ${failure.statusCode}. Check SLACK_API_URL (leave it unset for Slack's own).`;
    case ErrorCode.PlatformError:
      return `Slack refused SLACK_BOT_TOKEN (${failure.data?.error}). Copy the Bot User OAuth Token (xoxb-…) again from OAuth & Permissions at https://api.slack.com/apps, and reinstall the app if it was removed.`;
    default:
      return `Slack's Web API at ${url} did not answer as expected (${(error as Error).message}). Check SLACK_API_URL and SLACK_BOT_TOKEN.`;
  }
}
