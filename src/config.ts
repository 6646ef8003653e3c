/**
 * Start-up configuration: every environment variable of SPEC §1, validated once by zod.
 * A bad environment stops start-up with one message naming every bad variable.
 */
import { createHmac } from 'node:crypto';
import { isIP } from 'node:net';
import path from 'node:path';
import { validate as isValidCron } from 'node-cron';
import { z } from 'zod';
import { isProductUrl } from './domain/handoff/product-url';
import { type Catalog, loadCatalog } from './domain/roles/catalog';
import { ConfigError } from './errors';

const channelId = z.string().regex(/^[CGD][A-Z0-9]{6,}$/, 'a Slack channel ID such as C0123456789');
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => (value === '' ? undefined : value), schema.optional());

const envSchema = z.object({
  SLACK_BOT_TOKEN: optional(z.string().regex(/^xoxb-\S+$/, 'a bot token starting with xoxb-')),
  SLACK_CLIENT_ID: optional(z.string().regex(/^\d+\.\d+$/, 'a client ID such as 1234567890.1234567890')),
  SLACK_CLIENT_SECRET: optional(z.string().min(16, 'the Client Secret from Basic Information')),
  SLACK_STATE_SECRET: optional(z.string().min(16, 'at least 16 random characters')),
  SLACK_SIGNING_SECRET: optional(z.string().min(8, 'the signing secret from Basic Information')),
  SLACK_APP_TOKEN: optional(z.string().regex(/^xapp-\S+$/, 'an app-level token starting with xapp-')),
  SLACK_API_URL: optional(z.url('a URL such as https://slack.com/api/')),
  PORT: z.coerce
    .number({ error: 'a port number such as 3000' })
    .int('a port number such as 3000')
    .min(0)
    .max(65535)
    .default(3000),
  DATABASE_URL: optional(
    z.string().regex(/^(postgres(ql)?:\/\/.+|memory:\/\/(\?from=.+)?)$/, 'postgres://…, postgresql://… or memory://'),
  ),
  DATA_DIR: z.string().min(1).default('./data'),
  OWNER_EMAIL: optional(z.string().trim().toLowerCase().pipe(z.email('an e-mail address such as owner@example.com'))),
  PUBLIC_URL: optional(z.url('a URL such as https://roster.example.com')),
  PRODUCT_URL: optional(z.string().refine(isProductUrl, 'an https URL such as https://app.example.com/roster/signed-in')),
  APPROVALS_CHANNEL: optional(channelId),
  NOTICES_CHANNEL: optional(channelId),
  ROSTER_CONFIG: optional(z.string().min(1)),
  SEAT_LIMIT: z.coerce
    .number({ error: 'a whole number of seats' })
    .int('a whole number of seats')
    .positive('a positive number of seats')
    .default(25),
  UPGRADE_URL: optional(z.url({ protocol: /^https?$/, error: 'an http(s) URL such as https://example.com/billing' })),
  INVITE_TTL_HOURS: z.coerce
    .number({ error: 'a number of hours such as 48' })
    .positive('a positive number of hours')
    .max(24 * 90, 'at most 2160 hours (90 days)')
    .default(48),
  CRON_SCHEDULE: z.string().default('*/5 * * * *'),
  SMTP_URL: optional(z.string().regex(/^smtps?:\/\/.+/, 'smtp://user:pass@host:port or smtps://…')),
  MAIL_FROM: optional(z.string().trim().pipe(z.email('an e-mail address such as roster@example.com'))),
  ROSTER_SECRET: optional(z.string().min(32, 'at least 32 random characters (e.g. openssl rand -hex 32)')),
  ROSTER_SECRET_PREVIOUS: optional(z.string().min(32, 'at least 32 random characters (e.g. openssl rand -hex 32)')),
  TRUST_PROXY: optional(
    z
      .string()
      .refine(isTrustProxy, 'a hop count such as 1, loopback, or a comma-separated list of addresses/CIDRs such as 10.0.0.0/8')
      .transform(parseTrustProxy),
  ),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  METRICS_TOKEN: optional(z.string().min(16, 'at least 16 random characters')),
  METRICS_PORT: optional(
    z.coerce.number({ error: 'a port number such as 9464' }).int('a port number such as 9464').min(0).max(65535),
  ),
  METRICS_HOST: z.string().min(1).default('127.0.0.1'),
  ACCOUNT_CACHE_SIZE: z.coerce
    .number({ error: 'a whole number of accounts from 10 to 1000000' })
    .int('a whole number of accounts from 10 to 1000000')
    .min(10, 'a whole number of accounts from 10 to 1000000')
    .max(1_000_000, 'a whole number of accounts from 10 to 1000000')
    .default(10_000),
  WEBHOOK_ALLOW_PRIVATE: optional(z.enum(['1', 'true', '0', 'false'], { error: '1 or true (0, false or unset: not allowed)' })),
  WEBHOOK_TIMEOUT_SECONDS: z.coerce
    .number({ error: 'a number of seconds from 1 to 30' })
    .min(1, 'a number of seconds from 1 to 30')
    .max(30, 'a number of seconds from 1 to 30')
    .default(10),
});

