/**
 * What the managed product reads (issue 16, item 10): `/api/v1/auth/verify` and `/api/v1/login` return
 * the holder's custom properties, as admins set them from Slack, so the product can filter data by them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/domain/secrets';
import { type Harness, OWNER, startHarness } from '../support/roster-harness';
import { seedUser } from '../support/seed';
import { testTargets } from '../support/test-database';
import { postJson } from '../support/web-client';

const PASSWORD = 'a long enough passphrase';

describe.each(testTargets())('the API returns custom properties (%s store)', (target) => {
  let h: Harness;
  const api = (path: string, body: unknown) => postJson(`${h.baseUrl}${path}`, body);
  let key = '';

  beforeAll(async () => {
    h = await startHarness(target);
    const user = await seedUser(h.roster, { email: 'rae@example.com', roles: ['editor'], slackUserId: 'URAE' });
    await h.roster.prisma.user.update({ where: { id: user.id }, data: { passwordHash: await hashPassword(PASSWORD) } });
    h.fake.addUser({ id: 'URAE', email: 'rae@example.com' });
    await h.slack.commandAndWait(OWNER.slackId, 'apikey rae@example.com');
    const dm = await h.fake.waitFor(() =>
      h.fake.callsTo('chat.postMessage').find((c) => c.args.channel === 'DURAE' && String(c.args.text).includes('rk_')),
    );
    key = (/(rk_[A-Za-z0-9_-]+)/.exec(String(dm.args.text)) as RegExpExecArray)[1] as string;
  });
  afterAll(async () => {
    await h?.close();
  });

  it('returns an empty object when the user has no properties', async () => {
    expect((await api('/api/v1/auth/verify', { apiKey: key })).json.properties).toEqual({});
    expect((await api('/api/v1/login', { email: 'rae@example.com', password: PASSWORD })).json.properties).toEqual({});
  });

  it('returns the properties set from Slack, on verify and on login, and follows their changes', async () => {
    await h.slack.commandAndWait(OWNER.slackId, 'props rae@example.com region=eu tier="gold plus"');
    const verified = await api('/api/v1/auth/verify', { apiKey: key });
    expect(verified.status).toBe(200);
    expect(verified.json.properties).toEqual({ region: 'eu', tier: 'gold plus' });
    const login = await api('/api/v1/login', { email: 'rae@example.com', password: PASSWORD });
    expect(login.status).toBe(200);
    expect(login.json).toMatchObject({ user: { email: 'rae@example.com' }, properties: { region: 'eu', tier: 'gold plus' } });
    await h.slack.commandAndWait(OWNER.slackId, 'props rae@example.com -tier region=us');
    expect((await api('/api/v1/auth/verify', { apiKey: key })).json.properties).toEqual({ region: 'us' });
  });

  it('returns no properties with a refusal', async () => {
    const wrong = await api('/api/v1/login', { email: 'rae@example.com', password: 'not the passphrase' });
    expect(wrong.status).toBe(401);
    expect(wrong.json).not.toHaveProperty('properties');
    await h.slack.commandAndWait(OWNER.slackId, 'disable rae@example.com');
    const disabled = await api('/api/v1/auth/verify', { apiKey: key });
    expect(disabled.status).toBe(401);
    expect(disabled.json).not.toHaveProperty('properties');
  });
});
