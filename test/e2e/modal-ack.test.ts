/**
 * Modal submissions acknowledge within Slack's budget even when the work takes longer
 * (issue 14, item 6): the result, delivery problems included, arrives afterwards.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, OWNER, startHarness } from '../support/roster-harness';

type View = { callback_id: string; private_metadata: string };
const input = (value: string) => ({ type: 'plain_text_input', value });
const select = (value: string) => ({ type: 'static_select', selected_option: { value } });

describe('modal acknowledgement budget (embedded store)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness('embedded', { SEAT_LIMIT: '100' });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('a 50-address invite through a slow Slack is acknowledged in time and reported when done', async () => {
    const emails = Array.from({ length: 50 }, (_, i) => `slow${i}@example.com`);
    emails.forEach((email, i) => {
      h.fake.addUser({ id: `USLOW${i}`, email });
    });
    await h.slack.command(OWNER.slackId, 'invite', { channelId: 'C0GENERAL' });
    const view = await h.fake.waitFor(() =>
      h.fake
        .callsTo('views.open')
        .map((c) => c.args.view as View)
        .find((v) => v.callback_id === 'invite.modal'),
    );
    h.fake.slow('users.lookupByEmail', 300);
    h.fake.failNext('chat.postMessage', { error: 'channel_not_found' });
    const started = Date.now();
    const submitted = await h.slack.viewSubmission(OWNER.slackId, {
      callbackId: 'invite.modal',
      privateMetadata: view.private_metadata,
      values: {
        'invite.emails': { 'invite.emails': input(emails.join(', ')) },
        'invite.role': { 'invite.role': select('viewer') },
      },
    });
    const elapsed = Date.now() - started;
    expect(submitted.status).toBe(200);
    expect(submitted.json?.response_action).toBeUndefined();
    expect(elapsed).toBeLessThan(2900);
    const told = await h.fake.waitFor(
      () => h.fake.callsTo('chat.postEphemeral').find((c) => String(c.args.text).includes('Invited 50 people')),
      20_000,
    );
    expect(told.args.user).toBe(OWNER.slackId);
    expect(JSON.stringify(told.args)).toContain('channel_not_found');
    expect(await h.roster.prisma.user.count({ where: { email: { in: emails }, status: 'invited' } })).toBe(50);
  }, 30_000);

  it('a field error found within the budget still comes back on the field', async () => {
    const view = h.fake
      .callsTo('views.open')
      .map((c) => c.args.view as View)
      .find((v) => v.callback_id === 'invite.modal') as View;
    const bad = await h.slack.viewSubmission(OWNER.slackId, {
      callbackId: 'invite.modal',
      privateMetadata: view.private_metadata,
      values: { 'invite.emails': { 'invite.emails': input('nope') } },
    });
    expect(bad.json?.response_action).toBe('errors');
    expect(JSON.stringify(bad.json)).toContain('nope is not a valid e-mail address');
  });
});
