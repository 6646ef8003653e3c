import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config';
import { loadCatalog, PRESETS, presetPath } from '../../src/domain/roles/catalog';
import { ConfigError } from '../../src/errors';

const good = { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 'secret-secret', OWNER_EMAIL: 'Owner@Example.com ' };

function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
}

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
    expect(message).toContain('a bot token starting with xoxb-');
    expect(message.split('\n')).toHaveLength(9);
  });

  it('needs no signing secret in Socket Mode, and keeps SLACK_API_URL for the client', () => {
    const config = loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1', SLACK_API_URL: 'http://127.0.0.1:9/api' });
    expect(config.slack.appToken).toBe('xapp-1');
    expect(config.slack.apiUrl).toBe('http://127.0.0.1:9/api/');
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
    expect(partners.permissions.find((p) => p.key === 'data:export')?.grantableTo).toEqual(['normal']);
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
