/**
 * The playground's stand-in for Slack's Web API, on loopback: Roster's real Slack client calls it as it
 * would call slack.com (SLACK_API_URL), and what it posts, opens and publishes lands on the playground's
 * surfaces (slack-surfaces.ts). It also takes what Roster posts to a response_url and the files it
 * uploads. Nothing here reaches Slack.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  BOT_USER_ID,
  dmChannelOf,
  PEOPLE,
  PLAYGROUND_APP_ID,
  PLAYGROUND_TEAM,
  personByEmail,
  personById,
} from './playground-workspace';
import type { Surfaces } from './slack-surfaces';
import { parseArgs, readBody } from './slack-wire';

type Json = Record<string, unknown>;

/** Where a response_url's answers go: the person who acted, in which channel, about which message. */
export interface ResponseOrigin {
  slackId: string;
  channel: string;
  /** The message whose button was clicked; `replace_original` replaces it. */
  messageTs?: string;
}

/** How long a trigger ID opens a view, as Slack allows; and each opens one. */
const TRIGGER_MS = 3_000;
/** How long a response_url takes answers, as Slack allows. */
const RESPONSE_URL_MS = 30 * 60_000;

export interface SlackStandIn {
  /** What to set SLACK_API_URL to (ends with `/api/`). */
  apiUrl: string;
  /** The bot token it answers (SLACK_BOT_TOKEN): made afresh each start, so nothing else on the machine posts into the page. */
  botToken: string;
  /** A trigger ID that opens views for `slackId`, as Slack sends with each interaction. */
  trigger(slackId: string): string;
  /** A response_url whose answers land with `origin`. */
  responseUrl(origin: ResponseOrigin): string;
  close(): Promise<void>;
}

