import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config';
import { buildRoster } from '../../src/main';
import { type Harness, OWNER, startHarness } from '../support/roster-harness';
import { freshDatabaseUrl, migratedDataDir } from '../support/test-database';

describe('the app: health, Slack wiring, workspace, bootstrap', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness('embedded');
  });
  afterAll(async () => {
    await h?.close();
  });

  it('answers /healthz and /readyz', async () => {
    expect((await fetch(`${h.baseUrl}/healthz`)).status).toBe(200);
    const ready = await fetch(`${h.baseUrl}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ ok: true });
  });

  it("sends Bolt's and Roster's own auth.test to SLACK_API_URL with the bot token", () => {
    const calls = h.fake.callsTo('auth.test');
    expect(calls.length).toBeGreaterThanOrEqual(2);
    expect(calls.every((c) => c.token === 'xoxb-test-token')).toBe(true);
  });

  it('bootstraps the account: owner (Admin), All Users and Default, the catalog, the workspace', async () => {
    const account = await h.roster.prisma.account.findFirstOrThrow({ include: { owner: true, groups: true, roles: true } });
    expect(account.owner?.email).toBe(OWNER.email);
    expect(account.slackTeamId).toBe(h.fake.teamId);
    expect(account.groups.map((g) => g.name).sort()).toEqual(['All Users', 'Default']);
    expect(account.roles.map((r) => r.key).sort()).toEqual(['admin', 'contributor', 'editor', 'viewer']);
    expect(await h.roster.prisma.auditEvent.count({ where: { action: 'owner.created' } })).toBe(1);
  });

  it('refuses a request from another workspace and does nothing', async () => {
    const before = h.fake.responses.length;
    const body = new URLSearchParams({
      team_id: 'TOTHER',
      user_id: OWNER.slackId,
      command: '/users',
      text: 'invite intruder@example.com',
      response_url: h.fake.responseUrl('other'),
      trigger_id: 't',
    }).toString();
    const result = await h.slack.send(body);
    expect(result.status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(h.fake.responses.length).toBe(before);
    expect(await h.roster.prisma.user.count({ where: { email: 'intruder@example.com' } })).toBe(0);
  });

  /** A Roster on the embedded store in `dataDir`, to stop and start again. */
  const onDisk = (dataDir: string) => ({
    SLACK_BOT_TOKEN: 'xoxb-test-token',
    SLACK_SIGNING_SECRET: 'test-signing-secret-0123456789',
    SLACK_API_URL: h.fake.url,
    PORT: '0',
    DATA_DIR: dataDir,
    OWNER_EMAIL: 'first@example.com',
    LOG_LEVEL: 'silent',
  });

  it('keeps the directory across restarts on disk and does not create a second owner', async () => {
    const env = onDisk(await migratedDataDir('roster-restart-'));
    const first = await buildRoster(loadConfig(env));
    await first.stop();
    const second = await buildRoster(loadConfig({ ...env, OWNER_EMAIL: 'someone-else@example.com' }));
    const users = await second.prisma.user.findMany();
    expect(users.map((u) => u.email)).toEqual(['first@example.com']);
    await second.stop();
  });

  it("keeps the catalog the owner chose in Settings across a restart, rather than the deployment's", async () => {
    const env = onDisk(await migratedDataDir('roster-catalog-'));
    const first = await buildRoster(loadConfig(env));
    const account = await first.prisma.account.findFirstOrThrow();
    const ownerActor = await first.services.access.actorForUserId(account.ownerId as string, 'modal');
    await first.services.settings.update(ownerActor, { version: account.settingsVersion, catalogPreset: 'partners' });
    expect((await first.prisma.role.findMany()).map((r) => r.key).sort()).toEqual(['admin', 'normal', 'partner']);
    await first.stop();
    const second = await buildRoster(loadConfig(env));
    expect((await second.prisma.role.findMany()).map((r) => r.key).sort()).toEqual(['admin', 'normal', 'partner']);
    expect(await second.services.roles.catalogRoles()).toHaveLength(3);
    await second.stop();
  });

  it('stops start-up when the directory is empty and OWNER_EMAIL is missing', async () => {
    const config = loadConfig({
      SLACK_BOT_TOKEN: 'xoxb-test-token',
      SLACK_SIGNING_SECRET: 'test-signing-secret-0123456789',
      SLACK_API_URL: h.fake.url,
      // A migrated store with no account in it.
      DATABASE_URL: (await freshDatabaseUrl('embedded')).url,
      LOG_LEVEL: 'silent',
    });
    await expect(buildRoster(config)).rejects.toThrow(
      'OWNER_EMAIL is missing: it must be an e-mail address such as you@example.com.',
    );
  });
});
