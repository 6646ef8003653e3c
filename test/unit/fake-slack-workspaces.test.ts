/**
 * The fake Slack's workspaces: installing through `oauth.v2.access`, answers per token, revoked
 * tokens; and the install helper against Bolt's own OAuth routes (ExpressReceiver + InstallProvider).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ExpressReceiver, type Logger, LogLevel, MemoryInstallationStore } from '@slack/bolt';
import { WebClient } from '@slack/web-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAKE_BOT_SCOPES, type FakeSlack, startFakeSlack } from '../support/fake-slack';
import { createSlackClient } from '../support/slack-client';
import { installWorkspace, STATE_COOKIE } from '../support/slack-install';

const CLIENT = { id: '111.222', secret: 'client-secret' };
const ACME = { teamId: 'T0ACME', teamName: 'Acme', botToken: 'xoxb-acme', installer: { id: 'UACME', email: 'ann@acme.test' } };
const GRID = {
  teamId: 'T0GRID',
  teamName: 'Grid One',
  botToken: 'xoxb-grid',
  installer: { id: 'WGRID', email: 'gus@grid.test' },
  enterpriseId: 'E0GRID',
  enterpriseName: 'Grid Corp',
  isEnterpriseInstall: true,
};

let fake: FakeSlack;

beforeAll(async () => {
  fake = await startFakeSlack({
    users: [{ id: 'UOWNER', email: 'owner@example.com' }],
    clientId: CLIENT.id,
    clientSecret: CLIENT.secret,
  });
  fake.addWorkspace(ACME);
  fake.addWorkspace(GRID);
});

afterAll(() => fake.close());

/** A real Web API client on the fake; Slack's `ok: false` answers come back as values, not throws. */
async function call(token: string | undefined, method: string, args: Record<string, unknown> = {}) {
  const client = new WebClient(token, { slackApiUrl: fake.url, retryConfig: { retries: 0 }, logLevel: LogLevel.ERROR });
  try {
    return { ...(await client.apiCall(method, args)) };
  } catch (error) {
    const data = (error as { data?: Record<string, unknown> }).data;
    if (!data) throw error;
    return data;
  }
}

describe('oauth.v2.access', () => {
  it("exchanges a workspace's install code for its bot token, as Slack answers", async () => {
    const answer = await call(undefined, 'oauth.v2.access', {
      code: fake.installCode('T0ACME'),
      client_id: CLIENT.id,
      client_secret: CLIENT.secret,
    });
    expect(answer).toMatchObject({
      ok: true,
      app_id: 'A0ROSTER',
      authed_user: { id: 'UACME' },
      scope: FAKE_BOT_SCOPES,
      token_type: 'bot',
      access_token: 'xoxb-acme',
      bot_user_id: 'UBOTT0ACME',
      team: { id: 'T0ACME', name: 'Acme' },
      enterprise: null,
      is_enterprise_install: false,
    });
    expect(fake.callsTo('oauth.v2.access').at(-1)?.args).toMatchObject({ client_id: CLIENT.id, client_secret: CLIENT.secret });
  });

  it('answers an org-wide install with no team and the enterprise', async () => {
    const answer = await call(undefined, 'oauth.v2.access', {
      code: fake.installCode('T0GRID'),
      client_id: CLIENT.id,
      client_secret: CLIENT.secret,
    });
    expect(answer).toMatchObject({
      ok: true,
      team: null,
      enterprise: { id: 'E0GRID', name: 'Grid Corp' },
      is_enterprise_install: true,
    });
  });

  it('refuses an unknown code and a wrong client', async () => {
    const good = { client_id: CLIENT.id, client_secret: CLIENT.secret };
    expect(await call(undefined, 'oauth.v2.access', { ...good, code: 'code-T0NOBODY' })).toMatchObject({
      ok: false,
      error: 'invalid_code',
    });
    const code = fake.installCode('T0ACME');
    expect(await call(undefined, 'oauth.v2.access', { ...good, code, client_id: '999' })).toMatchObject({
      error: 'invalid_client_id',
    });
    expect(await call(undefined, 'oauth.v2.access', { ...good, code, client_secret: 'nope' })).toMatchObject({
      error: 'bad_client_secret',
    });
  });

  it('takes the client as HTTP Basic auth too', async () => {
    const response = await fetch(`${fake.url}oauth.v2.access`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${CLIENT.id}:${CLIENT.secret}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ code: fake.installCode('T0ACME') }).toString(),
    });
    expect(await response.json()).toMatchObject({ ok: true, access_token: 'xoxb-acme' });
    expect(fake.callsTo('oauth.v2.access').at(-1)).toMatchObject({ token: null, args: { client_id: CLIENT.id } });
  });
});

