/**
 * `npm start` as a newcomer meets it: the real entry point in a child process, read from its
 * stderr and exit code. Nothing configured, a Slack API that cannot be reached, a refused token.
 */
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SLACK_CREDENTIALS } from '../../src/playground/playground-mode';
import { npmScript, ROOT, startNpmScript } from '../support/child-process';
import { startFakeSlack } from '../support/fake-slack';
import { freshDatabaseUrl, seedDataDir } from '../support/test-database';

/**
 * Runs what `npm start` runs (with `npm`: `npm start` itself, quiet about its own lines) with
 * exactly this environment.
 */
function start(
  env: Record<string, string>,
  options: { npm?: boolean } = {},
): Promise<{ code: number | null; stderr: string; stdout: string }> {
  const { command, args } = options.npm ? { command: 'npm', args: ['start', '--silent'] } : npmScript('start');
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', ...env },
    });
    let stderr = '';
    let stdout = '';
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    const timer = setTimeout(() => child.kill(), 80_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr, stdout });
    });
  });
}

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Socket Mode on a migrated store in memory (what store it is plays no part here). */
const configured = async () => ({
  SLACK_BOT_TOKEN: 'xoxb-test-token',
  SLACK_APP_TOKEN: 'xapp-test-token',
  DATABASE_URL: (await freshDatabaseUrl('embedded')).url,
  OWNER_EMAIL: 'owner@example.com',
  PORT: '0',
});

describe('npm start', () => {
  it('with nothing configured starts the playground on loopback and says what makes a real deployment', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'roster-start-'));
    await mkdir(path.join(dataDir, 'playground'), { mode: 0o700 });
    await seedDataDir(path.join(dataDir, 'playground'));
    const child = startNpmScript('start', [], {
      DATA_DIR: dataDir,
      PORT: '0',
      ...Object.fromEntries(
        [...SLACK_CREDENTIALS, 'DATABASE_URL', 'OWNER_EMAIL', 'PUBLIC_URL', 'NODE_ENV', 'PLAYGROUND'].map((name) => [name, '']),
      ),
    });
    try {
      const out = await child.waitForOutput('Quick start', 80_000);
      const lines = out.trim().split('\n');
      expect(lines).toHaveLength(2);
      const url = lines[0]?.match(/http:\/\/127\.0\.0\.1:\d+\/playground/)?.[0] as string;
      expect(lines[0]).toMatch(/^Roster playground: http/);
      expect(lines[0]).toContain(path.join(dataDir, 'playground'));
      expect(lines[1]).toMatch(/SLACK_BOT_TOKEN.*SLACK_APP_TOKEN.*SLACK_SIGNING_SECRET/);
      const page = await fetch(url);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<title>Roster playground</title>');
      // Loopback only: the machine's other addresses are refused.
      const port = new URL(url).port;
      const external = Object.values(networkInterfaces())
        .flat()
        .find((address) => address?.family === 'IPv4' && !address.internal);
      if (external) await expect(fetch(`http://${external.address}:${port}/playground`)).rejects.toThrow();
      child.process.kill('SIGTERM');
      expect(await child.exited).toBe(0);
    } finally {
      child.process.kill();
      await child.exited;
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 90_000);

  it('with PLAYGROUND=0 and nothing configured names the missing variables and the two ways to get going', async () => {
    const { code, stderr, stdout } = await start({ PLAYGROUND: '0' }, { npm: true });
    expect(code).toBe(1);
    expect(stdout).toBe('');
    const lines = stderr.trim().split('\n');
    expect(lines[0]).toBe('Roster cannot start. Fix these settings (environment variables):');
    expect(lines[1]).toMatch(
      /^ {2}SLACK_BOT_TOKEN is missing: it must be the Bot User OAuth Token \(xoxb-…\)\. Find it under OAuth/,
    );
    expect(lines[2]).toMatch(
      /^ {2}SLACK_SIGNING_SECRET is missing: .*Basic Information.*set SLACK_APP_TOKEN instead for Socket Mode/,
    );
    // One line creates the app from the manifest; then Socket Mode or HTTP mode.
    expect(lines.filter((line) => line.includes('https://api.slack.com/apps?new_app=1'))).toEqual([
      expect.stringContaining('manifest.yml'),
    ]);
    expect(stderr).toMatch(/Socket Mode.*SLACK_APP_TOKEN/);
    expect(stderr).toMatch(/HTTP mode.*SLACK_SIGNING_SECRET/);
    expect(stderr).not.toMatch(/\n\s+at /);
  }, 90_000);

  it('with SLACK_API_URL unreachable says so in one line, without a stack trace', async () => {
    const url = `http://127.0.0.1:${await closedPort()}/api/`;
    const { code, stderr, stdout } = await start({ ...(await configured()), SLACK_API_URL: url });
    expect(code).toBe(1);
    expect(stderr.trim()).toBe(
      `Roster cannot start: Slack's Web API at ${url} cannot be reached (ECONNREFUSED). Check SLACK_API_URL (leave it unset for Slack's own) and this machine's network.`,
    );
    // The retries are not logged one by one either.
    expect(stdout).not.toContain('http request failed');
  }, 90_000);

  it('with a bot token Slack refuses says which variable to fix', async () => {
    const fake = await startFakeSlack();
    try {
      fake.failNext('auth.test', { error: 'invalid_auth' });
      const { code, stderr } = await start({ ...(await configured()), SLACK_API_URL: fake.url });
      expect(code).toBe(1);
      expect(stderr.trim().split('\n')).toHaveLength(1);
      expect(stderr).toContain('Slack refused SLACK_BOT_TOKEN (invalid_auth)');
    } finally {
      await fake.close();
    }
  }, 90_000);

  it('in distributed mode starts without a bot token and sends installers to Slack with the OAuth state', async () => {
    const fake = await startFakeSlack();
    const child = startNpmScript('start', [], {
      SLACK_CLIENT_ID: '1111.2222',
      SLACK_CLIENT_SECRET: 'c'.repeat(32),
      SLACK_STATE_SECRET: 's'.repeat(32),
      SLACK_SIGNING_SECRET: 'secret-secret',
      ROSTER_SECRET: 'r'.repeat(64),
      SLACK_API_URL: fake.url,
      DATABASE_URL: (await freshDatabaseUrl('embedded')).url,
      PORT: '0',
      SLACK_BOT_TOKEN: '',
      SLACK_APP_TOKEN: '',
      OWNER_EMAIL: '',
    });
    try {
      const out = await child.waitForOutput('Roster is running', 80_000);
      const running = JSON.parse(out.split('\n').find((line) => line.includes('Roster is running')) as string);
      expect(running).toMatchObject({ mode: 'http', workspaces: 'many (OAuth install)' });
      const install = await fetch(`http://127.0.0.1:${running.port}/slack/install`, { redirect: 'manual' });
      expect(install.status).toBe(302);
      const authorize = new URL(install.headers.get('location') as string);
      expect(`${authorize.origin}${authorize.pathname}`).toBe(new URL('/oauth/v2/authorize', fake.url).href);
      expect(authorize.searchParams.get('client_id')).toBe('1111.2222');
      expect(authorize.searchParams.get('scope')).toContain('users:read.email');
      expect(authorize.searchParams.get('state')).toBeTruthy();
      expect(install.headers.getSetCookie().join()).toContain('slack-app-oauth-state=');
      // No workspace is installed yet, and no Slack call was made at start.
      expect(fake.calls).toEqual([]);
    } finally {
      child.process.kill();
      await child.exited;
      await fake.close();
    }
  }, 90_000);
});
