/**
 * One Web API client for every workspace: each account's calls carry its own token (slack-api.ts), and
 * Bolt is handed installations without tokens, so it keeps no client per workspace (installation-store.ts).
 */
import type { Installation } from '@slack/bolt';
import { WebClient } from '@slack/web-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInstallationStore, STORE_UNREACHABLE_BOT_ID } from '../../src/slack/installation-store';
import { slackApiFor } from '../../src/slack/slack-api';
import { storeUnreachableError } from '../../src/store/store-unreachable';
import { type FakeSlack, startFakeSlack } from '../support/fake-slack';

let fake: FakeSlack;

beforeAll(async () => {
  fake = await startFakeSlack({ users: [{ id: 'UANN', email: 'ann@example.com' }] });
});
afterAll(() => fake.close());

describe('slackApiFor', () => {
  it("sends each workspace's token on every call over one tokenless client", async () => {
    const shared = new WebClient(undefined, { slackApiUrl: fake.url, retryConfig: { retries: 0 } });
    const a = slackApiFor(shared, 'xoxb-a');
    const b = slackApiFor(shared, 'xoxb-b');
    await a.chat.postMessage({ channel: 'C1', text: 'from a' });
    await b.users.info({ user: 'UANN' });
    await a.conversations.open({ users: 'UANN' });
    expect(fake.calls.map((c) => [c.method, c.token])).toEqual([
      ['chat.postMessage', 'xoxb-a'],
      ['users.info', 'xoxb-b'],
      ['conversations.open', 'xoxb-a'],
    ]);
    // The token is a credential, not an argument of the method.
    expect(fake.calls[0]?.args).toEqual({ channel: 'C1', text: 'from a' });
  });
});

describe('the installation Bolt is given', () => {
  const installation = {
    team: { id: 'T1' },
    enterprise: undefined,
    isEnterpriseInstall: false,
    user: { id: 'UANN', token: 'xoxp-user', scopes: undefined },
    bot: { id: 'B1', userId: 'UBOT', token: 'xoxb-secret', scopes: ['commands'] },
  } as unknown as Installation;

  function store(found: () => Promise<Installation | null>) {
    return createInstallationStore({
      secret: 'roster-secret-0123456789abcdef0123456789',
      clientFor: () => {
        throw new Error('not installing');
      },
      provision: async () => ({ accountId: 'a' }),
      installation: found,
      uninstall: async () => {},
    });
  }

  it('has no tokens, only who the bot is, so Bolt keeps no Web API client per workspace', async () => {
    const given = await store(async () => installation).fetchInstallation({
      teamId: 'T1',
      enterpriseId: undefined,
      isEnterpriseInstall: false,
    });
    expect(given.bot?.token).toBeUndefined();
    expect(given.user.token).toBeUndefined();
    expect(given.bot).toMatchObject({ id: 'B1', userId: 'UBOT' });
    expect(given.team).toEqual({ id: 'T1' });
    // The cached installation keeps its token: the account calls Slack with it.
    expect(installation.bot?.token).toBe('xoxb-secret');
  });

  it('while the store cannot be reached is a stand-in the account middleware recognises', async () => {
    const given = await store(async () => {
      throw storeUnreachableError(new Error('connection refused'));
    }).fetchInstallation({ teamId: 'T1', enterpriseId: undefined, isEnterpriseInstall: false });
    expect(given.bot?.id).toBe(STORE_UNREACHABLE_BOT_ID);
    expect(given.bot?.token).toBeUndefined();
  });

  it('refuses a workspace that has no installation', async () => {
    await expect(
      store(async () => null).fetchInstallation({ teamId: 'T9', enterpriseId: undefined, isEnterpriseInstall: false }),
    ).rejects.toThrow(/not installed in T9/);
  });
});
