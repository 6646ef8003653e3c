import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeVariable, GETTING_STARTED, loadConfig } from '../../src/config';
import { loadCatalog, PRESETS, presetPath } from '../../src/domain/roles/catalog';
import { ConfigError } from '../../src/errors';
import { thrownMessage } from '../support/thrown';

const good = { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 'secret-secret', OWNER_EMAIL: 'Owner@Example.com ' };

const errorOf = (fn: () => unknown) => thrownMessage(fn, ConfigError);

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    const config = loadConfig(good);
    expect(config).toMatchObject({
      port: 3000,
      seatLimit: 25,
      inviteTtlHours: 48,
      cronSchedule: '*/5 * * * *',
      publicUrl: 'http://localhost:3000',
      ownerEmail: 'owner@example.com',
      logLevel: 'info',
    });
    expect(config.databaseUrl).toBeUndefined();
    expect(config.approvalsChannel).toBeUndefined();
    expect(config.catalog.roles.map((r) => r.key)).toEqual(['admin', 'editor', 'contributor', 'viewer']);
  });

  it('names every bad variable in one message', () => {
    const message = errorOf(() =>
      loadConfig({
        SLACK_BOT_TOKEN: 'nope',
        PORT: 'eighty',
        DATABASE_URL: 'mysql://x',
        SEAT_LIMIT: '-3',
        APPROVALS_CHANNEL: 'general',
        CRON_SCHEDULE: 'every minute',
        OWNER_EMAIL: 'not-an-email',
      }),
    );
    for (const name of [
      'SLACK_BOT_TOKEN',
      'SLACK_SIGNING_SECRET',
      'PORT',
      'DATABASE_URL',
      'SEAT_LIMIT',
      'APPROVALS_CHANNEL',
      'CRON_SCHEDULE',
      'OWNER_EMAIL',
    ]) {
      expect(message).toContain(name);
    }
    expect(message).toContain('SLACK_BOT_TOKEN is not valid: it must be the Bot User OAuth Token (xoxb-…)');
    expect(message.split('\n')).toHaveLength(9);
    expect(message).not.toContain('expected');
  });

  // Each bad variable gets one sentence: its name, what it must look like, and where to find it.
  it.each([
    ['SLACK_BOT_TOKEN', 'xoxp-user-token', 'the Bot User OAuth Token (xoxb-…)', 'under OAuth & Permissions'],
    ['SLACK_SIGNING_SECRET', 'short', "the app's Signing Secret", 'under Basic Information → App Credentials'],
    ['SLACK_APP_TOKEN', 'xoxb-1', 'an app-level token (xapp-…)', 'under Basic Information → App-Level Tokens'],
    ['SLACK_API_URL', 'slack.com/api', 'a URL such as https://slack.com/api/', "unset to use Slack's own"],
    ['PORT', 'eighty', 'a port number from 0 to 65535', 'unset for 3000'],
    ['DATABASE_URL', 'mysql://db', 'postgresql://user:password@host:5432/database', 'embedded store'],
    ['DATA_DIR', '', 'a directory path such as ./data', 'unset for ./data'],
    ['OWNER_EMAIL', 'owner-at-example.com', 'an e-mail address such as you@example.com', 'your Slack profile'],
    ['PUBLIC_URL', 'roster.example.com', 'a URL such as https://roster.example.com', 'invitees open their links'],
    ['APPROVALS_CHANNEL', '#approvals', 'a Slack channel ID such as C0123456789', 'bottom of About'],
    ['NOTICES_CHANNEL', 'general', 'a Slack channel ID such as C0123456789', 'bottom of About'],
    ['SEAT_LIMIT', '-3', 'a whole number above 0', "your plan's number of seats"],
    ['INVITE_TTL_HOURS', '5000', 'at most 2160 (90 days)', 'unset for 48'],
    ['CRON_SCHEDULE', 'hourly', 'a cron expression such as */5 * * * *', 'unset for every 5 minutes'],
    ['SMTP_URL', 'mail.example.com', 'smtp://user:password@host:587', 'Your mail provider'],
    ['ROSTER_SECRET', 'too-short', 'at least 32 random characters', 'openssl rand -hex 32'],
    ['LOG_LEVEL', 'loud', 'one of fatal, error, warn, info, debug, trace or silent', 'unset for info'],
  ])('explains a malformed %s', (name, value, must, where) => {
    const lines = errorOf(() => loadConfig({ ...good, [name]: value })).split('\n');
    const state = value === '' ? 'empty' : 'not valid';
    expect(lines).toEqual([
      'Roster cannot start. Fix these settings (environment variables):',
      expect.stringMatching(new RegExp(`^  ${name} is ${state}: it must be .+\\. .+\\.$`)),
    ]);
    expect(lines[1]).toContain(must);
    expect(lines[1]).toContain(where);
    // Never echo the value: it may be a secret in the wrong variable.
    if (value) expect(lines[1]).not.toContain(` ${value}`);
  });

  it('needs the Slack variables and otherwise uses the defaults when variables are missing', () => {
    const missingToken = errorOf(() => loadConfig({ SLACK_SIGNING_SECRET: 'secret-secret' })).split('\n');
    expect(missingToken[1]).toBe(
      '  SLACK_BOT_TOKEN is missing: it must be the Bot User OAuth Token (xoxb-…). Find it under OAuth & Permissions in your Slack app at https://api.slack.com/apps.',
    );
    expect(missingToken.join('\n')).toContain(GETTING_STARTED);
    const missingSecret = errorOf(() => loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1' }));
    expect(missingSecret.split('\n')[1]).toBe(
      "  SLACK_SIGNING_SECRET is missing: it must be the app's Signing Secret. Find it under Basic Information → App Credentials. HTTP mode needs it (distributed mode too): set SLACK_APP_TOKEN instead for Socket Mode.",
    );
    // With a bot token the app exists, so the getting-started steps would only be noise.
    expect(missingSecret).not.toContain(GETTING_STARTED);
    expect(errorOf(() => loadConfig({ ...good, SLACK_BOT_TOKEN: ' ' }))).toContain('SLACK_BOT_TOKEN is empty: it must be');
    // Every other variable is optional: missing or empty, it takes its default.
    const blank = Object.fromEntries(
      [
        'SLACK_APP_TOKEN',
        'SLACK_API_URL',
        'DATABASE_URL',
        'PUBLIC_URL',
        'APPROVALS_CHANNEL',
        'NOTICES_CHANNEL',
        'SMTP_URL',
        'ROSTER_SECRET',
        'ROSTER_CONFIG',
      ].map((name) => [name, '']),
    );
    expect(loadConfig({ ...good, ...blank })).toMatchObject({ databaseUrl: undefined, publicUrl: 'http://localhost:3000' });
  });

  it('names OWNER_EMAIL the same way when the first start needs it', () => {
    expect(describeVariable('OWNER_EMAIL', 'missing')).toBe(
      'OWNER_EMAIL is missing: it must be an e-mail address such as you@example.com. Use the e-mail of your Slack profile: that user becomes the account owner.',
    );
  });

  it('takes an in-memory store, empty or started from a backup, and nothing else after memory://', () => {
    expect(loadConfig({ ...good, DATABASE_URL: 'memory://' }).databaseUrl).toBe('memory://');
    expect(loadConfig({ ...good, DATABASE_URL: 'memory://?from=/backups/roster.tar.gz' }).databaseUrl).toBe(
      'memory://?from=/backups/roster.tar.gz',
    );
    expect(errorOf(() => loadConfig({ ...good, DATABASE_URL: 'memory://elsewhere' }))).toContain(
      'memory:// or memory://?from=<backup file>',
    );
  });

  it('takes ROSTER_SECRET_PREVIOUS only next to a new ROSTER_SECRET', () => {
    const next = 'n'.repeat(64);
    const old = 'o'.repeat(64);
    expect(loadConfig({ ...good, ROSTER_SECRET: next, ROSTER_SECRET_PREVIOUS: old })).toMatchObject({
      rosterSecret: next,
      previousRosterSecret: old,
    });
    expect(errorOf(() => loadConfig({ ...good, ROSTER_SECRET_PREVIOUS: old }))).toContain(
      'ROSTER_SECRET_PREVIOUS is set without ROSTER_SECRET: set ROSTER_SECRET to the new secret.',
    );
    expect(errorOf(() => loadConfig({ ...good, ROSTER_SECRET: next, ROSTER_SECRET_PREVIOUS: 'short' }))).toContain(
      'ROSTER_SECRET_PREVIOUS is not valid: it must be at least 32 random characters',
    );
  });

  it('falls back to the zod message for a variable without its own explanation', () => {
    expect(describeVariable('SOMETHING_NEW', 'not valid', 'true or false')).toBe(
      'SOMETHING_NEW is not valid: it must be true or false.',
    );
  });

  it('needs no signing secret in Socket Mode, and keeps SLACK_API_URL for the client', () => {
    const config = loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1', SLACK_API_URL: 'http://127.0.0.1:9/api' });
    expect(config.slack.appToken).toBe('xapp-1');
    expect(config.slack.apiUrl).toBe('http://127.0.0.1:9/api/');
  });

  it('runs distributed mode with the OAuth variables and no bot token, and names what it also needs', () => {
    const oauth = {
      SLACK_CLIENT_ID: '1111.2222',
      SLACK_CLIENT_SECRET: 'c'.repeat(32),
      SLACK_STATE_SECRET: 's'.repeat(32),
      SLACK_SIGNING_SECRET: 'secret-secret',
      ROSTER_SECRET: 'r'.repeat(64),
    };
    const config = loadConfig(oauth);
    expect(config.slack.oauth).toEqual({ clientId: '1111.2222', clientSecret: 'c'.repeat(32), stateSecret: 's'.repeat(32) });
    expect(config.slack.botToken).toBeUndefined();
    // No OWNER_EMAIL: each workspace's installer becomes its owner.
    expect(config.ownerEmail).toBeUndefined();
    const partial = errorOf(() => loadConfig({ SLACK_CLIENT_ID: '1111.2222', SLACK_SIGNING_SECRET: 'secret-secret' }));
    for (const name of ['SLACK_CLIENT_SECRET', 'SLACK_STATE_SECRET', 'ROSTER_SECRET'])
      expect(partial).toContain(`${name} is missing`);
    expect(partial).not.toContain('SLACK_BOT_TOKEN');
    expect(partial).not.toContain(GETTING_STARTED);
    expect(errorOf(() => loadConfig({ ...oauth, SLACK_APP_TOKEN: 'xapp-1' }))).toContain(
      'SLACK_APP_TOKEN is set, but distributed mode (SLACK_CLIENT_ID without SLACK_BOT_TOKEN) runs in HTTP mode',
    );
    // A channel ID belongs to one workspace: each owner chooses theirs.
    const channels = errorOf(() => loadConfig({ ...oauth, APPROVALS_CHANNEL: 'C0123456789', NOTICES_CHANNEL: 'C0123456789' }));
    expect(channels).toContain('APPROVALS_CHANNEL is set, but with many workspaces a channel ID belongs to one of them');
    expect(channels).toContain('NOTICES_CHANNEL is set, but with many workspaces');
    expect(errorOf(() => loadConfig({ ...oauth, CRON_SCHEDULE: 'often' }))).toContain('CRON_SCHEDULE is not valid');
    expect(errorOf(() => loadConfig({ ...oauth, SLACK_CLIENT_ID: 'abc' }))).toContain('SLACK_CLIENT_ID is not valid');
    // A bot token means one workspace, whatever else is set.
    expect(loadConfig({ ...oauth, SLACK_BOT_TOKEN: 'xoxb-1' }).slack.oauth).toBeUndefined();
  });

  it('derives a stable link secret from a Slack secret when ROSTER_SECRET is unset', () => {
    expect(loadConfig(good).linkSecret).toBe(loadConfig(good).linkSecret);
    expect(loadConfig({ ...good, ROSTER_SECRET: 'z'.repeat(40) }).linkSecret).toBe('z'.repeat(40));
  });
});

