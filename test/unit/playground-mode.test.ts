/** When `npm start` runs the playground (src/playground/playground-mode.ts). */
import { describe, expect, it } from 'vitest';
import { wantsPlayground } from '../../src/playground/playground-mode';

describe('playground mode', () => {
  it('is on with nothing of Slack configured, and off once any Slack credential is set', () => {
    expect(wantsPlayground({}, [])).toBe(true);
    expect(wantsPlayground({ SLACK_BOT_TOKEN: ' ', LOG_LEVEL: 'debug', PORT: '8080' }, [])).toBe(true);
    for (const name of [
      'SLACK_BOT_TOKEN',
      'SLACK_APP_TOKEN',
      'SLACK_SIGNING_SECRET',
      'SLACK_CLIENT_ID',
      'SLACK_CLIENT_SECRET',
      'SLACK_STATE_SECRET',
    ]) {
      expect(wantsPlayground({ [name]: 'set' }, []), name).toBe(false);
    }
  });

  it('is off on its own where a deployment shows (its Slack secrets missing must stop it, not start a playground)', () => {
    for (const sign of [
      { DATABASE_URL: 'postgresql://db/roster' },
      { OWNER_EMAIL: 'o@example.com' },
      { PUBLIC_URL: 'https://roster.example.com' },
      { NODE_ENV: 'production' },
    ]) {
      expect(wantsPlayground(sign, []), JSON.stringify(sign)).toBe(false);
      expect(wantsPlayground(sign, ['--playground']), JSON.stringify(sign)).toBe(true);
    }
  });

  it('is on with --playground or PLAYGROUND=1 whatever is configured, and PLAYGROUND=0 turns it off', () => {
    const configured = { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1' };
    expect(wantsPlayground(configured, ['--playground'])).toBe(true);
    expect(wantsPlayground({ ...configured, PLAYGROUND: '1' }, [])).toBe(true);
    expect(wantsPlayground({ ...configured, PLAYGROUND: 'true' }, [])).toBe(true);
    expect(wantsPlayground({ PLAYGROUND: '0' }, [])).toBe(false);
    expect(wantsPlayground({ PLAYGROUND: 'false' }, [])).toBe(false);
    expect(wantsPlayground(configured, [])).toBe(false);
  });
});
