import { describe, expect, it } from 'vitest';
import { expiredInvitesDm } from '../../src/slack/views/expired-invites-dm';

const at = new Date('2026-11-24T12:00:00Z');
const invite = (email: string) => ({ email, expiresAt: at });

describe('the inviter DM on expiry', () => {
  it('names one address, when it expired and how to send a new link', () => {
    const dm = expiredInvitesDm([invite('rita@example.com')], 0);
    expect(dm.text).toBe('Your invite to rita@example.com expired 2026-11-24 12:00 UTC without being accepted.');
    expect(JSON.stringify(dm.blocks)).toContain('/users resend rita@example.com');
    expect(JSON.stringify(dm.blocks)).toContain('Re-invite button');
  });

  it('lists many addresses, says what to do and how many follow', () => {
    const dm = expiredInvitesDm(
      Array.from({ length: 50 }, (_, i) => invite(`p${i}@example.com`)),
      70,
    );
    expect(dm.text).toBe('50 invites you sent expired without being accepted. 70 more follow in further messages.');
    const json = JSON.stringify(dm.blocks);
    for (let i = 0; i < 50; i++) expect(json).toContain(`• p${i}@example.com`);
    expect(json).toContain('Re-invite buttons');
    expect(expiredInvitesDm([invite('a@example.com'), invite('b@example.com')], 20).text).toContain(
      '20 more follow in the next message.',
    );
  });

  it('escapes mrkdwn control characters in addresses', () => {
    const dm = expiredInvitesDm([invite('a<!channel>&b@example.com'), invite('c@example.com')], 0);
    const json = JSON.stringify(dm.blocks);
    expect(json).toContain('a&lt;!channel&gt;&amp;b@example.com');
    expect(json).not.toContain('<!channel>');
    expect(expiredInvitesDm([invite('<@U1>@example.com')], 0).text).not.toContain('<@U1>');
  });

  it('keeps each section within Slack limits even for 50 of the longest addresses', () => {
    const long = (i: number) => invite(`${'x'.repeat(60)}${i}@${'d'.repeat(60)}.${'e'.repeat(60)}.${'f'.repeat(60)}.com`);
    const dm = expiredInvitesDm(
      Array.from({ length: 50 }, (_, i) => long(i)),
      0,
    );
    const sections = (dm.blocks ?? []) as { type: string; text?: { text: string } }[];
    expect(sections.length).toBeLessThanOrEqual(50);
    for (const block of sections) if (block.text) expect(block.text.text.length).toBeLessThanOrEqual(3000);
    expect(sections.filter((b) => b.text?.text.startsWith('•')).flatMap((b) => b.text?.text.split('\n'))).toHaveLength(50);
  });
});
