import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ListenerHarness, OWNER, startListenerHarness } from '../support/listener-harness';

describe('per-product access levels (products preset)', () => {
  let h: ListenerHarness;
  const roles = async (email: string) =>
    (await h.roster.prisma.userRole.findMany({ where: { user: { email } }, include: { role: true } }))
      .map((r) => r.role.key)
      .sort();

  beforeAll(async () => {
    h = await startListenerHarness('embedded', { ROSTER_CONFIG: 'config/presets/products.yaml' });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('invites with one level per product, or no access', async () => {
    const answer = await h.slack.commandAndWait(
      OWNER.slackId,
      'invite pro@example.com --product crm=editor --product analytics=none',
    );
    expect(answer.text).toContain('Invited pro@example.com');
    expect(await roles('pro@example.com')).toEqual(['crm-editor']);
  });

  it('refuses an invite with no role and no product level, and an unknown level', async () => {
    expect((await h.slack.commandAndWait(OWNER.slackId, 'invite none@example.com')).text).toContain(
      'Choose a role (--role) or product levels',
    );
    expect((await h.slack.commandAndWait(OWNER.slackId, 'invite none@example.com --product crm=owner')).text).toContain(
      '`owner` is not a level of `crm`',
    );
    expect((await h.slack.commandAndWait(OWNER.slackId, 'invite none@example.com --product crm=none')).text).toContain(
      'Every product is set to no access',
    );
    expect(await h.roster.prisma.user.count({ where: { email: 'none@example.com' } })).toBe(0);
  });

  it('a new level of a product replaces the old one; another product is added beside it', async () => {
    await h.slack.commandAndWait(OWNER.slackId, 'roles pro@example.com +crm=viewer +analytics=viewer');
    expect(await roles('pro@example.com')).toEqual(['analytics-viewer', 'crm-viewer']);
    const card = JSON.stringify((await h.slack.commandAndWait(OWNER.slackId, 'show pro@example.com')).blocks);
    expect(card).toContain('Analytics Viewer');
  });
});
