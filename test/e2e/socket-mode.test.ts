import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config';
import { buildRoster, type Roster } from '../../src/main';
import { type FakeSlack, startFakeSlack } from '../support/fake-slack';

describe('Socket Mode (SLACK_APP_TOKEN set)', () => {
  let fake: FakeSlack;
  let roster: Roster;
  let port: number;
  beforeAll(async () => {
    fake = await startFakeSlack({ users: [{ id: 'UOWNER', email: 'owner@example.com' }] });
    const config = loadConfig({
      SLACK_BOT_TOKEN: 'xoxb-test-token',
      SLACK_APP_TOKEN: 'xapp-test-token',
      SLACK_API_URL: fake.url,
      PORT: '0',
      DATABASE_URL: 'memory://',
      DATA_DIR: await mkdtemp(path.join(tmpdir(), 'roster-socket-')),
      OWNER_EMAIL: 'owner@example.com',
      LOG_LEVEL: 'silent',
    });
    roster = await buildRoster(config);
    port = await roster.start();
  });
  afterAll(async () => {
    await roster?.stop();
    await fake?.close();
  });

  it('connects with the app token, acknowledges a slash command over the socket and answers it', async () => {
    const open = fake.callsTo('apps.connections.open');
    expect(open[0]?.token).toBe('xapp-test-token');
    const envelopeId = await fake.socketSend({
      type: 'slash_commands',
      payload: {
        team_id: fake.teamId,
        user_id: 'UOWNER',
        command: '/users',
        text: 'seats',
        channel_id: 'C0GENERAL',
        response_url: fake.responseUrl('socket-seats'),
        trigger_id: 'trigger.socket',
      },
    });
    await fake.waitFor(() => fake.socketAcks.find((ack) => ack.envelope_id === envelopeId));
    const answer = await fake.waitFor(() => fake.responses.find((r) => r.id === 'socket-seats'));
    expect(String(answer.body.text)).toContain('1 / 25');
  });

  it('serves the web routes on PORT without an HTTP receiver', async () => {
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${port}/slack/events`, { method: 'POST' })).status).toBe(404);
  });
});