export async function startSlackStandIn(surfaces: Surfaces): Promise<SlackStandIn> {
  const botToken = `xoxb-playground-${randomId()}`;
  const triggers = new Map<string, { slackId: string; until: number }>();
  const origins = new Map<string, { origin: ResponseOrigin; until: number }>();
  const uploads = new Map<string, string>();
  let counter = 0;

  /** A DM is named by the person's ID or by its D-channel; both land in the D-channel. */
  function channelOf(channel: unknown): string {
    const id = String(channel ?? '');
    return id.startsWith('U') ? dmChannelOf(id) : id;
  }

  /** What a `chat.post*` call posts: the app's message in its channel. */
  function messageOf(args: Json) {
    return { channel: channelOf(args.channel), from: 'roster', text: String(args.text ?? ''), blocks: args.blocks };
  }

  function userOf(slackId: unknown): Json | null {
    const person = personById(String(slackId));
    if (!person) return null;
    return {
      id: person.slackId,
      team_id: PLAYGROUND_TEAM.id,
      name: person.email.split('@')[0],
      real_name: person.name,
      deleted: false,
      is_bot: false,
      profile: { email: person.email, real_name: person.name, display_name: person.name },
    };
  }

  function answer(method: string, args: Json): Json {
    switch (method) {
      case 'auth.test':
        return {
          ok: true,
          url: `https://${PLAYGROUND_TEAM.domain}.slack.com/`,
          team: PLAYGROUND_TEAM.name,
          team_id: PLAYGROUND_TEAM.id,
          user: 'roster',
          user_id: BOT_USER_ID,
          bot_id: 'B0ROSTERBOT',
        };
      case 'users.info': {
        const user = userOf(args.user);
        return user ? { ok: true, user } : { ok: false, error: 'user_not_found' };
      }
      case 'users.lookupByEmail': {
        const person = personByEmail(String(args.email ?? ''));
        return person ? { ok: true, user: userOf(person.slackId) } : { ok: false, error: 'users_not_found' };
      }
      case 'users.list':
        return { ok: true, members: PEOPLE.map((person) => userOf(person.slackId)) };
      case 'conversations.open': {
        const first = String(args.users ?? '').split(',')[0] ?? '';
        return personById(first) ? { ok: true, channel: { id: dmChannelOf(first) } } : { ok: false, error: 'user_not_found' };
      }
      case 'chat.postMessage': {
        const shown = surfaces.post(messageOf(args));
        return { ok: true, channel: shown.channel, ts: shown.ts, message: { text: shown.text, ts: shown.ts } };
      }
      case 'chat.postEphemeral': {
        const shown = surfaces.post({ ...messageOf(args), ephemeralTo: String(args.user) });
        return { ok: true, message_ts: shown.ts };
      }
      case 'chat.update': {
        const channel = channelOf(args.channel);
        const updated = surfaces.update(channel, String(args.ts), { text: args.text as string | undefined, blocks: args.blocks });
        return updated ? { ok: true, channel, ts: args.ts, text: args.text } : { ok: false, error: 'message_not_found' };
      }
      case 'views.open':
      case 'views.push': {
        const trigger = triggers.get(String(args.trigger_id));
        if (!trigger) return { ok: false, error: 'invalid_trigger_id' };
        triggers.delete(String(args.trigger_id));
        if (Date.now() > trigger.until) return { ok: false, error: 'expired_trigger_id' };
        const shown = surfaces.openModal(trigger.slackId, args.view as Json, method === 'views.push');
        return { ok: true, view: { ...shown.view, id: shown.id, hash: shown.hash } };
      }
      case 'views.update': {
        const shown = surfaces.updateView(String(args.view_id), args.view as Json);
        return shown ? { ok: true, view: { ...shown.view, id: shown.id, hash: shown.hash } } : { ok: false, error: 'not_found' };
      }
      case 'views.publish': {
        if (!personById(String(args.user_id))) return { ok: false, error: 'user_not_found' };
        const shown = surfaces.publishHome(String(args.user_id), args.view as Json);
        return { ok: true, view: { ...shown.view, id: shown.id, hash: shown.hash } };
      }
      case 'files.getUploadURLExternal': {
        const fileId = `F${randomId()}`;
        uploads.set(fileId, String(args.filename ?? fileId));
        return { ok: true, upload_url: `${base}/upload/${fileId}`, file_id: fileId };
      }
      case 'files.completeUploadExternal': {
        const shared = (args.files as { id: string; title?: string }[]).map((file) => ({
          id: file.id,
          name: uploads.get(file.id) ?? file.id,
        }));
        if (args.channel_id) {
          surfaces.post({
            channel: channelOf(args.channel_id),
            from: 'roster',
            text: String(args.initial_comment ?? ''),
            files: shared,
          });
        }
        return { ok: true, files: shared.map((file) => ({ id: file.id, title: file.name })) };
      }
      default:
        return { ok: false, error: 'unknown_method' };
    }
  }

  /** What Roster posts to a response_url: an ephemeral reply, a message in the channel, or a replacement. */
  function respond(origin: ResponseOrigin, posted: Json) {
    const content = { text: String(posted.text ?? ''), blocks: posted.blocks };
    const original = origin.messageTs;
    if (posted.delete_original) {
      if (original) surfaces.remove(origin.channel, original);
      return;
    }
    if (posted.replace_original && original && surfaces.message(origin.channel, original)) {
      surfaces.update(origin.channel, original, content);
      return;
    }
    const inChannel = posted.response_type === 'in_channel';
    surfaces.post({ channel: origin.channel, from: 'roster', ...content, ...(inChannel ? {} : { ephemeralTo: origin.slackId }) });
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const body = await readBody(req);
    const url = req.url ?? '/';
    if (url.startsWith('/response/')) {
      const origin = origins.get(url.slice('/response/'.length));
      if (!origin || Date.now() > origin.until) {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('no_such_response_url');
        return;
      }
      respond(origin.origin, JSON.parse(body.toString('utf8') || '{}'));
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      return;
    }
    if (url.startsWith('/upload/')) {
      const fileId = url.slice('/upload/'.length);
      const bytes = await uploadedBytes(req.headers['content-type'] ?? '', body);
      surfaces.addFile(fileId, { name: uploads.get(fileId) ?? fileId, bytes });
      res.writeHead(200, { 'content-type': 'text/plain' }).end('OK - 1');
      return;
    }
    const method = url.replace(/^\/api\//, '').split('?')[0] as string;
    const args = parseArgs(req.headers['content-type'] ?? '', body);
    const token = req.headers.authorization?.replace(/^Bearer /, '') ?? args.token;
    if (token !== botToken) {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: false, error: 'invalid_auth' }));
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer(method, args)));
  }

  /** Triggers and response_urls past their time are dropped as new ones are made. */
  function forgetExpired() {
    const now = Date.now();
    for (const [id, trigger] of triggers) if (now > trigger.until) triggers.delete(id);
    for (const [id, origin] of origins) if (now > origin.until) origins.delete(id);
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      res.writeHead(500, { 'content-type': 'text/plain' }).end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    apiUrl: `${base}/api/`,
    botToken,
    trigger(slackId) {
      forgetExpired();
      const id = `${++counter}.${PLAYGROUND_APP_ID}.${randomId()}`;
      triggers.set(id, { slackId, until: Date.now() + TRIGGER_MS });
      return id;
    },
    responseUrl(origin) {
      const id = randomId();
      origins.set(id, { origin, until: Date.now() + RESPONSE_URL_MS });
      return `${base}/response/${id}`;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** An ID nobody else on the machine can guess (response_urls, uploads, triggers). */
function randomId(): string {
  return randomBytes(12).toString('hex');
}

/** An upload's bytes: sent raw (as Roster sends them) or as a multipart form's file (as Slack's SDKs do). */
async function uploadedBytes(contentType: string, body: Buffer): Promise<Buffer> {
  if (!contentType.startsWith('multipart/form-data')) return body;
  const form = await new Response(new Uint8Array(body), { headers: { 'content-type': contentType } }).formData();
  for (const value of form.values()) {
    if (typeof value !== 'string') return Buffer.from(await value.arrayBuffer());
  }
  return body;
}
