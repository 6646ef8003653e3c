import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ListenerHarness, OWNER, startListenerHarness } from '../support/listener-harness';
import { seedUser } from '../support/seed';
import { testTargets } from '../support/test-database';

const UPGRADE_URL = 'https://billing.example.com/upgrade';

type View = { private_metadata: string; blocks: { block_id?: string; hint?: { text: string } }[] };

/** The Settings form with only the seat limit filled in (the other fields as the form sends them empty). */
function seatsForm(seats: string) {
  const input = (value: string) => ({ type: 'plain_text_input', value });
  return {
    'settings.seat-limit': { 'settings.seat-limit': input(seats) },
    'settings.invite-ttl': { 'settings.invite-ttl': input('') },
    'settings.approvals-channel': { 'settings.approvals-channel': { type: 'conversations_select', selected_conversation: null } },
    'settings.notices-channel': { 'settings.notices-channel': { type: 'conversations_select', selected_conversation: null } },
    'settings.catalog': { 'settings.catalog': { type: 'static_select', selected_option: { value: 'deployment' } } },
  };
}

describe.each(testTargets())('seats are the plan’s (%s store)', (target) => {
  let h: ListenerHarness;
  const account = () => h.roster.prisma.account.findUniqueOrThrow({ where: { id: h.roster.accountId } });
  const openSettings = async (): Promise<View> => {
    const opened = h.fake.callsTo('views.open').length;
    await h.slack.blockAction(OWNER.slackId, { actionId: 'home.settings', view: { id: 'VHOME' } });
    return (await h.fake.waitFor(() => h.fake.callsTo('views.open').slice(opened).at(-1))).args.view as View;
  };
  const save = (view: View, seats: string) =>
    h.slack.viewSubmission(OWNER.slackId, {
      callbackId: 'settings.modal',
      privateMetadata: view.private_metadata,
      values: seatsForm(seats),
    });

  beforeAll(async () => {
    // SEAT_LIMIT is the plan of every account the operator gave none.
    h = await startListenerHarness(target, { SEAT_LIMIT: '4', UPGRADE_URL });
    await seedUser(h.roster, { email: 'ada@example.com', roles: ['admin'], slackUserId: 'UADA' });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('the owner cannot raise the seat limit past the plan, on the field, with where to upgrade', async () => {
    const view = await openSettings();
    const hint = view.blocks.find((b) => b.block_id === 'settings.seat-limit')?.hint?.text ?? '';
    expect(hint).toContain('At most 4, the seats of the account');
    expect(hint).toContain(UPGRADE_URL);
    const answer = await save(view, '5');
    expect(answer.json?.response_action).toBe('errors');
    const errors = answer.json?.errors as Record<string, string>;
    expect(Object.keys(errors)).toEqual(['settings.seat-limit']);
    expect(errors['settings.seat-limit']).toContain('Seat limit can be at most 4');
    expect(errors['settings.seat-limit']).toContain(UPGRADE_URL);
    expect(await account()).toMatchObject({ seatLimit: null, settingsVersion: 1 });
  });

  it('a plan the operator set is the new ceiling; the owner may still lower the limit below it', async () => {
    await h.roster.prisma.account.update({ where: { id: h.roster.accountId }, data: { planSeats: 6 } });
    const view = await openSettings();
    const refused = await save(view, '7');
    expect(JSON.stringify(refused.json?.errors)).toContain('at most 6');
    const lowered = await save(view, '3');
    expect(lowered.json).toBeUndefined();
    await expect.poll(async () => (await account()).seatLimit).toBe(3);
    const seats = await h.slack.commandAndWait('UADA', 'seats');
    expect(seats.text).toContain('1 seat free.');
    expect(seats.text).toContain('The plan has 6 seats; the owner keeps the limit at 3 in Settings.');
  });

  it('full, /users seats links to UPGRADE_URL; the refused invite points there', async () => {
    await seedUser(h.roster, { email: 'bob@example.com' });
    const seats = await h.slack.commandAndWait('UADA', 'seats');
    expect(seats.text).toContain(`No seats free: <${UPGRADE_URL}|upgrade the plan or buy a seat top-up>`);
    const refused = await h.slack.commandAndWait(OWNER.slackId, 'invite cy@example.com');
    expect(refused.text).toContain('Upgrade the plan or buy a seat top-up (`/users seats` says where)');
    expect(refused.text).not.toContain('raise the seat limit in Settings');
  });
});