const OAUTH_VARIABLES = ['SLACK_CLIENT_ID', 'SLACK_CLIENT_SECRET', 'SLACK_STATE_SECRET'];

/** Distributed mode (any workspace installs Roster through Slack's OAuth flow): OAuth set, no bot token. */
function isDistributed(env: NodeJS.ProcessEnv): boolean {
  return !env.SLACK_BOT_TOKEN?.trim() && OAUTH_VARIABLES.some((name) => Boolean(env[name]?.trim()));
}

/** Variables that have no place in distributed mode, and why, said in place of the usual description. */
const NOT_IN_DISTRIBUTED_MODE: Record<string, string> = {
  SLACK_APP_TOKEN:
    'SLACK_APP_TOKEN is set, but distributed mode (SLACK_CLIENT_ID without SLACK_BOT_TOKEN) runs in HTTP mode: unset it, and set SLACK_SIGNING_SECRET.',
  APPROVALS_CHANNEL:
    "APPROVALS_CHANNEL is set, but with many workspaces a channel ID belongs to one of them: unset it; each account's owner chooses theirs in Settings in App Home.",
  NOTICES_CHANNEL:
    "NOTICES_CHANNEL is set, but with many workspaces a channel ID belongs to one of them: unset it; each account's owner chooses theirs in Settings in App Home.",
};

/**
 * Rules across variables, checked even when other variables are bad so that one message names them
 * all: the variable's name, and a sentence of its own when the usual description would not fit.
 */
function crossChecks(env: NodeJS.ProcessEnv): Map<string, string> {
  const found = new Map<string, string>();
  const set = (name: string) => Boolean(env[name]?.trim());
  if (env.CRON_SCHEDULE && !isValidCron(env.CRON_SCHEDULE)) found.set('CRON_SCHEDULE', '');
  if (set('ROSTER_SECRET_PREVIOUS') && !set('ROSTER_SECRET')) {
    found.set(
      'ROSTER_SECRET_PREVIOUS',
      'ROSTER_SECRET_PREVIOUS is set without ROSTER_SECRET: set ROSTER_SECRET to the new secret.',
    );
  }
  if (isDistributed(env)) {
    // Distributed mode: the OAuth install needs all three, HTTP mode, and a secret to seal the tokens with.
    for (const name of [...OAUTH_VARIABLES, 'SLACK_SIGNING_SECRET', 'ROSTER_SECRET']) if (!set(name)) found.set(name, '');
    for (const [name, why] of Object.entries(NOT_IN_DISTRIBUTED_MODE)) if (set(name)) found.set(name, why);
    return found;
  }
  if (!set('SLACK_BOT_TOKEN')) found.set('SLACK_BOT_TOKEN', '');
  if (!env.SLACK_APP_TOKEN && !env.SLACK_SIGNING_SECRET) found.set('SLACK_SIGNING_SECRET', '');
  return found;
}

