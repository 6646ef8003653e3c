import type { Installation } from '@slack/oauth';
import { describe, expect, it } from 'vitest';
import { installKeyOf, openInstallation, sealInstallation } from '../../src/slack/installation-store';

const installation = {
  team: { id: 'T1', name: 'One' },
  enterprise: undefined,
  user: { id: 'U1', token: undefined, scopes: undefined },
  bot: { token: 'xoxb-secret-token', scopes: ['commands'], id: 'B1', userId: 'UB1' },
} as Installation;
const secret = 's'.repeat(64);

describe('sealed installations', () => {
  it('round-trips, and never holds the token in clear', () => {
    const sealed = sealInstallation(installation, secret, 'T1');
    expect(sealed).not.toContain('xoxb-secret-token');
    expect(openInstallation(sealed, secret, 'T1')?.bot?.token).toBe('xoxb-secret-token');
  });

  it('does not open with another secret, or moved to another workspace', () => {
    const sealed = sealInstallation(installation, secret, 'T1');
    expect(openInstallation(sealed, 't'.repeat(64), 'T1')).toBeNull();
    expect(openInstallation(sealed, secret, 'T2')).toBeNull();
  });

  it('keys an org-wide install by its organization and a workspace install by its team', () => {
    expect(installKeyOf({ teamId: 'T1', enterpriseId: 'E1', isEnterpriseInstall: true })).toBe('E1');
    expect(installKeyOf({ teamId: 'T1', enterpriseId: 'E1', isEnterpriseInstall: false })).toBe('T1');
    expect(installKeyOf({})).toBeNull();
  });
});
