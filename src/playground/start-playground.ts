/**
 * Playground mode: the real Roster (src/main.ts) on its own embedded store under DATA_DIR/playground,
 * talking to an in-process stand-in for Slack (slack-stand-in.ts) and mailing into a visible outbox,
 * with a page that shows the workspace and sends what its people do as Slack would. It listens on
 * loopback unless PLAYGROUND_HOST says otherwise.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import type { Logger } from 'pino';
import { loadConfig } from '../config';
import { createLogger } from '../logger';
import { buildRoster } from '../main';
import type { Roster } from '../roster';
import { createPlaygroundClock } from './playground-clock';
import { createOutbox } from './playground-outbox';
import { playgroundRoutes } from './playground-routes';
import { CHANNELS, OWNER } from './playground-workspace';
import { seedPlayground } from './seed-playground';
import { createSlackRequests } from './slack-requests';
import { type SlackStandIn, startSlackStandIn } from './slack-stand-in';
import { createSurfaces, type Surfaces } from './slack-surfaces';

/** Variables the playground takes from the environment; every other one is the real deployment's and left alone. */
const PASSED_THROUGH = ['ROSTER_CONFIG', 'SEAT_LIMIT', 'INVITE_TTL_HOURS', 'CRON_SCHEDULE', 'UPGRADE_URL'] as const;

export interface Playground {
  /** The page's address. */
  url: string;
  roster: Roster;
  stop(): Promise<void>;
}

/** Starts the playground; its data lives in `DATA_DIR/playground`, apart from the real store. */
export async function startPlayground(env: NodeJS.ProcessEnv = process.env, logger?: Logger): Promise<Playground> {
  const host = env.PLAYGROUND_HOST?.trim() || '127.0.0.1';
  const port = await portFor(env.PORT, host);
  const dataDir = path.resolve(env.DATA_DIR?.trim() || './data', 'playground');
  const secret = await playgroundSecret(dataDir);
  const surfaces = createSurfaces();
  const standIn = await startSlackStandIn(surfaces);
  let roster: Roster | null = null;
  try {
    roster = await startRoster({ env, host, port, dataDir, secret, surfaces, standIn, logger });
  } finally {
    if (!roster) await standIn.close();
  }
  const running = roster;
  return {
    url: `${running.config.publicUrl}/playground`,
    roster: running,
    async stop() {
      try {
        await running.stop();
      } finally {
        await standIn.close();
      }
    },
  };
}

/** Roster over the stand-in, listening and seeded; stopped again if any of that fails. */
async function startRoster(options: {
  env: NodeJS.ProcessEnv;
  host: string;
  port: number;
  dataDir: string;
  secret: string;
  surfaces: Surfaces;
  standIn: SlackStandIn;
  logger?: Logger;
}): Promise<Roster> {
  const { env, host, port, dataDir, secret, surfaces, standIn } = options;
  const clock = createPlaygroundClock();
  const outbox = createOutbox(clock);
  outbox.onMail(() => surfaces.touch());
  const publicUrl = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const passed = Object.fromEntries(PASSED_THROUGH.flatMap((name) => (env[name] ? [[name, env[name]]] : [])));
  const config = loadConfig({
    ...passed,
    SLACK_BOT_TOKEN: standIn.botToken,
    SLACK_SIGNING_SECRET: secret,
    ROSTER_SECRET: secret,
    SLACK_API_URL: standIn.apiUrl,
    PORT: String(port),
    PUBLIC_URL: publicUrl,
    DATA_DIR: dataDir,
    OWNER_EMAIL: OWNER.email,
    APPROVALS_CHANNEL: CHANNELS.approvals.id,
    NOTICES_CHANNEL: CHANNELS.notices.id,
    LOG_LEVEL: env.LOG_LEVEL ?? 'warn',
  });
  const logger = options.logger ?? createLogger(config.logLevel);
  let roster: Roster | null = null;
  // The page's people reach Roster where it listens, as Slack would reach its public URL.
  const requests = createSlackRequests({ eventsUrl: `${publicUrl}/slack/events`, signingSecret: secret, standIn });
  const routes = playgroundRoutes({
    surfaces,
    requests,
    mails: () => outbox.mails(),
    clock,
    runScheduler: () => {
      if (!roster) throw new Error('the playground is still starting');
      return roster.scheduler.runOnce();
    },
    publicUrl,
    logger,
  });
  const built = await buildRoster(config, { logger, clock, mailer: outbox, host, routes });
  try {
    await built.start();
    if (await seedPlayground(built, () => outbox.mails())) outbox.clear();
  } catch (error) {
    await built.stop();
    throw error;
  }
  roster = built;
  return built;
}

/** PORT as set (3000 unset); 0 picks a free port now, since the invite links must name it before Roster listens. */
async function portFor(value: string | undefined, host: string): Promise<number> {
  const port = value?.trim() ? Number(value) : 3000;
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`PORT is not valid: it must be a port number such as 3000.`);
  if (port !== 0) return port;
  const probe = createServer();
  await new Promise<void>((resolve, reject) => probe.once('error', reject).listen(0, host, resolve));
  const { port: free } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return free;
}

/** The playground's own secret (signing, links), made on first start and kept beside its store. */
async function playgroundSecret(dataDir: string): Promise<string> {
  const file = path.join(dataDir, 'playground-secret');
  const kept = await readFile(file, 'utf8').catch(() => '');
  if (kept.trim().length >= 32) return kept.trim();
  const secret = randomBytes(32).toString('hex');
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  await writeFile(file, secret, { mode: 0o600 });
  return secret;
}
