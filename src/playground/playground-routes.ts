/**
 * The playground's page and what it calls, served beside Roster's own pages (only in playground
 * mode): the state of the workspace as one person sees it (long-polled), and the commands, clicks and
 * submissions that person makes, which go to Roster as Slack would send them (slack-requests.ts).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type Request, type Response, Router } from 'express';
import type { Logger } from 'pino';
import { z } from 'zod';
import { DAY_MS } from '../domain/clock';
import type { PassReport } from '../scheduler/account-steps';
import type { OutboxMail } from './playground-outbox';
import { CHANNELS, dmChannelOf, PEOPLE, PLAYGROUND_TEAM, personById } from './playground-workspace';
import type { SlackRequests } from './slack-requests';
import type { ShownMessage, Surfaces } from './slack-surfaces';

const PAGE_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'page');
const ASSETS = new Map([
  ['playground.js', 'text/javascript; charset=utf-8'],
  ['block-kit.js', 'text/javascript; charset=utf-8'],
  ['mrkdwn.js', 'text/javascript; charset=utf-8'],
  ['workspace.js', 'text/javascript; charset=utf-8'],
  ['playground.css', 'text/css; charset=utf-8'],
]);
/** How long a state request waits for something to change before answering anyway. */
const LONG_POLL_MS = 20_000;

const slackId = z.string().refine((id) => personById(id) !== undefined, 'someone in the playground workspace');
const elementState = z.record(z.string(), z.record(z.string(), z.looseObject({ type: z.string() })));
const click = z.object({
  actionId: z.string().max(255),
  blockId: z.string().max(255),
  type: z.string().max(60),
  value: z.string().max(2000).optional(),
  text: z.string().max(2000).optional(),
  selectedOption: z.looseObject({}).optional(),
  selectedOptions: z.array(z.looseObject({})).max(100).optional(),
  selectedConversation: z.string().max(30).optional(),
  selectedUsers: z.array(z.string().max(30)).max(100).optional(),
});
const commandBody = z.object({ as: slackId, channel: z.string().max(30), text: z.string().max(4000) });
const actionBody = z.object({
  as: slackId,
  message: z.object({ channel: z.string().max(30), ts: z.string().max(40) }).optional(),
  viewId: z.string().max(40).optional(),
  click,
  values: elementState.optional(),
});
const submitBody = z.object({ as: slackId, viewId: z.string().max(40), values: elementState });
const closeBody = z.object({ as: slackId, viewId: z.string().max(40) });
const fastForwardBody = z.object({ days: z.number().min(0.01).max(30) });

export interface PlaygroundDeps {
  surfaces: Surfaces;
  requests: SlackRequests;
  mails(): OutboxMail[];
  clock: { now(): Date; advance(ms: number): void; readonly aheadMs: number };
  /** One scheduler pass, as the cron schedule would run it. */
  runScheduler(): Promise<PassReport>;
  /** Roster's own invite and password pages. */
  publicUrl: string;
  logger: Logger;
}