const SLACK_APPS = 'https://api.slack.com/apps';
const CHANNEL_ID_WHERE = "In Slack, open the channel's name: the ID is at the bottom of About";

/**
 * What each variable must look like and where its value comes from, for the start-up message.
 * A variable missing here (a new one) falls back to its zod message.
 */
const VARIABLE_HELP: Record<string, { must: string; where: string }> = {
  SLACK_BOT_TOKEN: {
    must: 'the Bot User OAuth Token (xoxb-…)',
    where: `Find it under OAuth & Permissions in your Slack app at ${SLACK_APPS}`,
  },
  SLACK_CLIENT_ID: {
    must: "the app's Client ID",
    where: `For distributed mode (any workspace installs Roster): find it under Basic Information → App Credentials at ${SLACK_APPS}`,
  },
  SLACK_CLIENT_SECRET: {
    must: "the app's Client Secret",
    where: 'For distributed mode: find it under Basic Information → App Credentials',
  },
  SLACK_STATE_SECRET: {
    must: 'at least 16 random characters',
    where: 'For distributed mode: make one with `openssl rand -hex 32`; it signs the OAuth state',
  },
  SLACK_SIGNING_SECRET: {
    must: "the app's Signing Secret",
    where:
      'Find it under Basic Information → App Credentials. HTTP mode needs it (distributed mode too): set SLACK_APP_TOKEN instead for Socket Mode',
  },
  SLACK_APP_TOKEN: {
    must: 'an app-level token (xapp-…) with the connections:write scope',
    where:
      'Create it under Basic Information → App-Level Tokens, or leave it unset for HTTP mode (distributed mode runs in HTTP mode: leave it unset there)',
  },
  SLACK_API_URL: {
    must: 'a URL such as https://slack.com/api/',
    where: "Leave it unset to use Slack's own",
  },
  PORT: { must: 'a port number from 0 to 65535, such as 3000', where: 'Leave it unset for 3000' },
  DATABASE_URL: {
    must: 'postgresql://user:password@host:5432/database (or postgres://…), memory:// or memory://?from=<backup file>',
    where: 'Your PostgreSQL provider gives it; leave it unset for the embedded store in DATA_DIR',
  },
  DATA_DIR: { must: 'a directory path such as ./data', where: 'Roster creates it; leave it unset for ./data' },
  OWNER_EMAIL: {
    must: 'an e-mail address such as you@example.com',
    where: 'Use the e-mail of your Slack profile: that user becomes the account owner',
  },
  PUBLIC_URL: {
    must: 'a URL such as https://roster.example.com',
    where: 'It is where invitees open their links; leave it unset for http://localhost:PORT',
  },
  PRODUCT_URL: {
    must: 'an https URL such as https://app.example.com/roster/signed-in (http only on localhost or 127.0.0.1)',
    where:
      "It is the product's page that takes the one-time `code` after the invite and password pages and exchanges it at POST /api/v1/auth/exchange; leave it unset to end on Roster's own page",
  },
  APPROVALS_CHANNEL: {
    must: 'a Slack channel ID such as C0123456789',
    where: `${CHANNEL_ID_WHERE}; leave it unset to turn approvals off`,
  },
  NOTICES_CHANNEL: {
    must: 'a Slack channel ID such as C0123456789',
    where: `${CHANNEL_ID_WHERE}; leave it unset to show notices only in App Home`,
  },
  ROSTER_CONFIG: {
    must: 'the path of a YAML or JSON role catalog, such as config/presets/products.yaml',
    where: 'Leave it unset for the standard catalog',
  },
  SEAT_LIMIT: { must: 'a whole number above 0, such as 25', where: "Use your plan's number of seats" },
  UPGRADE_URL: {
    must: 'a URL such as https://example.com/billing',
    where: 'Where an account upgrades its plan or buys seats; leave it unset to only say so',
  },
  INVITE_TTL_HOURS: {
    must: 'a number of hours above 0 and at most 2160 (90 days), such as 48',
    where: 'Leave it unset for 48',
  },
  CRON_SCHEDULE: {
    must: 'a cron expression such as */5 * * * * (every 5 minutes)',
    where: 'Leave it unset for every 5 minutes',
  },
  MAIL_FROM: {
    must: 'an e-mail address such as roster@example.com',
    where:
      "It is the sender of Roster's e-mails (each account's name shows as the sender's name); leave it unset for roster@ the host of PUBLIC_URL",
  },
  SMTP_URL: {
    must: 'smtp://user:password@host:587 or smtps://user:password@host:465',
    where: 'Your mail provider gives it; leave it unset to write e-mails to DATA_DIR/outbox',
  },
  ROSTER_SECRET: {
    must: 'at least 32 random characters',
    where:
      'Make one with `openssl rand -hex 32` and set the same value on every replica; distributed mode needs it to seal bot tokens',
  },
  ROSTER_SECRET_PREVIOUS: {
    must: 'at least 32 random characters',
    where: 'Set it to the old ROSTER_SECRET while moving to a new one, and unset it once every replica runs the new one',
  },
  LOG_LEVEL: { must: 'one of fatal, error, warn, info, debug, trace or silent', where: 'Leave it unset for info' },
  METRICS_TOKEN: {
    must: 'at least 16 random characters',
    where:
      'Make one with `openssl rand -hex 32`; Prometheus sends it as a bearer token to GET /metrics. Leave it (and METRICS_PORT) unset to serve no metrics',
  },
  ACCOUNT_CACHE_SIZE: {
    must: 'a whole number of accounts from 10 to 1000000',
    where:
      'How many workspaces a replica keeps read in memory at once (a few KB each), the least recently used dropped first; leave it unset for 10000',
  },
  WEBHOOK_ALLOW_PRIVATE: {
    must: '1 or true',
    where:
      'It lets webhooks point at loopback, private and link-local addresses and use http://, for development and tests; leave it unset in production',
  },
  WEBHOOK_TIMEOUT_SECONDS: {
    must: 'a number of seconds from 1 to 30',
    where: 'How long a webhook endpoint has to answer a delivery; leave it unset for 10',
  },
  METRICS_PORT: {
    must: 'a port number such as 9464',
    where: 'GET /metrics is served there without a token, on METRICS_HOST (127.0.0.1 unless set); leave it unset for none',
  },
};

