import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, scrubSecrets } from '../../src/logger';

describe('logging never carries secrets', () => {
  it.each([
    ['key rk_abcdefghijk123 ok', 'key [redacted] ok'],
    ['scim token rs_abcdefghijk123 ok', 'scim token [redacted] ok'],
    ['passcode rp_0123456789abcdef', 'passcode [redacted]'],
    ['token xoxb-123-abc done', 'token [redacted] done'],
    ['see http://x/invite/abcdefghijklmnopqrstuvwxyz rest', 'see http://x/invite/[redacted] rest'],
    ['open http://x/reveal/abcdefghijklmnopqrstuvwxyz now', 'open http://x/reveal/[redacted] now'],
    ['text=a%2Fpassword%2Fabcdefghijklmnopqrstuv', 'text=a%2Fpassword%2F[redacted]'],
    ['text=hello&password=hunter2&x=1', 'text=hello&password=[redacted]&x=1'],
    ['{"apiKey":"whatever"}', '{"apiKey":"[redacted]"}'],
    ['GET /slack/oauth_redirect?code=1234.5678.abcdef&state=x', 'GET /slack/oauth_redirect?code=[redacted]&state=x'],
    ['GET /slack/oauth_redirect?state=x&code=1234.5678.abcdef', 'GET /slack/oauth_redirect?state=x&code=[redacted]'],
  ])('scrubs %s', (input, output) => {
    expect(scrubSecrets(input)).toBe(output);
  });

  it('redacts structured fields and scrubs messages', () => {
    const lines: string[] = [];
    const logger = createLogger(
      'info',
      new Writable({
        write(chunk, _e, cb) {
          lines.push(String(chunk));
          cb();
        },
      }),
    );
    logger.info({ token: 'abc', user: { password: 'p' }, link: 'http://x/invite/zzz' }, 'sent rk_secretsecret1 to someone');
    const line = lines.join('');
    expect(line).not.toContain('abc"');
    expect(line).not.toContain('rk_secretsecret1');
    expect(line).toContain('[redacted]');
    expect(JSON.parse(line).user.password).toBe('[redacted]');
  });
});
