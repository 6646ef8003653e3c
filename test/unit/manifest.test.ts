import { readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { BOT_SCOPES } from '../../src/slack/app';

const root = path.resolve(import.meta.dirname, '../..');
const schema = JSON.parse(
  readFileSync(path.join(root, 'test/fixtures/slack-manifest-schema/manifest.schema.1.0.0.json'), 'utf8'),
);
const ajv = new Ajv({ allErrors: true, strict: false });
const validate = ajv.compile(schema);
const manifest = parse(readFileSync(path.join(root, 'manifest.yml'), 'utf8'));

describe('manifest.yml', () => {
  it("validates against Slack's published manifest schema (major version 1)", () => {
    expect(manifest._metadata.major_version).toBe(1);
    const valid = validate(manifest);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it('declares what Roster uses: /users, interactivity, App Home, the scopes', () => {
    expect(manifest.features.slash_commands.map((c: { command: string }) => c.command)).toEqual(['/users']);
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
    expect(manifest.settings.event_subscriptions.bot_events).toContain('app_home_opened');
    expect(manifest.features.app_home.home_tab_enabled).toBe(true);
    for (const scope of ['commands', 'chat:write', 'im:write', 'users:read', 'users:read.email', 'files:write']) {
      expect(manifest.oauth_config.scopes.bot).toContain(scope);
    }
  });

  it('asks for the same scopes as the OAuth install, hears uninstalls, and names the OAuth redirect', () => {
    expect([...manifest.oauth_config.scopes.bot].sort()).toEqual([...BOT_SCOPES].sort());
    expect(manifest.settings.event_subscriptions.bot_events).toEqual(
      expect.arrayContaining(['app_uninstalled', 'tokens_revoked']),
    );
    expect(manifest.oauth_config.redirect_urls).toEqual(['https://roster.example.com/slack/oauth_redirect']);
  });

  it('rejects a broken manifest, so the check above can fail', () => {
    const broken = structuredClone(manifest);
    delete broken.display_information;
    broken.oauth_config.scopes.bot.push('not a scope!');
    expect(validate(broken)).toBe(false);
  });
});