export function playgroundRoutes(deps: PlaygroundDeps): Router {
  const { surfaces, requests } = deps;
  const router = Router({ caseSensitive: true, strict: true });
  const page = readFileSync(path.join(PAGE_DIR, 'index.html'), 'utf8');

  // Every request, the page's and Roster's own, only at the playground's own address: a page elsewhere
  // that rebinds its name to this machine's loopback must not act as the owner (DNS rebinding).
  const { hostname, port } = new URL(deps.publicUrl);
  const hosts = new Set([`${hostname}:${port}`, `localhost:${port}`, `127.0.0.1:${port}`]);
  router.use((req, res, next) => {
    if (hosts.has(req.headers.host?.toLowerCase() ?? '')) {
      next();
      return;
    }
    res.status(421).type('text').send(`Open the playground at ${deps.publicUrl}/playground.`);
  });

  router.get('/', (_req, res) => {
    res.redirect(302, '/playground');
  });
  router.get('/favicon.ico', (_req, res) => {
    res.status(204).end();
  });
  router.get('/playground', (_req, res) => {
    res.type('html').set('cache-control', 'no-store').send(page);
  });
  router.get('/playground/assets/:name', (req, res) => {
    const type = ASSETS.get(req.params.name);
    if (!type) {
      res.status(404).end();
      return;
    }
    res
      .type(type)
      .set('cache-control', 'no-store')
      .send(readFileSync(path.join(PAGE_DIR, req.params.name), 'utf8'));
  });
  router.get('/playground/files/:id', (req, res) => {
    const file = surfaces.file(req.params.id);
    if (!file) {
      res.status(404).type('text').send('No such file: it was uploaded before the playground last started.');
      return;
    }
    res.attachment(file.name).send(file.bytes);
  });

  router.get('/playground/state', async (req, res) => {
    const as = slackId.safeParse(req.query.as);
    if (!as.success) {
      res.status(400).json({ error: 'as: choose someone in the playground workspace' });
      return;
    }
    const since = Number(req.query.since ?? -1);
    // A revision past the current one is from before a restart: answer at once.
    if (since === surfaces.revision) await surfaces.changedSince(since, LONG_POLL_MS);
    res.set('cache-control', 'no-store').json(stateFor(as.data));
  });

  const json = express.json({ limit: '512kb' });

  router.post('/playground/command', json, (req, res) =>
    handle(req, res, commandBody, async ({ as, channel, text }) => {
      if (!channelsOf(as).some((known) => known.id === channel))
        return { status: 400, error: `channel: ${channel} is not a channel you are in.` };
      surfaces.post({ channel, from: as, text: `/users ${text}`.trim(), ephemeralTo: as });
      return requests.command(as, channel, text);
    }),
  );

  router.post('/playground/action', json, (req, res) =>
    handle(req, res, actionBody, async ({ as, message, viewId, click, values }) => {
      if (message) {
        const shown = surfaces.message(message.channel, message.ts);
        if (!shown || !seenBy(shown, as)) return { status: 404, error: 'That message is gone.' };
        return requests.messageAction(as, shown, click);
      }
      // A click in the person's App Home or in the modal on top of their stack; nothing else is on screen.
      const shown = viewId ? surfaces.view(viewId) : undefined;
      const onScreen = shown && (surfaces.topModal(as)?.id === viewId || surfaces.home(as)?.id === viewId);
      if (!shown || !onScreen) return { status: 404, error: 'That view is closed.' };
      return requests.viewAction(as, shown, click, values ?? {});
    }),
  );

  router.post('/playground/submit', json, (req, res) =>
    handle(req, res, submitBody, async ({ as, viewId, values }) => {
      const shown = surfaces.topModal(as);
      if (!shown || shown.id !== viewId) return { status: 404, error: 'That modal is closed.' };
      const answer = await requests.submit(as, shown, values);
      const reply = answer.json ?? {};
      switch (reply.response_action) {
        case 'errors':
          surfaces.showErrors(viewId, (reply.errors ?? {}) as Record<string, string>);
          break;
        case 'update':
          surfaces.updateView(viewId, reply.view as Record<string, unknown>);
          break;
        case 'push':
          surfaces.openModal(as, reply.view as Record<string, unknown>, true);
          break;
        case 'clear':
          surfaces.closeModal(as, true);
          break;
        default:
          if (answer.status === 200 && surfaces.topModal(as)?.id === viewId) surfaces.closeModal(as);
      }
      return answer;
    }),
  );

  router.post('/playground/close', json, (req, res) =>
    handle(req, res, closeBody, async ({ as, viewId }) => {
      const shown = surfaces.topModal(as);
      if (!shown || shown.id !== viewId) return { status: 200 };
      surfaces.closeModal(as);
      return shown.view.notify_on_close ? requests.closed(as, shown) : { status: 200 };
    }),
  );

  router.post('/playground/home-opened', json, (req, res) =>
    handle(req, res, z.object({ as: slackId }), ({ as }) => requests.homeOpened(as)),
  );

  router.post('/playground/fast-forward', json, (req, res) =>
    handle(req, res, fastForwardBody, async ({ days }) => {
      deps.clock.advance(days * DAY_MS);
      surfaces.touch();
      const report = await deps.runScheduler();
      surfaces.touch();
      return { status: 200, json: { now: deps.clock.now().toISOString(), report } };
    }),
  );

  /** Validates the body, runs the step, and answers with Roster's status (a refusal names what was wrong). */
  async function handle<T>(
    req: Request,
    res: Response,
    schema: z.ZodType<T>,
    step: (body: T) => Promise<{ status: number; json?: Record<string, unknown>; error?: string }>,
  ) {
    const parsed = schema.safeParse(req.body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      res.status(400).json({ error: `${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'not valid'}` });
      return;
    }
    try {
      const answer = await step(parsed.data);
      if (answer.status !== 200) {
        const status = answer.status === 404 || answer.status === 400 ? answer.status : 502;
        res.status(status).json({ error: answer.error ?? `Roster answered ${answer.status}.` });
        return;
      }
      res.json(answer.json ?? {});
    } catch (err) {
      deps.logger.error({ err }, 'the playground could not reach Roster');
      res.status(502).json({ error: 'Roster did not answer; see its log.' });
    }
  }

  function stateFor(as: string) {
    const channels = channelsOf(as);
    const top = surfaces.topModal(as);
    const home = surfaces.home(as);
    return {
      revision: surfaces.revision,
      team: PLAYGROUND_TEAM.name,
      now: deps.clock.now().toISOString(),
      aheadDays: Math.round((deps.clock.aheadMs / DAY_MS) * 100) / 100,
      publicUrl: deps.publicUrl,
      you: as,
      people: PEOPLE.map(({ slackId, name, email, about }) => ({ slackId, name, email, about })),
      channels: channels.map((channel) => ({ ...channel, messages: surfaces.messagesIn(channel.id, as) })),
      home: home ? { id: home.id, hash: home.hash, view: home.view } : null,
      modal: top ? { id: top.id, hash: top.hash, view: top.view, errors: top.errors ?? {} } : null,
      outbox: deps.mails(),
    };
  }

  return router;
}

/** The channels `slackId` is in: the workspace's and their DM with the app. */
function channelsOf(slackId: string) {
  return [...Object.values(CHANNELS), { id: dmChannelOf(slackId), name: 'Roster', about: 'Your direct messages with the app' }];
}

/** Whether `slackId` sees the message: not someone else's ephemeral, nor in someone else's DM. */
function seenBy(message: ShownMessage, slackId: string): boolean {
  if (message.ephemeralTo && message.ephemeralTo !== slackId) return false;
  return channelsOf(slackId).some((channel) => channel.id === message.channel);
}
