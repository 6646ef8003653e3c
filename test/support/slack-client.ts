/**
 * Sends correctly signed Slack requests (slash commands, block actions, view submissions,
 * events) to the real app, over HTTP or in process, as Slack would, from one workspace: its team ID, and its
 * enterprise when it is in an Enterprise Grid, are wherever Slack puts them.
 */
import { slackSignature } from '../../src/playground/slack-wire';
import { viewProblems } from './block-kit-limits';
import { FAKE_APP_ID, type FakeSlack, type RecordedResponse } from './fake-slack';

export interface SlackHttpResult {
  status: number;
  body: string;
  json?: Record<string, unknown>;
}

export interface SendOptions {
  contentType?: string;
  timestamp?: number;
  signature?: string;
}

/** The signature Slack puts on a request (src/playground/slack-wire.ts). */
export const sign = slackSignature;

export type SlackClient = ReturnType<typeof createSlackClient>;

// Shared by every client, so that clients of several workspaces never reuse a response_url or trigger.
let counter = 0;

/**
 * `enterpriseId` / `isEnterpriseInstall` default to those of the fake's workspace `teamId`
 * (none for the default workspace). `fetch` sends the requests (by default over HTTP; the listener
 * tier hands them to the app in process).
 */
export function createSlackClient(deps: {
  appUrl: string;
  signingSecret: string;
  teamId: string;
  fake: FakeSlack;
  enterpriseId?: string;
  isEnterpriseInstall?: boolean;
  fetch?: typeof fetch;
}) {
  const { appUrl, signingSecret, teamId, fake } = deps;
  const post = deps.fetch ?? fetch;
  const workspace = fake.workspace(teamId);
  const enterpriseId = deps.enterpriseId ?? workspace?.enterpriseId;
  const enterpriseName = workspace?.enterpriseName ?? (enterpriseId ? 'Roster Test Grid' : undefined);
  const isEnterpriseInstall = deps.isEnterpriseInstall ?? workspace?.isEnterpriseInstall ?? false;
  const enterprise = enterpriseId ? { id: enterpriseId, name: enterpriseName } : null;
  // Where interaction payloads name the workspace (`team`) and the grid (`enterprise`).
  const interactionTeam = {
    team: {
      id: teamId,
      domain: 'roster-test',
      ...(enterprise ? { enterprise_id: enterprise.id, enterprise_name: enterprise.name } : {}),
    },
    enterprise,
    is_enterprise_install: isEnterpriseInstall,
  };

  async function send(body: string, options: SendOptions = {}): Promise<SlackHttpResult> {
    const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
    const response = await post(appUrl, {
      method: 'POST',
      headers: {
        'content-type': options.contentType ?? 'application/x-www-form-urlencoded',
        'x-slack-request-timestamp': String(timestamp),
        'x-slack-signature': options.signature ?? sign(signingSecret, timestamp, body),
      },
      body,
    });
    const text = await response.text();
    let json: Record<string, unknown> | undefined;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: response.status, body: text, json };
  }

  function interaction(payload: Record<string, unknown>): Promise<SlackHttpResult> {
    return send(new URLSearchParams({ payload: JSON.stringify(payload) }).toString());
  }

  const client = {
    send,

    /** A slash command; returns the HTTP answer and the response_url id it carries. */
    async command(userId: string, text: string, options: { command?: string; channelId?: string } = {}) {
      const responseId = `cmd${++counter}`;
      const form = new URLSearchParams({
        token: 'legacy',
        team_id: teamId,
        team_domain: 'roster-test',
        channel_id: options.channelId ?? 'C0GENERAL',
        channel_name: 'general',
        user_id: userId,
        user_name: userId.toLowerCase(),
        command: options.command ?? '/users',
        text,
        api_app_id: FAKE_APP_ID,
        // A slash command sends this flag as the string "true" or "false".
        is_enterprise_install: String(isEnterpriseInstall),
        response_url: fake.responseUrl(responseId),
        trigger_id: `trigger.${responseId}`,
        ...(enterprise ? { enterprise_id: enterprise.id, enterprise_name: enterprise.name ?? '' } : {}),
      });
      const result = await send(form.toString());
      return { ...result, responseId };
    },

    /** Sends a command and waits for the first answer posted to its response_url. */
    async commandAndWait(userId: string, text: string, timeoutMs?: number): Promise<RecordedResponse['body']> {
      const { status, responseId } = await client.command(userId, text);
      if (status !== 200) throw new Error(`command was answered ${status}`);
      const response = await fake.waitFor(() => fake.responses.find((r) => r.id === responseId), timeoutMs);
      return response.body;
    },

    /** A button click on a message (with a response_url) or in a view. */
    async blockAction(
      userId: string,
      action: { actionId: string; value?: string; blockId?: string; view?: Record<string, unknown> },
    ) {
      const responseId = `act${++counter}`;
      const result = await interaction({
        type: 'block_actions',
        ...interactionTeam,
        user: { id: userId, team_id: teamId },
        api_app_id: FAKE_APP_ID,
        trigger_id: `trigger.${responseId}`,
        response_url: action.view ? undefined : fake.responseUrl(responseId),
        container: action.view
          ? { type: 'view', view_id: action.view.id }
          : { type: 'message', message_ts: '1.1', channel_id: 'C0GENERAL', is_ephemeral: true },
        channel: action.view ? undefined : { id: 'C0GENERAL', name: 'general' },
        view: action.view,
        actions: [
          {
            type: 'button',
            action_id: action.actionId,
            block_id: action.blockId ?? 'b',
            value: action.value,
            action_ts: String(Date.now() / 1000),
            text: { type: 'plain_text', text: action.actionId },
          },
        ],
      });
      return { ...result, responseId };
    },

    /** Clicks a button and waits for the answer on its response_url. */
    async blockActionAndWait(userId: string, action: { actionId: string; value?: string; blockId?: string }) {
      const { status, responseId } = await client.blockAction(userId, action);
      if (status !== 200) throw new Error(`action was answered ${status}`);
      return (await fake.waitFor(() => fake.responses.find((r) => r.id === responseId))).body;
    },

    /**
     * A modal submission; `values` has Slack's `state.values` shape. A view the app answers with
     * (`response_action: update | push`) past Block Kit's limits is refused, as Slack refuses it.
     */
    async viewSubmission(
      userId: string,
      view: { callbackId: string; privateMetadata?: string; values: Record<string, Record<string, unknown>>; id?: string },
    ) {
      const result = await interaction({
        type: 'view_submission',
        ...interactionTeam,
        user: { id: userId, team_id: teamId },
        api_app_id: FAKE_APP_ID,
        trigger_id: `trigger.view${++counter}`,
        view: {
          id: view.id ?? `V${counter}`,
          type: 'modal',
          callback_id: view.callbackId,
          private_metadata: view.privateMetadata ?? '',
          state: { values: view.values },
          hash: 'h',
          team_id: teamId,
          // Left out for an org-wide install, whose value here these tests have no sample of.
          ...(isEnterpriseInstall ? {} : { app_installed_team_id: teamId }),
          app_id: FAKE_APP_ID,
          bot_id: workspace ? `BBOT${teamId}` : 'BBOT',
        },
      });
      const action = result.json?.response_action;
      if (action === 'update' || action === 'push') {
        const problems = viewProblems(result.json?.view);
        if (problems.length > 0) {
          fake.rejected.push({ method: `view_submission:${action}`, problems });
          throw new Error(`Slack would refuse this view: ${problems.join('; ')}`);
        }
      }
      return result;
    },

    /**
     * An Events API delivery, e.g. `app_home_opened`, in Slack's `event_callback` envelope with
     * the one authorization (the app's bot in this workspace) Slack lists.
     */
    event(event: Record<string, unknown>, options: { eventTime?: number } = {}) {
      return send(
        JSON.stringify({
          token: 'legacy',
          team_id: teamId,
          ...(enterprise ? { enterprise_id: enterprise.id } : {}),
          api_app_id: FAKE_APP_ID,
          type: 'event_callback',
          event_id: `Ev${++counter}`,
          event_time: options.eventTime ?? Math.floor(Date.now() / 1000),
          event,
          authorizations: [
            {
              enterprise_id: enterprise?.id ?? null,
              team_id: teamId,
              user_id: fake.botUserId(teamId),
              is_bot: true,
              is_enterprise_install: isEnterpriseInstall,
            },
          ],
          is_ext_shared_channel: false,
        }),
        { contentType: 'application/json' },
      );
    },

    /** Slack's notice that the app was removed from this workspace (its tokens are revoked too). */
    appUninstalled(options: { eventTime?: number } = {}) {
      return client.event({ type: 'app_uninstalled' }, options);
    },

    /**
     * Slack's notice that tokens were revoked; it names the users the tokens belonged to, never
     * the tokens. By default: the workspace's bot token.
     */
    tokensRevoked(tokens: { oauth?: string[]; bot?: string[] } = {}, options: { eventTime?: number } = {}) {
      return client.event(
        {
          type: 'tokens_revoked',
          tokens: { oauth: tokens.oauth ?? [], bot: tokens.bot ?? [fake.botUserId(teamId)] },
        },
        options,
      );
    },
  };
  return client;
}