describe('role catalog', () => {
  it.each(PRESETS)('ships a valid %s preset', (name) => {
    const { catalog } = loadCatalog(presetPath(name));
    expect(catalog.roles.some((r) => r.key === 'admin')).toBe(true);
  });

  it('expresses per-product levels and scoped roles with grantableTo', () => {
    const products = loadCatalog(presetPath('products')).catalog;
    expect(products.products.map((p) => p.key)).toEqual(['analytics', 'crm']);
    expect(products.roles.filter((r) => r.product === 'crm')).toHaveLength(3);
    const partners = loadCatalog(presetPath('partners')).catalog;
    expect(partners.roles.find((r) => r.key === 'partner')?.scoped).toBe(true);
    expect(partners.permissions.find((p) => p.key === 'integrations:access')?.grantableTo).toEqual(['normal']);
    expect(partners.policy.approvals.actions['grant-admin']?.approvals).toBe(2);
  });

  it('stops start-up with the path and each reason for a bad file', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'roster-catalog-'));
    const file = path.join(dir, 'bad.yaml');
    writeFileSync(file, 'roles:\n  - { key: editor, name: Editor, precedence: 5, permissions: [nope], product: ghost }\n');
    const message = errorOf(() => loadCatalog(file));
    expect(message).toContain(file);
    expect(message).toContain('a role with key "admin" is required');
    expect(message).toContain('unknown permission "nope"');
    expect(message).toContain('unknown product "ghost"');
    expect(errorOf(() => loadConfig({ ...good, ROSTER_CONFIG: path.join(dir, 'missing.yaml') }))).toContain('cannot be read');
  });
});
