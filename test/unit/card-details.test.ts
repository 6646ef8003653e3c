import { describe, expect, it } from 'vitest';
import type { UserCard } from '../../src/domain/directory/user-view';
import { parsePropertyLines, splitWords } from '../../src/slack/views/card-detail-input';
import { cardActions, userCardMessage } from '../../src/slack/views/user-card-message';
import { blockProblems } from '../support/block-kit-limits';

const longest = `${'a'.repeat(64)}@${'b'.repeat(180)}.example.com`;

function card(overrides: Partial<UserCard>): UserCard {
  return {
    id: '00000000-0000-4000-8000-000000000001',
    email: longest,
    name: null,
    status: 'active',
    primaryRole: null,
    lastLoginAt: null,
    passcode: { state: 'active', expiresAt: new Date('2026-12-24T12:00:00Z') },
    roles: [],
    extraPermissions: [],
    groups: [],
    signInMethod: 'google',
    apiKeyPrefix: null,
    properties: [],
    slackUserId: null,
    invitedBy: null,
    invitedAt: null,
    inviteExpiresAt: null,
    isOwner: false,
    createdAt: new Date('2026-11-24T12:00:00Z'),
    temporary: [],
    signInLock: { until: new Date('2026-11-25T12:00:00Z'), addresses: ['10.0.0.1'] },
    ...overrides,
  };
}

describe('the card detail buttons', () => {
  it('fit one actions block and confirm within Slack limits, for the longest address and the most buttons', () => {
    for (const signInMethod of ['google', 'password'] as const) {
      const reply = userCardMessage(card({ signInMethod }));
      expect(blockProblems(reply.blocks, 'message')).toEqual([]);
      const actions = cardActions(card({ signInMethod }));
      expect(actions.length).toBeLessThanOrEqual(25);
      expect(actions.map((a) => a.actionId)).toContain('card.passcode-reset');
      for (const action of actions.filter((a) => a.confirm)) expect(action.confirm?.text).toContain('…?');
    }
  });

  it('offers no sign-in switch to a user of the identity provider, and no reset without a passcode', () => {
    const ids = cardActions(card({ signInMethod: 'sso', passcode: { state: 'none' } })).map((a) => a.actionId);
    expect(ids).toContain('card.groups');
    expect(ids.filter((id) => id.startsWith('card.signin') || id === 'card.passcode-reset')).toEqual([]);
  });
});

describe('reading the detail modals', () => {
  it('reads key=value lines, lower-casing keys and skipping blank lines', () => {
    expect(parsePropertyLines(' Team = Platform \n\nlevel=3=high\n')).toEqual({ team: 'Platform', level: '3=high' });
    expect(parsePropertyLines(undefined)).toEqual({});
  });

  it('refuses a bad line on the props field, naming the line and the key', () => {
    expect(() => parsePropertyLines('ok=1\nnope')).toThrow(/Line 2 \(`nope`\) should be `key=value`/);
    expect(() => parsePropertyLines('9lives=x')).toThrow(/Line 1: `9lives` is not a property key/);
    expect(() => parsePropertyLines(`k=${'x'.repeat(501)}`)).toThrow(/at most 500 characters/);
    try {
      parsePropertyLines('nope');
    } catch (error) {
      expect((error as { field?: string }).field).toBe('props');
    }
  });

  it('splits addresses on commas, spaces and lines', () => {
    expect(splitWords('a@x.com, b@x.com\nc@x.com;d@x.com ')).toEqual(['a@x.com', 'b@x.com', 'c@x.com', 'd@x.com']);
  });
});