/** One plain sentence about a bad variable: its name, what it must look like, where to find it. */
export function describeVariable(name: string, state: 'missing' | 'empty' | 'not valid', fallback = ''): string {
  const help = VARIABLE_HELP[name];
  const must = help?.must ?? fallback;
  return `${name} is ${state}${must ? `: it must be ${must}.` : '.'}${help ? ` ${help.where}.` : ''}`;
}

/** How to get going from nothing, printed when there is no bot token yet. */
export const GETTING_STARTED = `New here? Two steps get Roster going:
  1. Create the Slack app from manifest.yml at https://api.slack.com/apps?new_app=1 (From a manifest), then install it to your workspace.
  2. Then either:
     - Socket Mode (no public URL needed): set SLACK_APP_TOKEN to an app-level token (xapp-…) with connections:write;
     - or HTTP mode: set SLACK_SIGNING_SECRET, and in manifest.yml turn socket_mode_enabled off and put Roster's public URL in place of https://roster.example.com.
  For example: SLACK_BOT_TOKEN=xoxb-… SLACK_APP_TOKEN=xapp-… OWNER_EMAIL=you@example.com npm start
  README.md ("Quick start") has the details. To look around first, \`npm start -- --playground\` runs Roster against a stand-in Slack.`;

/** The start-up refusal: one line per bad variable, and optionally how to get going from nothing. */
export function configErrorMessage(lines: string[], gettingStarted = false): string {
  const message = `Roster cannot start. Fix these settings (environment variables):\n${lines.map((line) => `  ${line}`).join('\n')}`;
  return gettingStarted ? `${message}\n\n${GETTING_STARTED}` : message;
}