describe('answers per token', () => {
  it('auth.test names the workspace of the token; any other token is the default workspace', async () => {
    expect(await call('xoxb-test-token', 'auth.test')).toMatchObject({ team_id: 'T0ROSTER', user_id: 'UBOT', bot_id: 'BBOT' });
    expect(await call('xoxb-acme', 'auth.test')).toMatchObject({
      team_id: 'T0ACME',
      team: 'Acme',
      user_id: 'UBOTT0ACME',
      bot_id: 'BBOTT0ACME',
    });
    expect(await call('xoxb-acme', 'auth.test')).not.toHaveProperty('enterprise_id');
    expect(await call('xoxb-grid', 'auth.test')).toMatchObject({
      team_id: 'T0GRID',
      enterprise_id: 'E0GRID',
      is_enterprise_install: true,
    });
  });

  it("users.info and users.lookupByEmail see only the token's workspace", async () => {
    expect(await call('xoxb-acme', 'users.info', { user: 'UACME' })).toMatchObject({ ok: true, user: { team_id: 'T0ACME' } });
    expect(await call('xoxb-acme', 'users.info', { user: 'UOWNER' })).toMatchObject({ ok: false, error: 'user_not_found' });
    expect(await call('xoxb-test-token', 'users.info', { user: 'UACME' })).toMatchObject({ error: 'user_not_found' });
    expect(await call('xoxb-test-token', 'users.info', { user: 'UOWNER' })).toMatchObject({ user: { team_id: 'T0ROSTER' } });
    expect(await call('xoxb-acme', 'users.lookupByEmail', { email: 'ANN@acme.test' })).toMatchObject({ user: { id: 'UACME' } });
    expect(await call('xoxb-grid', 'users.lookupByEmail', { email: 'ann@acme.test' })).toMatchObject({
      error: 'users_not_found',
    });
  });

  it('a revoked token answers token_revoked to every method; the others go on', async () => {
    const scratch = await startFakeSlack();
    try {
      scratch.addWorkspace({ teamId: 'T0GONE', botToken: 'xoxb-gone', installer: { id: 'UGONE', email: 'g@gone.test' } });
      scratch.revokeToken('xoxb-gone');
      const client = (token: string) => new WebClient(token, { slackApiUrl: scratch.url, retryConfig: { retries: 0 } });
      await expect(client('xoxb-gone').auth.test()).rejects.toMatchObject({ data: { error: 'token_revoked' } });
      await expect(client('xoxb-gone').chat.postMessage({ channel: 'C1', text: 'hi' })).rejects.toMatchObject({
        data: { error: 'token_revoked' },
      });
      await expect(client('xoxb-test-token').auth.test()).resolves.toMatchObject({ ok: true });
      expect(scratch.callsWithToken('xoxb-gone').map((c) => c.method)).toEqual(['auth.test', 'chat.postMessage']);
    } finally {
      await scratch.close();
    }
  });
});

