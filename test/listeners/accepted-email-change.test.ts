/**
 * Editing an active user's e-mail from Slack (issue 22, item 2): the change is audited, the person is
 * told at both addresses, their Slack link stays (a link is by Slack user ID, never by address), a
 * holder of admin powers waits for an approver, and a clash or a bad address is refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APPROVALS_CHANNEL, decide, latestRequestButton } from '../support/approvals';
import { type ListenerHarness, OWNER, startListenerHarness } from '../support/listener-harness';
import { directoryState, seedUser } from '../support/seed';
import { testTargets } from '../support/test-database';

describe.each(testTargets())('editing an active user’s e-mail (%s store)', (target) => {
  let h: ListenerHarness;
  const ask = (text: string, user = OWNER.slackId) => h.slack.commandAndWait(user, text).then((a) => String(a.text));
  const dmsTo = (channel: string) =>
    h.fake
      .callsTo('chat.postMessage')
      .filter((c) => c.args.channel === channel)
      .map((c) => String(c.args.text));
  const user = (email: string) => h.roster.prisma.user.findFirst({ where: { email } });
  async function refused(text: string): Promise<string> {
    const before = await directoryState(h.roster);
    const answer = await ask(text);
    expect(answer).toMatch(/^:warning:/);
    expect(await directoryState(h.roster)).toBe(before);
    return answer;
  }

  beforeAll(async () => {
    h = await startListenerHarness(target, { APPROVALS_CHANNEL });
    await seedUser(h.roster, { email: 'amy@example.com', roles: ['viewer'], slackUserId: 'UAMY', name: 'Amy' });
    await seedUser(h.roster, { email: 'ben@example.com', roles: ['viewer'], slackUserId: 'UBEN' });
    await seedUser(h.roster, { email: 'ada@example.com', roles: ['admin'], slackUserId: 'UADA' });
    await seedUser(h.roster, { email: 'abe@example.com', roles: ['admin'], slackUserId: 'UABE' });
    h.fake.addUser({ id: 'UADA', email: 'ada@example.com' });
    h.fake.addUser({ id: 'UABE', email: 'abe@example.com' });
    h.fake.addUser({ id: 'UBEN', email: 'ben@example.com' });
    // Amy's Slack profile already carries her new address.
    h.fake.addUser({ id: 'UAMY', email: 'amy.new@example.com' });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('changes it, audits it, tells both addresses and keeps the Slack link', async () => {
    const answer = await ask('edit amy@example.com --email amy.new@example.com');
    expect(answer).toContain('Updated amy.new@example.com: they sign in with it from now on, and their Slack link stays.');
    expect(answer).toContain('Told them by Slack DM at amy@example.com and amy.new@example.com.');
    expect(await user('amy.new@example.com')).toMatchObject({ slackUserId: 'UAMY', status: 'active', name: 'Amy' });
    expect(await user('amy@example.com')).toBeNull();
    const event = await h.roster.prisma.auditEvent.findFirstOrThrow({ where: { action: 'user.edited' } });
    expect(event).toMatchObject({
      targetEmail: 'amy.new@example.com',
      before: { email: 'amy@example.com' },
      after: { email: 'amy.new@example.com' },
    });
    const dms = dmsTo('DUAMY');
    expect(dms.find((t) => t.includes('from amy@example.com to amy.new@example.com'))).toContain(
      `${OWNER.email} changed the e-mail address of your Roster account`,
    );
    expect(dms.some((t) => t.includes('amy.new@example.com is now the e-mail address of your Roster account'))).toBe(true);
    // Whoever has the old address in Slack now is not Amy: the link stays with Amy's Slack user.
    h.fake.addUser({ id: 'UOLD', email: 'amy@example.com' });
    expect(await ask('list', 'UOLD')).toContain('not in this account’s user directory');
    expect(await user('amy.new@example.com')).toMatchObject({ slackUserId: 'UAMY' });
  });

  it('says how each address was told: by Slack DM where someone has it, and by e-mail', async () => {
    const answer = await ask('edit ben@example.com --email ben.home@example.com');
    expect(answer).toContain('Told them by Slack DM at ben@example.com.');
    expect(answer).toContain('E-mailed ben@example.com and ben.home@example.com.');
    expect(answer).not.toContain('tell them yourself');
    expect(dmsTo('DUBEN').some((t) => t.includes('from ben@example.com to ben.home@example.com'))).toBe(true);
  });

  it('makes a change to an Admin wait for an approver, and runs it once approved', async () => {
    const answer = await ask('edit ada@example.com --email ada.new@example.com');
    expect(answer).toContain('This needs approval: “Change the e-mail of ada@example.com to ada.new@example.com');
    // The user re-addressed may not decide it: only the other Admin may.
    expect(answer).toContain('waits for one of <@UABE>.');
    expect(await user('ada@example.com')).toMatchObject({ version: 1 });
    expect(await user('ada.new@example.com')).toBeNull();
    const approved = await decide(h, 'UABE', latestRequestButton(h), true);
    expect(approved.status).toBe(200);
    await h.fake.waitFor(() => dmsTo('DUADA').find((t) => t.includes('from ada@example.com to ada.new@example.com')));
    expect(await user('ada.new@example.com')).toMatchObject({ slackUserId: 'UADA', status: 'active' });
  });

  it('refuses an address another user has, naming it, and one that is not an address', async () => {
    expect(await refused(`edit ben.home@example.com --email ${OWNER.email}`)).toContain(
      `${OWNER.email} is already in use by another user.`,
    );
    expect(await refused('edit ben.home@example.com --email not-an-address')).toContain(
      '`--email not-an-address` is not a valid e-mail address.',
    );
  });

  it('offers the e-mail field for an active user in the edit modal, and applies it', async () => {
    const ben = await h.roster.prisma.user.findFirstOrThrow({ where: { email: 'ben.home@example.com' } });
    await h.slack.command(OWNER.slackId, 'edit ben.home@example.com');
    const opened = await h.fake.waitFor(() => h.fake.callsTo('views.open')[0]);
    expect(JSON.stringify(opened.args.view)).toContain('"action_id":"edit.email"');
    const reply = await h.slack.viewSubmission(OWNER.slackId, {
      callbackId: 'edit.modal',
      privateMetadata: JSON.stringify({ userId: ben.id, channelId: 'C0GENERAL' }),
      values: { 'edit.email': { 'edit.email': { type: 'email_text_input', value: 'ben@example.com' } } },
    });
    expect(reply.status).toBe(200);
    const told = await h.fake.waitFor(() =>
      h.fake.callsTo('chat.postEphemeral').find((c) => String(c.args.text).includes('Updated ben@example.com')),
    );
    expect(String(told.args.text)).toContain('their Slack link stays');
    expect(await user('ben@example.com')).toMatchObject({ id: ben.id, slackUserId: 'UBEN' });
  });
});