function stateOf(value: string | undefined): 'missing' | 'empty' | 'not valid' {
  if (value === undefined) return 'missing';
  return value.trim() === '' ? 'empty' : 'not valid';
}

/** The validated configuration every part of Roster is built from. */
export interface Config {
  slack: {
    /** Single-workspace mode: the one workspace's bot token. Unset in distributed mode. */
    botToken?: string;
    /** Distributed mode: Slack's OAuth install, an account per workspace. */
    oauth?: { clientId: string; clientSecret: string; stateSecret: string };
    signingSecret?: string;
    appToken?: string;
    apiUrl?: string;
  };
  port: number;
  databaseUrl?: string;
  dataDir: string;
  ownerEmail?: string;
  publicUrl: string;
  /** PRODUCT_URL: where the invite and password pages send the user with a one-time code; unset, they end on their own page. */
  productUrl?: string;
  approvalsChannel?: string;
  noticesChannel?: string;
  seatLimit: number;
  /** UPGRADE_URL: where an account upgrades its plan or buys a seat top-up; the over-limit messages link to it. */
  upgradeUrl?: string;
  inviteTtlHours: number;
  cronSchedule: string;
  smtpUrl?: string;
  /** MAIL_FROM: the address Roster's e-mails come from; unset, roster@ the host of PUBLIC_URL. */
  mailFrom?: string;
  logLevel: string;
  /** Prometheus metrics: GET /metrics behind `token` on Roster's listener, and/or without one on `host:port`; neither, none. */
  metrics: { token?: string; port?: number; host: string };
  /** Express's `trust proxy`: which proxies' X-Forwarded-For decides the client address; false trusts none. */
  trustProxy: number | string[] | false;
  /** ROSTER_SECRET as set (distributed mode requires it: bot tokens are sealed with a key derived from it). */
  rosterSecret?: string;
  /** ROSTER_SECRET_PREVIOUS: while moving to a new ROSTER_SECRET, installations sealed with it still open (and are sealed anew). */
  previousRosterSecret?: string;
  /** Key that derives invite links from their stored salt, so a resend can send the same link. */
  linkSecret: string;
  /**
   * Webhooks: whether endpoints may be private addresses or http:// (WEBHOOK_ALLOW_PRIVATE), how long an
   * endpoint has to answer, and the key material their signing secrets are sealed with (the first seals).
   */
  webhooks: { allowPrivate: boolean; timeoutMs: number; keyMaterials: string[] };
  /** ACCOUNT_CACHE_SIZE: the most accounts a replica keeps built in memory (least recently used dropped first). */
  accountCacheSize: number;
  catalog: Catalog;
  catalogSource: string;
}

