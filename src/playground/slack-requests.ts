/**
 * What the playground's Slack sends Roster, as Slack sends it: slash commands, button clicks and
 * modal submissions, signed with the signing secret and posted to Roster's own `/slack/events`.
 */
import { BOT_USER_ID, CHANNELS, dmChannelOf, PEOPLE, PLAYGROUND_APP_ID, PLAYGROUND_TEAM } from './playground-workspace';
import type { SlackStandIn } from './slack-stand-in';
import type { ShownMessage, ShownView } from './slack-surfaces';
import { slackSignature } from './slack-wire';

type Json = Record<string, unknown>;

/** One element's state as a modal or a click reports it, in Slack's `state.values` shape. */
export type ElementState = Json & { type: string };

/** A click as the page reports it: the element, and the selection it made. */
export interface Click {
  actionId: string;
  blockId: string;
  type: string;
  value?: string;
  selectedOption?: Json;
  selectedOptions?: Json[];
  selectedConversation?: string;
  selectedUsers?: string[];
  text?: string;
}

export interface RosterAnswer {
  status: number;
  json?: Json;
}

export function createSlackRequests(deps: { eventsUrl: string; signingSecret: string; standIn: SlackStandIn }) {
  const { eventsUrl, signingSecret, standIn } = deps;
  const team = { id: PLAYGROUND_TEAM.id, domain: PLAYGROUND_TEAM.domain };

  async function send(body: string, contentType = 'application/x-www-form-urlencoded'): Promise<RosterAnswer> {
    const timestamp = Math.floor(Date.now() / 1000);
    const response = await fetch(eventsUrl, {
      method: 'POST',
      headers: {
        'content-type': contentType,
        'x-slack-request-timestamp': String(timestamp),
        'x-slack-signature': slackSignature(signingSecret, timestamp, body),
      },
      body,
    });
    const text = await response.text();
    let json: Json | undefined;
    try {
      json = text ? (JSON.parse(text) as Json) : undefined;
    } catch {
      json = undefined;
    }
    return { status: response.status, json };
  }

  /** An interaction of `type` by `slackId`, with what every interaction payload says of its workspace and app. */
  const interaction = (type: string, slackId: string, fields: Json) =>
    send(
      new URLSearchParams({
        payload: JSON.stringify({
          type,
          team,
          enterprise: null,
          is_enterprise_install: false,
          user: { id: slackId, team_id: team.id },
          api_app_id: PLAYGROUND_APP_ID,
          ...fields,
        }),
      }).toString(),
    );

  function action(click: Click): Json {
    return {
      type: click.type,
      action_id: click.actionId,
      block_id: click.blockId,
      action_ts: String(Date.now() / 1000),
      ...(click.value !== undefined ? { value: click.value } : {}),
      ...(click.text !== undefined ? { text: { type: 'plain_text', text: click.text } } : {}),
      ...(click.selectedOption ? { selected_option: click.selectedOption } : {}),
      ...(click.selectedOptions ? { selected_options: click.selectedOptions } : {}),
      ...(click.selectedConversation ? { selected_conversation: click.selectedConversation } : {}),
      ...(click.selectedUsers ? { selected_users: click.selectedUsers } : {}),
    };
  }

  /** A view as Slack sends it back: with its ID, hash and what its inputs hold. */
  function viewPayload(shown: ShownView, values: Record<string, Record<string, ElementState>>): Json {
    return {
      ...shown.view,
      id: shown.id,
      hash: shown.hash,
      team_id: PLAYGROUND_TEAM.id,
      app_id: PLAYGROUND_APP_ID,
      app_installed_team_id: PLAYGROUND_TEAM.id,
      bot_id: 'B0ROSTERBOT',
      private_metadata: shown.view.private_metadata ?? '',
      callback_id: shown.view.callback_id ?? '',
      state: { values },
    };
  }

  let events = 0;

  return {
    /** `slackId` opened the app's Home tab (Slack sends the Events API's `app_home_opened`). */
    homeOpened(slackId: string): Promise<RosterAnswer> {
      const now = Date.now() / 1000;
      const body = {
        token: 'playground',
        team_id: team.id,
        api_app_id: PLAYGROUND_APP_ID,
        type: 'event_callback',
        event_id: `Ev${Date.now()}${++events}`,
        event_time: Math.floor(now),
        event: { type: 'app_home_opened', user: slackId, channel: dmChannelOf(slackId), tab: 'home', event_ts: String(now) },
        authorizations: [{ team_id: team.id, user_id: BOT_USER_ID, is_bot: true, is_enterprise_install: false }],
        is_ext_shared_channel: false,
      };
      return send(JSON.stringify(body), 'application/json');
    },

    /** `/users <text>` typed by `slackId` in `channel`. */
    command(slackId: string, channel: string, text: string): Promise<RosterAnswer> {
      const form = new URLSearchParams({
        token: 'playground',
        team_id: team.id,
        team_domain: team.domain,
        channel_id: channel,
        channel_name: channelName(channel),
        user_id: slackId,
        user_name: slackId.toLowerCase(),
        command: '/users',
        text: escapedAsSlack(text),
        api_app_id: PLAYGROUND_APP_ID,
        is_enterprise_install: 'false',
        response_url: standIn.responseUrl({ slackId, channel }),
        trigger_id: standIn.trigger(slackId),
      });
      return send(form.toString());
    },

    /** A click on a message's button or select. */
    messageAction(slackId: string, message: ShownMessage, click: Click): Promise<RosterAnswer> {
      const ephemeral = message.ephemeralTo !== undefined;
      return interaction('block_actions', slackId, {
        trigger_id: standIn.trigger(slackId),
        response_url: standIn.responseUrl({ slackId, channel: message.channel, messageTs: message.ts }),
        container: { type: 'message', message_ts: message.ts, channel_id: message.channel, is_ephemeral: ephemeral },
        channel: { id: message.channel, name: channelName(message.channel) },
        ...(ephemeral ? {} : { message: { type: 'message', ts: message.ts, text: message.text, blocks: message.blocks } }),
        actions: [action(click)],
      });
    },

    /** A click in a modal or App Home, with what the view's inputs hold. */
    viewAction(
      slackId: string,
      shown: ShownView,
      click: Click,
      values: Record<string, Record<string, ElementState>>,
    ): Promise<RosterAnswer> {
      return interaction('block_actions', slackId, {
        trigger_id: standIn.trigger(slackId),
        container: { type: 'view', view_id: shown.id },
        view: viewPayload(shown, values),
        actions: [action(click)],
      });
    },

    /** A modal's submit button. */
    submit(slackId: string, shown: ShownView, values: Record<string, Record<string, ElementState>>): Promise<RosterAnswer> {
      return interaction('view_submission', slackId, {
        trigger_id: standIn.trigger(slackId),
        view: viewPayload(shown, values),
      });
    },

    /** A modal closed with Cancel, told only when the view asks (`notify_on_close`). */
    closed(slackId: string, shown: ShownView): Promise<RosterAnswer> {
      return interaction('view_closed', slackId, {
        view: viewPayload(shown, {}),
        is_cleared: false,
      });
    },
  };
}

export type SlackRequests = ReturnType<typeof createSlackRequests>;

/**
 * A command's text as Slack sends it with `should_escape` (manifest.yml): `&`, `<` and `>` as entities,
 * e-mail addresses as mailto links, and `@handle` of someone in the workspace as their mention.
 */
export function escapedAsSlack(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[^\s@<>|]+@[^\s@<>|]+\.[^\s@<>|]+/g, (address) => `<mailto:${address}|${address}>`)
    .replace(/(^|\s)@([a-z0-9._-]+)/gi, (whole, before: string, handle: string) => {
      const person = PEOPLE.find((candidate) => candidate.email.split('@')[0] === handle.toLowerCase());
      return person ? `${before}<@${person.slackId}|${handle}>` : whole;
    });
}

function channelName(channel: string): string {
  const known = Object.values(CHANNELS).find((candidate) => candidate.id === channel);
  return known?.name ?? (channel.startsWith('D') ? 'directmessage' : channel);
}
