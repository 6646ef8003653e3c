/**
 * A fake Slack Web API on loopback: records every call, answers as Slack does (including 429
 * with Retry-After and `ok: false` errors on demand), accepts file uploads, and catches what
 * the app posts to `response_url`s. Blocks and views past Slack's limits are refused as Slack
 * refuses them (`invalid_blocks`, `invalid_arguments`), and listed in `rejected`.
 *
 * Several workspaces can be installed: each added workspace has its own bot token, and
 * `oauth.v2.access` exchanges its install code for that token. A call is answered as the team of
 * its token; any other token (such as the single-workspace harness's) answers as the default team.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';
import { parseArgs, readBody } from '../../src/playground/slack-wire';
import { blockProblems, viewProblems } from './block-kit-limits';

export interface FakeUser {
  id: string;
  email: string;
  name?: string;
  teamId?: string;
  deleted?: boolean;
  /**
   * A Slack Connect member from another organisation: these workspaces see them too (`users.info`
   * answers with their own `team_id`); `stranger` marks them `is_stranger`, as Slack does for someone
   * met only through a shared channel.
   */
  sharedWith?: string[];
  stranger?: boolean;
}

/** A workspace the app can be installed into through `oauth.v2.access`. */
export interface FakeWorkspace {
  teamId: string;
  teamName: string;
  botToken: string;
  /** The user who installs the app; added to the workspace's users. */
  installer: FakeUser;
  enterpriseId?: string;
  enterpriseName?: string;
  /** An org-wide install: `oauth.v2.access` answers `team: null`, as Slack does. */
  isEnterpriseInstall?: boolean;
}

/** What `oauth.v2.access` grants, in the fake as in Roster's manifest. */
export const FAKE_APP_ID = 'A0ROSTER';
export const FAKE_BOT_SCOPES = 'commands,chat:write,users:read,users:read.email,im:write';

export interface RecordedCall {
  method: string;
  args: Record<string, unknown>;
  token: string | null;
}

export interface RecordedResponse {
  id: string;
  body: Record<string, unknown>;
}

type Fault = { error: string } | { status: number } | { rateLimited: number };

export interface FakeSlack {
  /** Base URL to pass as `slackApiUrl` (ends with `/api/`). */
  url: string;
  /** The default workspace: the team of every token no added workspace owns. */
  teamId: string;
  calls: RecordedCall[];
  responses: RecordedResponse[];
  uploads: { fileId: string; bytes: Buffer }[];
  /** Messages and views refused for breaking Block Kit's limits, with Slack's reasons. */
  rejected: { method: string; problems: string[] }[];
  callsTo(method: string): RecordedCall[];
  /** Calls made with `token` (as a Bearer token). */
  callsWithToken(token: string): RecordedCall[];
  /** A user without `teamId` belongs to the default workspace. */
  addUser(user: FakeUser): void;
  /** A workspace to install into; its installer joins its users. */
  addWorkspace(workspace: Omit<FakeWorkspace, 'teamName'> & { teamName?: string }): FakeWorkspace;
  workspace(teamId: string): FakeWorkspace | undefined;
  /** The code Slack hands the app's redirect URL after `teamId`'s installer approves. */
  installCode(teamId: string): string;
  /** The bot user of a workspace (`UBOT` in the default one), as `auth.test` and events name it. */
  botUserId(teamId: string): string;
  /** From now on every call with `token` answers `token_revoked`. */
  revokeToken(token: string): void;
  /** The next `times` calls to `method` fail as described. */
  failNext(method: string, fault: Fault, times?: number): void;
  /** Every call to `method` answers only after `ms` (a slow Slack); 0 turns it off. */
  slow(method: string, ms: number): void;
  /** A fresh response_url; what the app posts there lands in `responses`. */
  responseUrl(id?: string): string;
  /** Socket Mode: envelopes the app acknowledged over the WebSocket. */
  socketAcks: { envelope_id: string; payload?: unknown }[];
  /** Socket Mode: delivers an envelope (e.g. `{ type: 'slash_commands', payload }`) to the connected app. */
  socketSend(envelope: { type: string; payload: unknown }): Promise<string>;
  /** Polls until `predicate` holds (the app answers after acknowledging). */
  waitFor<T>(predicate: () => T | undefined | false, timeoutMs?: number): Promise<T>;
  reset(): void;
  close(): Promise<void>;
}

