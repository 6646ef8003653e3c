import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config';

const good = { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 'secret-secret' };

describe('TRUST_PROXY', () => {
  it('trusts no proxy when unset or empty', () => {
    expect(loadConfig(good).trustProxy).toBe(false);
    expect(loadConfig({ ...good, TRUST_PROXY: '' }).trustProxy).toBe(false);
  });

  it('takes a hop count, Express’s names, or a list of addresses and CIDRs', () => {
    expect(loadConfig({ ...good, TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(loadConfig({ ...good, TRUST_PROXY: 'loopback' }).trustProxy).toEqual(['loopback']);
    expect(loadConfig({ ...good, TRUST_PROXY: '10.0.0.0/8, 192.0.2.7,fd00::/8' }).trustProxy).toEqual([
      '10.0.0.0/8',
      '192.0.2.7',
      'fd00::/8',
    ]);
  });

  it('stops start-up on a value that would silently trust nobody (or everybody)', () => {
    for (const value of ['true', 'loopbak', '10.0.0.0/33', '10.0.0/8', '1.2.3.4/8/1', '-1']) {
      expect(() => loadConfig({ ...good, TRUST_PROXY: value })).toThrow(/TRUST_PROXY is not valid: it must be a hop count/);
    }
  });
});