describe('signed requests from a workspace', () => {
  it('carry its team and enterprise where Slack puts them', async () => {
    const bodies: string[] = [];
    const app = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => {
        body += chunk;
      });
      req.on('end', () => {
        bodies.push(body);
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
    try {
      const appUrl = `http://127.0.0.1:${(app.address() as AddressInfo).port}/slack/events`;
      const grid = createSlackClient({ appUrl, signingSecret: 's', teamId: 'T0GRID', fake });
      await grid.command('WGRID', 'list');
      const command = new URLSearchParams(bodies[0]);
      expect(command.get('team_id')).toBe('T0GRID');
      expect(command.get('enterprise_id')).toBe('E0GRID');
      expect(command.get('is_enterprise_install')).toBe('true');

      await grid.blockAction('WGRID', { actionId: 'a' });
      const action = JSON.parse(new URLSearchParams(bodies[1]).get('payload') as string);
      expect(action).toMatchObject({
        team: { id: 'T0GRID', enterprise_id: 'E0GRID' },
        enterprise: { id: 'E0GRID', name: 'Grid Corp' },
        is_enterprise_install: true,
        user: { team_id: 'T0GRID' },
      });

      await grid.tokensRevoked();
      expect(JSON.parse(bodies[2] as string)).toMatchObject({
        type: 'event_callback',
        team_id: 'T0GRID',
        enterprise_id: 'E0GRID',
        event: { type: 'tokens_revoked', tokens: { oauth: [], bot: ['UBOTT0GRID'] } },
        authorizations: [{ team_id: 'T0GRID', enterprise_id: 'E0GRID', user_id: 'UBOTT0GRID', is_enterprise_install: true }],
      });

      const plain = createSlackClient({ appUrl, signingSecret: 's', teamId: fake.teamId, fake });
      await plain.appUninstalled();
      expect(JSON.parse(bodies[3] as string)).toMatchObject({
        team_id: 'T0ROSTER',
        event: { type: 'app_uninstalled' },
        authorizations: [{ team_id: 'T0ROSTER', enterprise_id: null, user_id: 'UBOT', is_enterprise_install: false }],
      });
    } finally {
      await new Promise((resolve) => app.close(resolve));
    }
  });
});

describe('installWorkspace against Bolt OAuth routes', () => {
  const installations = new MemoryInstallationStore();
  const errors: string[] = [];
  let receiver: ExpressReceiver;
  let baseUrl: string;

  beforeAll(async () => {
    receiver = new ExpressReceiver({
      signingSecret: 'signing-secret',
      clientId: CLIENT.id,
      clientSecret: CLIENT.secret,
      stateSecret: 'state-secret',
      scopes: FAKE_BOT_SCOPES.split(','),
      installationStore: installations,
      logger: quietLogger(errors),
      installerOptions: {
        directInstall: true,
        authorizationUrl: `${new URL(fake.url).origin}/oauth/v2/authorize`,
        clientOptions: { slackApiUrl: fake.url, retryConfig: { retries: 0 } },
      },
    });
    const server: Server = await receiver.start(0);
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(() => receiver.stop());

  it('installs a workspace: the state round-trips through the cookie and the code is exchanged', async () => {
    const result = await installWorkspace(baseUrl, fake, 'T0ACME');
    expect(result.authorizeUrl.pathname).toBe('/oauth/v2/authorize');
    expect(result.authorizeUrl.searchParams.get('client_id')).toBe(CLIENT.id);
    expect(result.authorizeUrl.searchParams.get('scope')).toBe(FAKE_BOT_SCOPES);
    expect(result.status).toBe(200);
    expect(result.body).toContain('Thank you!');
    expect(result.body).toContain('slack://app?team=T0ACME&amp;id=A0ROSTER');
    const installation = await installations.fetchInstallation({
      teamId: 'T0ACME',
      enterpriseId: undefined,
      isEnterpriseInstall: false,
    });
    expect(installation).toMatchObject({
      team: { id: 'T0ACME', name: 'Acme' },
      user: { id: 'UACME' },
      bot: { token: 'xoxb-acme', userId: 'UBOTT0ACME', id: 'BBOTT0ACME' },
      isEnterpriseInstall: false,
      appId: 'A0ROSTER',
    });
    // InstallProvider checks the new token with auth.test before storing it.
    expect(fake.callsWithToken('xoxb-acme').map((c) => c.method)).toContain('auth.test');
  });

  it('installs org-wide: stored by enterprise, with the org URL from auth.test', async () => {
    const result = await installWorkspace(baseUrl, fake, 'T0GRID');
    expect(result.status).toBe(200);
    const installation = await installations.fetchInstallation({
      teamId: undefined,
      enterpriseId: 'E0GRID',
      isEnterpriseInstall: true,
    });
    expect(installation).toMatchObject({
      enterprise: { id: 'E0GRID' },
      isEnterpriseInstall: true,
      enterpriseUrl: 'https://e0grid.enterprise.slack.com/',
      bot: { token: 'xoxb-grid' },
    });
    expect(installation.team).toBeUndefined();
  });

  it('refuses a state that is not the one in the cookie, and a missing cookie, with 400', async () => {
    const tampered = await installWorkspace(baseUrl, fake, 'T0ACME', { state: 'forged' });
    expect(tampered.status).toBe(400);
    expect(tampered.body).toContain('reason: slack_oauth_invalid_state');
    const cookieless = await installWorkspace(baseUrl, fake, 'T0ACME', { cookie: false });
    expect(cookieless.status).toBe(400);
    expect(cookieless.body).toContain('reason: slack_oauth_invalid_state');
  });

  it('answers 500 when Slack refuses the code', async () => {
    const result = await installWorkspace(baseUrl, fake, 'T0ACME', { code: 'code-T0NOBODY' });
    expect(result.status).toBe(500);
    expect(result.body).toContain('Oops, Something Went Wrong!');
    expect(errors.join('\n')).toContain('invalid_code');
  });

  it(`keeps the state in the ${STATE_COOKIE} cookie: Secure, HttpOnly, ten minutes`, async () => {
    const start = await fetch(`${baseUrl}/slack/install`, { redirect: 'manual' });
    const [cookie] = start.headers.getSetCookie();
    expect(cookie).toMatch(new RegExp(`^${STATE_COOKIE}=[^;]+; Secure; HttpOnly; Path=/; Max-Age=600$`));
  });
});

/** Bolt's logger interface, quiet; errors are kept for the test to read. */
function quietLogger(errors: string[]): Logger {
  let level = LogLevel.ERROR;
  return {
    debug: () => {},
    info: () => {},
    warn: () => {},
    error: (...messages: unknown[]) => {
      errors.push(messages.map(String).join(' '));
    },
    setLevel: (next) => {
      level = next;
    },
    getLevel: () => level,
    setName: () => {},
  };
}
