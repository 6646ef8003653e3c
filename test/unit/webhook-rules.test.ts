/** The pure parts of webhooks: which addresses are public, which events a pattern takes, when a failure is retried. */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config';
import { isPublicAddress } from '../../src/domain/webhooks/webhook-address';
import { isEventPattern, matchesEvents } from '../../src/domain/webhooks/webhook-events';
import { afterFailure, retryWait } from '../../src/domain/webhooks/webhook-retries';

describe('webhook addresses', () => {
  it('takes public unicast addresses only', () => {
    for (const address of ['93.184.216.34', '8.8.8.8', '2606:4700::1111', '::ffff:8.8.8.8']) {
      expect(isPublicAddress(address), address).toBe(true);
    }
    const refused = [
      '127.0.0.1',
      '127.8.9.1',
      '10.0.0.1',
      '172.16.5.4',
      '172.31.255.255',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '100.100.100.200',
      '0.0.0.0',
      '255.255.255.255',
      '224.0.0.1',
      '192.0.2.1',
      '198.18.0.1',
      '::1',
      '::',
      'fe80::1',
      'fd00:ec2::254',
      'fc00::1',
      '::ffff:127.0.0.1',
      '::ffff:169.254.169.254',
      'ff02::1',
      '64:ff9b::7f00:1',
      '::7f00:1',
      '::a00:1',
      '2002:7f00:1::',
      'not an address',
      '',
    ];
    for (const address of refused) expect(isPublicAddress(address), address).toBe(false);
  });
});

describe('webhook event patterns', () => {
  it('an action, a prefix with .*, or every event', () => {
    expect(['user.invited', 'user.*', 'scim-token.created', 'approval.*', '*'].every(isEventPattern)).toBe(true);
    expect(['User.invited', 'user.', '.*', 'user.**', 'user invited', 'user.*.x', 'x'.repeat(101)].some(isEventPattern)).toBe(
      false,
    );
    expect(matchesEvents([], 'anything.at-all')).toBe(true);
    expect(matchesEvents(['user.*'], 'user.invited')).toBe(true);
    expect(matchesEvents(['user.*'], 'users.invited')).toBe(false);
    expect(matchesEvents(['user.*'], 'user')).toBe(false);
    expect(matchesEvents(['user.invited', 'group.*'], 'group.created')).toBe(true);
    expect(matchesEvents(['user.invited'], 'user.invited.again')).toBe(false);
  });
});

describe('webhook retries', () => {
  it('waits 5 s, 30 s, 2 min, 10 min, then twice as long each time', () => {
    expect([1, 2, 3, 4, 5, 6, 7].map((n) => retryWait(n) / 1000)).toEqual([5, 30, 120, 600, 1200, 2400, 4800]);
  });

  it('gives up 24 hours after the first failure, with one attempt at the mark', () => {
    const since = new Date('2026-12-01T00:00:00Z');
    expect(afterFailure(1, since, since)).toEqual({ pause: false, next: new Date('2026-12-01T00:00:05Z') });
    const late = new Date('2026-12-01T23:00:00Z');
    expect(afterFailure(11, since, late)).toEqual({ pause: false, next: new Date('2026-12-02T00:00:00Z') });
    expect(afterFailure(12, since, new Date('2026-12-02T00:00:00Z'))).toEqual({ pause: true });
  });
});

describe('webhook words', () => {
  it('WEBHOOK_ALLOW_PRIVATE and WEBHOOK_TIMEOUT_SECONDS are read and checked', () => {
    const base = { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 'signing-secret', OWNER_EMAIL: 'o@example.com' };
    expect(loadConfig(base).webhooks).toMatchObject({ allowPrivate: false, timeoutMs: 10_000 });
    expect(loadConfig({ ...base, WEBHOOK_ALLOW_PRIVATE: 'true', WEBHOOK_TIMEOUT_SECONDS: '3' }).webhooks).toMatchObject({
      allowPrivate: true,
      timeoutMs: 3000,
    });
    expect(() => loadConfig({ ...base, WEBHOOK_ALLOW_PRIVATE: 'yes' })).toThrow(
      /WEBHOOK_ALLOW_PRIVATE is not valid: it must be 1 or true/,
    );
    expect(() => loadConfig({ ...base, WEBHOOK_TIMEOUT_SECONDS: '90' })).toThrow(/WEBHOOK_TIMEOUT_SECONDS is not valid/);
    // The secret that seals signing secrets: ROSTER_SECRET when set, and the previous one still opens.
    const rotated = loadConfig({ ...base, ROSTER_SECRET: 'n'.repeat(32), ROSTER_SECRET_PREVIOUS: 'o'.repeat(32) });
    expect(rotated.webhooks.keyMaterials).toEqual(['n'.repeat(32), 'o'.repeat(32)]);
  });
});
