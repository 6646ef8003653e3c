import { describe, expect, it } from 'vitest';
import type { UserCard } from '../../src/domain/directory/user-view';
import { cardActions, userCardMessage } from '../../src/slack/views/user-card-message';
import { blockProblems } from '../support/block-kit-limits';

function card(overrides: Partial<UserCard>): UserCard {
  return {
    id: '00000000-0000-4000-8000-000000000001',
    email: 'alice@x.com',
    name: null,
    status: 'active',
    primaryRole: null,
    lastLoginAt: null,
    passcode: { state: 'none' },
    roles: [],
    extraPermissions: [],
    groups: [],
    signInMethod: 'password',
    apiKeyPrefix: null,
    properties: [],
    slackUserId: null,
    invitedBy: null,
    invitedAt: null,
    inviteExpiresAt: null,
    isOwner: false,
    createdAt: new Date('2026-11-24T12:00:00Z'),
    temporary: [],
    ...overrides,
  };
}

describe('user card actions', () => {
  it('confirm dialogs stay within Slack limits for the longest address', () => {
    const email = `${'a'.repeat(64)}@${'b'.repeat(180)}.example.com`;
    for (const status of ['active', 'disabled'] as const) {
      const reply = userCardMessage(card({ email, status }));
      expect(blockProblems(reply.blocks, 'message')).toEqual([]);
      const confirmed = cardActions(card({ email, status })).filter((a) => a.confirm);
      expect(confirmed.length).toBeGreaterThan(0);
      for (const action of confirmed) expect(action.confirm?.text).toContain('…?');
    }
  });

  it('the owner gets no Disable, Revoke or Delete, whatever the status', () => {
    for (const status of ['active', 'disabled'] as const) {
      const ids = cardActions(card({ status, isOwner: true })).map((a) => a.actionId);
      expect(ids).not.toContain('card.disable');
      expect(ids).not.toContain('card.revoke');
      expect(ids).not.toContain('card.delete');
    }
  });
});