/** Parses the environment (and the catalog file it points at); throws one ConfigError for everything wrong. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  const fallbacks = new Map<string, string>();
  for (const issue of parsed.success ? [] : parsed.error.issues) {
    const name = String(issue.path[0] ?? 'environment');
    if (!fallbacks.has(name)) fallbacks.set(name, issue.message);
  }
  const crossed = crossChecks(env);
  for (const name of crossed.keys()) if (!fallbacks.has(name)) fallbacks.set(name, '');
  if (fallbacks.size > 0 || !parsed.success) {
    const order = Object.keys(VARIABLE_HELP);
    const rank = (name: string) => (order.includes(name) ? order.indexOf(name) : order.length);
    const lines = [...fallbacks]
      .sort(([a], [b]) => rank(a) - rank(b))
      .map(([name, fallback]) => crossed.get(name) || describeVariable(name, stateOf(env[name]), fallback));
    // No bot token yet means the Slack app is not set up: say how to begin.
    throw new ConfigError(configErrorMessage(lines, !env.SLACK_BOT_TOKEN?.trim() && !isDistributed(env)));
  }
  const e = parsed.data;
  const { catalog, source } = loadCatalog(e.ROSTER_CONFIG);
  const linkSecret = e.ROSTER_SECRET ?? deriveLinkSecret(e.SLACK_SIGNING_SECRET ?? e.SLACK_APP_TOKEN ?? e.SLACK_BOT_TOKEN ?? '');
  return {
    slack: {
      botToken: e.SLACK_BOT_TOKEN,
      oauth:
        e.SLACK_CLIENT_ID && e.SLACK_CLIENT_SECRET && e.SLACK_STATE_SECRET && !e.SLACK_BOT_TOKEN
          ? { clientId: e.SLACK_CLIENT_ID, clientSecret: e.SLACK_CLIENT_SECRET, stateSecret: e.SLACK_STATE_SECRET }
          : undefined,
      signingSecret: e.SLACK_SIGNING_SECRET,
      appToken: e.SLACK_APP_TOKEN,
      apiUrl: e.SLACK_API_URL && withTrailingSlash(e.SLACK_API_URL),
    },
    port: e.PORT,
    databaseUrl: e.DATABASE_URL,
    dataDir: path.resolve(e.DATA_DIR),
    ownerEmail: e.OWNER_EMAIL,
    publicUrl: (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, ''),
    productUrl: e.PRODUCT_URL,
    approvalsChannel: e.APPROVALS_CHANNEL,
    noticesChannel: e.NOTICES_CHANNEL,
    seatLimit: e.SEAT_LIMIT,
    upgradeUrl: e.UPGRADE_URL,
    inviteTtlHours: e.INVITE_TTL_HOURS,
    cronSchedule: e.CRON_SCHEDULE,
    smtpUrl: e.SMTP_URL,
    mailFrom: e.MAIL_FROM,
    logLevel: e.LOG_LEVEL,
    metrics: { token: e.METRICS_TOKEN, port: e.METRICS_PORT, host: e.METRICS_HOST },
    trustProxy: e.TRUST_PROXY ?? false,
    rosterSecret: e.ROSTER_SECRET,
    previousRosterSecret: e.ROSTER_SECRET_PREVIOUS,
    linkSecret,
    accountCacheSize: e.ACCOUNT_CACHE_SIZE,
    webhooks: {
      allowPrivate: e.WEBHOOK_ALLOW_PRIVATE === '1' || e.WEBHOOK_ALLOW_PRIVATE === 'true',
      timeoutMs: e.WEBHOOK_TIMEOUT_SECONDS * 1000,
      keyMaterials: [linkSecret, ...(e.ROSTER_SECRET_PREVIOUS ? [e.ROSTER_SECRET_PREVIOUS] : [])],
    },
    catalog,
    catalogSource: source,
  };
}

function withTrailingSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}

/** Without ROSTER_SECRET, a key is derived from a Slack secret every replica already shares. */
function deriveLinkSecret(sharedSecret: string): string {
  return createHmac('sha256', sharedSecret).update('roster invite links v1').digest('hex');
}

const PROXY_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/** A hop count, or a list of names Express knows, addresses and CIDRs (a typo would silently trust nobody). */
function isTrustProxy(value: string): boolean {
  if (/^\d{1,2}$/.test(value.trim())) return true;
  return value.split(',').every((part) => {
    const item = part.trim();
    if (PROXY_NAMES.has(item)) return true;
    const [address = '', bits, extra] = item.split('/');
    const version = isIP(address);
    if (version === 0 || extra !== undefined) return false;
    return bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= (version === 4 ? 32 : 128));
  });
}

function parseTrustProxy(value: string): number | string[] {
  return /^\d+$/.test(value.trim()) ? Number(value.trim()) : value.split(',').map((part) => part.trim());
}
