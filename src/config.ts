/**
 * Start-up configuration: every environment variable of SPEC §1, validated once by zod.
 * A bad environment stops start-up with one message naming every bad variable.
 */
import { createHmac } from 'node:crypto';
import path from 'node:path';
import { validate as isValidCron } from 'node-cron';
import { z } from 'zod';
import { type Catalog, loadCatalog } from './domain/roles/catalog';
import { ConfigError } from './errors';

const channelId = z.string().regex(/^[CGD][A-Z0-9]{6,}$/, 'a Slack channel ID such as C0123456789');
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => (value === '' ? undefined : value), schema.optional());

const envSchema = z.object({
  SLACK_BOT_TOKEN: z.string().regex(/^xoxb-\S+$/, 'a bot token starting with xoxb-'),
  SLACK_SIGNING_SECRET: optional(z.string().min(8, 'the signing secret from Basic Information')),
  SLACK_APP_TOKEN: optional(z.string().regex(/^xapp-\S+$/, 'an app-level token starting with xapp-')),
  SLACK_API_URL: optional(z.url('a URL such as https://slack.com/api/')),
  PORT: z.coerce
    .number({ error: 'a port number such as 3000' })
    .int('a port number such as 3000')
    .min(0)
    .max(65535)
    .default(3000),
  DATABASE_URL: optional(z.string().regex(/^(postgres(ql)?:\/\/.+|memory:\/\/)$/, 'postgres://…, postgresql://… or memory://')),
  DATA_DIR: z.string().min(1).default('./data'),
  OWNER_EMAIL: optional(z.string().trim().toLowerCase().pipe(z.email('an e-mail address such as owner@example.com'))),
  PUBLIC_URL: optional(z.url('a URL such as https://roster.example.com')),
  APPROVALS_CHANNEL: optional(channelId),
  NOTICES_CHANNEL: optional(channelId),
  ROSTER_CONFIG: optional(z.string().min(1)),
  SEAT_LIMIT: z.coerce
    .number({ error: 'a whole number of seats' })
    .int('a whole number of seats')
    .positive('a positive number of seats')
    .default(25),
  INVITE_TTL_HOURS: z.coerce
    .number({ error: 'a number of hours such as 48' })
    .positive('a positive number of hours')
    .max(24 * 90, 'at most 2160 hours (90 days)')
    .default(48),
  CRON_SCHEDULE: z.string().default('*/5 * * * *'),
  SMTP_URL: optional(z.string().regex(/^smtps?:\/\/.+/, 'smtp://user:pass@host:port or smtps://…')),
  ROSTER_SECRET: optional(z.string().min(32, 'at least 32 random characters (e.g. openssl rand -hex 32)')),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

/** Rules across variables, checked even when other variables are bad so that one message names them all. */
function crossChecks(env: NodeJS.ProcessEnv): { name: string; message: string }[] {
  const issues: { name: string; message: string }[] = [];
  if (!env.SLACK_APP_TOKEN && !env.SLACK_SIGNING_SECRET) {
    issues.push({
      name: 'SLACK_SIGNING_SECRET',
      message: 'the signing secret from Basic Information (needed in HTTP mode; or set SLACK_APP_TOKEN for Socket Mode)',
    });
  }
  if (env.CRON_SCHEDULE && !isValidCron(env.CRON_SCHEDULE)) {
    issues.push({ name: 'CRON_SCHEDULE', message: 'a cron expression such as */5 * * * *' });
  }
  return issues;
}

/** The validated configuration every part of Roster is built from. */
export interface Config {
  slack: {
    botToken: string;
    signingSecret?: string;
    appToken?: string;
    apiUrl?: string;
  };
  port: number;
  databaseUrl?: string;
  dataDir: string;
  ownerEmail?: string;
  publicUrl: string;
  approvalsChannel?: string;
  noticesChannel?: string;
  seatLimit: number;
  inviteTtlHours: number;
  cronSchedule: string;
  smtpUrl?: string;
  logLevel: string;
  /** Key that derives invite links from their stored salt, so a resend can send the same link. */
  linkSecret: string;
  catalog: Catalog;
  catalogSource: string;
}

/** Parses the environment (and the catalog file it points at); throws one ConfigError for everything wrong. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  const issues = [
    ...(parsed.success
      ? []
      : parsed.error.issues.map((issue) => ({ name: String(issue.path[0] ?? 'environment'), message: issue.message }))),
    ...crossChecks(env),
  ];
  if (issues.length > 0 || !parsed.success) {
    const lines = issues.map(({ name, message }) => `  ${name} ${env[name] ? 'is invalid' : 'is missing'}: expected ${message}`);
    throw new ConfigError(`Roster cannot start; fix these settings:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const { catalog, source } = loadCatalog(e.ROSTER_CONFIG);
  return {
    slack: {
      botToken: e.SLACK_BOT_TOKEN,
      signingSecret: e.SLACK_SIGNING_SECRET,
      appToken: e.SLACK_APP_TOKEN,
      apiUrl: e.SLACK_API_URL && withTrailingSlash(e.SLACK_API_URL),
    },
    port: e.PORT,
    databaseUrl: e.DATABASE_URL,
    dataDir: path.resolve(e.DATA_DIR),
    ownerEmail: e.OWNER_EMAIL,
    publicUrl: (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, ''),
    approvalsChannel: e.APPROVALS_CHANNEL,
    noticesChannel: e.NOTICES_CHANNEL,
    seatLimit: e.SEAT_LIMIT,
    inviteTtlHours: e.INVITE_TTL_HOURS,
    cronSchedule: e.CRON_SCHEDULE,
    smtpUrl: e.SMTP_URL,
    logLevel: e.LOG_LEVEL,
    linkSecret: e.ROSTER_SECRET ?? deriveLinkSecret(e.SLACK_SIGNING_SECRET ?? e.SLACK_APP_TOKEN ?? e.SLACK_BOT_TOKEN),
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
