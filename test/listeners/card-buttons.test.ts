import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ListenerHarness, OWNER, startListenerHarness } from '../support/listener-harness';
import { seedUser } from '../support/seed';

describe('user card buttons (embedded store)', () => {
  let h: ListenerHarness;
  const click = (actionId: string, email: string) => h.slack.blockActionAndWait(OWNER.slackId, { actionId, value: email });
  const status = async (email: string) => (await h.roster.prisma.user.findFirstOrThrow({ where: { email } })).status;

  beforeAll(async () => {
    h = await startListenerHarness('embedded');
    await seedUser(h.roster, { email: 'cara@example.com', slackUserId: 'UCARA' });
    await h.slack.commandAndWait(OWNER.slackId, 'invite ian@example.com');
  });
  afterAll(async () => {
    await h?.close();
  });

  it('shows the actions a status allows', async () => {
    const invited = JSON.stringify((await h.slack.commandAndWait(OWNER.slackId, 'show ian@example.com')).blocks);
    expect(invited).toContain('card.resend');
    expect(invited).toContain('card.invite-link');
    expect(invited).not.toContain('card.disable');
    const active = JSON.stringify((await h.slack.commandAndWait(OWNER.slackId, 'show cara@example.com')).blocks);
    expect(active).toContain('card.disable');
    expect(active).toContain('card.apikey');
    expect(active).not.toContain('card.resend');
    const owner = JSON.stringify((await h.slack.commandAndWait(OWNER.slackId, `show ${OWNER.email}`)).blocks);
    expect(owner).not.toContain('card.delete');
    expect(owner).not.toContain('card.revoke');
  });

  it('resends and issues a new link for an invited user', async () => {
    expect((await click('card.resend', 'ian@example.com')).text).toContain('Sent the invite to ian@example.com again');
    expect((await click('card.invite-link', 'ian@example.com')).text).toContain('New invite link for ian@example.com');
  });

  it('disables, enables, sends a key and a password link, revokes', async () => {
    expect((await click('card.disable', 'cara@example.com')).text).toContain('Disabled cara@example.com');
    expect(await status('cara@example.com')).toBe('disabled');
    expect((await click('card.enable', 'cara@example.com')).text).toContain('Enabled cara@example.com');
    expect((await click('card.apikey', 'cara@example.com')).text).toContain('sent to them by DM');
    expect(await h.roster.prisma.apiKey.count({ where: { user: { email: 'cara@example.com' } } })).toBe(1);
    expect((await click('card.password-link', 'cara@example.com')).text).toContain('Sent cara@example.com a password link');
    expect((await click('card.revoke', 'cara@example.com')).text).toContain('Revoked cara@example.com');
    expect(await status('cara@example.com')).toBe('revoked');
  });

  it('opens the delete confirmation', async () => {
    await h.slack.blockAction(OWNER.slackId, { actionId: 'card.delete', value: 'ian@example.com' });
    const view = await h.fake.waitFor(() =>
      h.fake.callsTo('views.open').find((c) => (c.args.view as { callback_id: string }).callback_id === 'delete.modal'),
    );
    expect(JSON.stringify(view.args.view)).toContain('ian@example.com');
  });

  it('refuses a tampered button value', async () => {
    expect((await click('card.disable', 'not-an-email')).text).toContain('out of date');
  });
});