/**
 * `clientId` / `clientSecret`: when given, `oauth.v2.access` refuses others as Slack does
 * (`invalid_client_id`, `bad_client_secret`); otherwise it only requires that both are sent.
 */
export async function startFakeSlack(
  options: { teamId?: string; users?: FakeUser[]; clientId?: string; clientSecret?: string } = {},
): Promise<FakeSlack> {
  const teamId = options.teamId ?? 'T0ROSTER';
  const users = new Map<string, FakeUser>();
  const workspaces = new Map<string, FakeWorkspace>();
  const revoked = new Set<string>();
  const faults = new Map<string, Fault[]>();
  const delays = new Map<string, number>();
  let ts = 1_700_000_000;
  let responseCounter = 0;
  let fileCounter = 0;

  const fake: FakeSlack = {
    url: '',
    teamId,
    calls: [],
    responses: [],
    uploads: [],
    rejected: [],
    socketAcks: [],
    async socketSend(envelope) {
      const socket = await fake.waitFor(() => sockets.find((ws) => ws.readyState === 1));
      const envelopeId = `env${++ts}`;
      socket.send(JSON.stringify({ envelope_id: envelopeId, accepts_response_payload: false, ...envelope }));
      return envelopeId;
    },
    callsTo: (method) => fake.calls.filter((call) => call.method === method),
    callsWithToken: (token) => fake.calls.filter((call) => call.token === token),
    addUser(user) {
      users.set(user.id, user);
    },
    addWorkspace(options) {
      if (options.teamId === teamId) throw new Error(`fake Slack: ${teamId} is the default workspace`);
      const owner = workspaceOf(options.botToken);
      if (owner && owner.teamId !== options.teamId)
        throw new Error(`fake Slack: ${owner.teamId} has the token ${options.botToken}`);
      const workspace: FakeWorkspace = { ...options, teamName: options.teamName ?? `Team ${options.teamId}` };
      workspaces.set(workspace.teamId, workspace);
      fake.addUser({ ...workspace.installer, teamId: workspace.teamId });
      return workspace;
    },
    workspace: (id) => workspaces.get(id),
    installCode: (id) => `code-${id}`,
    botUserId: (id) => (id === teamId ? 'UBOT' : `UBOT${id}`),
    revokeToken(token) {
      revoked.add(token);
    },
    slow(method, ms) {
      delays.set(method, ms);
    },
    failNext(method, fault, times = 1) {
      faults.set(method, [...(faults.get(method) ?? []), ...Array.from({ length: times }, () => fault)]);
    },
    responseUrl(id) {
      const name = id ?? `r${++responseCounter}`;
      return `${base}/response/${name}`;
    },
    async waitFor(predicate, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const value = predicate();
        // A promise is always truthy: an async check would return at once and never wait.
        if (value instanceof Promise) throw new Error('fake Slack: waitFor takes a synchronous check');
        if (value) return value as never;
        if (Date.now() > deadline) throw new Error('fake Slack: timed out waiting for the expected calls');
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
    reset() {
      fake.calls.length = 0;
      fake.responses.length = 0;
      fake.uploads.length = 0;
      fake.rejected.length = 0;
      faults.clear();
      delays.clear();
    },
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.terminate();
        wss.close();
        server.close(() => resolve());
      }),
  };
  for (const user of options.users ?? []) fake.addUser(user);

  /** Slack's own refusal of blocks or a view past Block Kit's limits, or null. */
  function refusal(method: string, args: Record<string, unknown>): Record<string, unknown> | null {
    const isView = method.startsWith('views.');
    if (!isView && !method.startsWith('chat.')) return null;
    const problems = isView ? viewProblems(args.view) : args.blocks ? blockProblems(args.blocks, 'message') : [];
    if (problems.length === 0) return null;
    fake.rejected.push({ method, problems });
    const messages = problems.map((problem) => `[ERROR] ${problem}`);
    return isView
      ? { ok: false, error: 'invalid_arguments', response_metadata: { messages } }
      : { ok: false, error: 'invalid_blocks', errors: problems, response_metadata: { messages } };
  }

  /** The workspace a token belongs to; undefined is the default one. */
  function workspaceOf(token: string | null): FakeWorkspace | undefined {
    if (!token) return undefined;
    return [...workspaces.values()].find((workspace) => workspace.botToken === token);
  }

  /** Slack's answer to exchanging an install code: the workspace's bot token and who installed. */
  function oauthAccess(args: Record<string, unknown>): Record<string, unknown> {
    if (!args.client_id || (options.clientId && args.client_id !== options.clientId)) {
      return { ok: false, error: 'invalid_client_id' };
    }
    if (!args.client_secret || (options.clientSecret && args.client_secret !== options.clientSecret)) {
      return { ok: false, error: 'bad_client_secret' };
    }
    const workspace = [...workspaces.values()].find((w) => fake.installCode(w.teamId) === args.code);
    if (!workspace) return { ok: false, error: 'invalid_code' };
    const enterprise = workspace.enterpriseId ? { id: workspace.enterpriseId, name: workspace.enterpriseName ?? '' } : null;
    return {
      ok: true,
      app_id: FAKE_APP_ID,
      authed_user: { id: workspace.installer.id },
      scope: FAKE_BOT_SCOPES,
      token_type: 'bot',
      access_token: workspace.botToken,
      bot_user_id: fake.botUserId(workspace.teamId),
      team: workspace.isEnterpriseInstall ? null : { id: workspace.teamId, name: workspace.teamName },
      enterprise,
      is_enterprise_install: workspace.isEnterpriseInstall ?? false,
    };
  }

  function authTest(workspace: FakeWorkspace | undefined): Record<string, unknown> {
    if (!workspace) {
      return {
        ok: true,
        url: 'https://roster-test.slack.com/',
        team: 'Roster Test',
        team_id: teamId,
        user_id: 'UBOT',
        bot_id: 'BBOT',
        user: 'roster',
      };
    }
    const id = workspace.teamId;
    return {
      ok: true,
      // InstallProvider keeps an org install's URL as its `enterpriseUrl`.
      url: workspace.isEnterpriseInstall
        ? `https://${workspace.enterpriseId?.toLowerCase()}.enterprise.slack.com/`
        : `https://${id.toLowerCase()}.slack.com/`,
      team: workspace.teamName,
      team_id: id,
      user_id: fake.botUserId(id),
      bot_id: `BBOT${id}`,
      user: 'roster',
      ...(workspace.enterpriseId ? { enterprise_id: workspace.enterpriseId } : {}),
      ...(workspace.isEnterpriseInstall ? { is_enterprise_install: true } : {}),
    };
  }

  /** Members of a Grid workspace carry their organisation, as `users.info` gives it. */
  function enterpriseUserOf(found: FakeUser): Record<string, unknown> {
    const home = workspaces.get(found.teamId ?? teamId);
    if (!home?.enterpriseId) return {};
    return { enterprise_user: { id: found.id, enterprise_id: home.enterpriseId, teams: [home.teamId] } };
  }

  function answer(method: string, args: Record<string, unknown>, token: string | null): Record<string, unknown> {
    const refused = refusal(method, args);
    if (refused) return refused;
    const workspace = workspaceOf(token);
    const callerTeam = workspace?.teamId ?? teamId;
    const teamOf = (found: FakeUser) => found.teamId ?? teamId;
    // A token sees only the users of its own workspace.
    const user = (id: unknown) => {
      const found = users.get(String(id));
      return found && (teamOf(found) === callerTeam || found.sharedWith?.includes(callerTeam)) ? found : undefined;
    };
    switch (method) {
      case 'apps.connections.open':
        return { ok: true, url: `${base.replace('http', 'ws')}/socket` };
      case 'oauth.v2.access':
        return oauthAccess(args);
      case 'auth.test':
        return authTest(workspace);
      case 'users.info': {
        const found = user(args.user);
        if (!found) return { ok: false, error: 'user_not_found' };
        return {
          ok: true,
          user: {
            id: found.id,
            team_id: teamOf(found),
            name: found.name ?? found.email.split('@')[0],
            real_name: found.name ?? '',
            deleted: found.deleted ?? false,
            ...(found.stranger ? { is_stranger: true } : {}),
            ...enterpriseUserOf(found),
            profile: { email: found.email, real_name: found.name ?? '' },
          },
        };
      }
      case 'users.lookupByEmail': {
        const found = [...users.values()].find(
          (u) => teamOf(u) === callerTeam && u.email.toLowerCase() === String(args.email).toLowerCase() && !u.deleted,
        );
        if (!found) return { ok: false, error: 'users_not_found' };
        return { ok: true, user: { id: found.id, team_id: teamOf(found), profile: { email: found.email } } };
      }
      case 'conversations.open':
        return { ok: true, channel: { id: `D${String(args.users).split(',')[0]}` } };
      case 'chat.postMessage':
        return { ok: true, channel: args.channel, ts: `${++ts}.000100`, message: { text: args.text } };
      case 'chat.postEphemeral':
        return { ok: true, message_ts: `${++ts}.000200` };
      case 'chat.update':
        return { ok: true, channel: args.channel, ts: args.ts, text: args.text };
      case 'views.open':
      case 'views.update':
      case 'views.push':
      case 'views.publish':
        return { ok: true, view: { id: `V${++ts}`, ...(args.view as object) } };
      case 'files.getUploadURLExternal': {
        const fileId = `F${++fileCounter}`;
        return { ok: true, upload_url: `${base}/upload/${fileId}`, file_id: fileId };
      }
      case 'files.completeUploadExternal':
        return { ok: true, files: (args.files as { id: string }[]).map((file) => ({ id: file.id, title: file.id })) };
      default:
        return { ok: false, error: 'unknown_method' };
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const body = await readBody(req);
    const url = req.url ?? '/';
    if (url.startsWith('/response/')) {
      const posted = JSON.parse(body.toString('utf8') || '{}');
      const problems = posted.blocks ? blockProblems(posted.blocks, 'message') : [];
      if (problems.length > 0) {
        // Slack answers a response_url post with bad blocks 400 and shows nothing.
        fake.rejected.push({ method: 'response_url', problems });
        res.writeHead(400, { 'content-type': 'text/plain' }).end('invalid_blocks');
        return;
      }
      fake.responses.push({ id: url.slice('/response/'.length), body: posted });
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      return;
    }
    if (url.startsWith('/upload/')) {
      fake.uploads.push({ fileId: url.slice('/upload/'.length), bytes: body });
      res.writeHead(200, { 'content-type': 'text/plain' }).end('OK - 1');
      return;
    }
    const method = url.replace(/^\/api\//, '').split('?')[0] as string;
    const args = parseArgs(req.headers['content-type'] ?? '', body);
    const { token: bearer, client } = credentials(req.headers.authorization);
    // Slack takes a token as a Bearer header or a `token` field alike, and an OAuth client's id and
    // secret as form fields or as HTTP Basic auth alike.
    const token = bearer ?? (typeof args.token === 'string' && args.token ? args.token : null);
    delete args.token;
    Object.assign(args, client);
    fake.calls.push({ method, args, token });
    if (token && revoked.has(token)) {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: false, error: 'token_revoked' }));
      return;
    }
    const delay = delays.get(method) ?? 0;
    if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
    const queued = faults.get(method);
    const fault = queued?.shift();
    if (fault) {
      if ('rateLimited' in fault) {
        res
          .writeHead(429, { 'retry-after': String(fault.rateLimited), 'content-type': 'application/json' })
          .end(JSON.stringify({ ok: false, error: 'ratelimited' }));
        return;
      }
      if ('status' in fault) {
        res
          .writeHead(fault.status, { 'content-type': 'application/json' })
          .end(JSON.stringify({ ok: false, error: 'internal_error' }));
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: false, error: fault.error }));
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer(method, args, token)));
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error) => {
      res.writeHead(500).end(String(error));
    });
  });
  const sockets: WebSocket[] = [];
  const wss = new WebSocketServer({ server, path: '/socket' });
  wss.on('connection', (socket) => {
    sockets.push(socket);
    socket.send(JSON.stringify({ type: 'hello', num_connections: 1 }));
    socket.on('message', (data) => fake.socketAcks.push(JSON.parse(String(data))));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  fake.url = `${base}/api/`;
  return fake;
}

/** A Bearer token, or an OAuth client sent as HTTP Basic auth. */
function credentials(header: string | undefined): {
  token: string | null;
  client?: { client_id: string; client_secret: string };
} {
  if (!header) return { token: null };
  if (!header.startsWith('Basic ')) return { token: header.replace(/^Bearer /, '') };
  const decoded = Buffer.from(header.slice('Basic '.length), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return { token: null, client: { client_id: decoded.slice(0, colon), client_secret: decoded.slice(colon + 1) } };
}
