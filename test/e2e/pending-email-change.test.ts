import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, OWNER, startHarness } from '../support/roster-harness';
import { testTargets } from '../support/test-database';
import { createBrowser } from '../support/web-client';

describe.each(testTargets())('changing a pending invitee’s e-mail (%s store)', (target) => {
  let h: Harness;
  const tokenIn = (text: string) => /http:\/\/roster\.test\/invite\/([A-Za-z0-9_-]+)/.exec(text)?.[1];
  const dmTo = (channel: string) => h.fake.callsTo('chat.postMessage').filter((c) => c.args.channel === channel);
  const page = (token: string) => createBrowser().get(`${h.baseUrl}/invite/${token}`);

  beforeAll(async () => {
    h = await startHarness(target);
    h.fake.addUser({ id: 'UIVY', email: 'ivy@example.com' });
    h.fake.addUser({ id: 'UIVYNEW', email: 'ivy.new@example.com' });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('does not remember the Slack ID of someone who has not accepted yet', async () => {
    await h.slack.commandAndWait(OWNER.slackId, 'invite ivy@example.com --note "Hi Ivy"');
    const answer = await h.slack.commandAndWait('UIVY', 'list');
    expect(String(answer.text)).toContain('is invited');
    expect((await h.roster.prisma.user.findFirstOrThrow({ where: { email: 'ivy@example.com' } })).slackUserId).toBeNull();
  });

  it('supersedes the old link, sends a new one to the new address, and clears the Slack link', async () => {
    const oldToken = tokenIn(String((await h.fake.waitFor(() => dmTo('DUIVY')[0])).args.text)) as string;
    expect((await page(oldToken)).status).toBe(200);
    // a link made before Slack IDs were kept for active users only
    await h.roster.prisma.user.updateMany({ where: { email: 'ivy@example.com' }, data: { slackUserId: 'UIVY' } });

    const answer = await h.slack.commandAndWait(OWNER.slackId, 'edit ivy@example.com --email ivy.new@example.com');
    expect(String(answer.text)).toContain('new invite link went to ivy.new@example.com');

    const user = await h.roster.prisma.user.findFirstOrThrow({
      where: { email: 'ivy.new@example.com' },
      include: { invites: true },
    });
    expect(user.slackUserId).toBeNull();
    expect(user.invites.map((i) => i.status).sort()).toEqual(['pending', 'superseded']);
    expect((await page(oldToken)).status).not.toBe(200);

    const dm = await h.fake.waitFor(() => dmTo('DUIVYNEW')[0]);
    const newToken = tokenIn(String(dm.args.text)) as string;
    expect(newToken).toBeTruthy();
    expect(newToken).not.toBe(oldToken);
    expect(String(dm.args.text)).toContain('Hi Ivy');
    expect((await page(newToken)).status).toBe(200);

    await h.slack.commandAndWait(OWNER.slackId, 'resend ivy.new@example.com');
    const resent = await h.fake.waitFor(() => dmTo('DUIVYNEW')[1]);
    expect(tokenIn(String(resent.args.text))).toBe(newToken);
    expect(dmTo('DUIVY')).toHaveLength(1);
  });

  it('does the same from the edit modal, and says where the new link went', async () => {
    await h.slack.commandAndWait(OWNER.slackId, 'invite rex@example.com');
    const user = await h.roster.prisma.user.findFirstOrThrow({ where: { email: 'rex@example.com' } });
    const answer = await h.slack.viewSubmission(OWNER.slackId, {
      callbackId: 'edit.modal',
      privateMetadata: JSON.stringify({ userId: user.id, channelId: 'C0GENERAL' }),
      values: { 'edit.email': { 'edit.email': { type: 'email_text_input', value: 'rex.new@example.com' } } },
    });
    expect(answer.status).toBe(200);
    const told = await h.fake.waitFor(() =>
      h.fake.callsTo('chat.postEphemeral').find((c) => String(c.args.text).includes('rex.new@example.com')),
    );
    expect(String(told.args.text)).toContain('A new invite link went to rex.new@example.com');
    const invites = await h.roster.prisma.invite.findMany({ where: { userId: user.id } });
    expect(invites.map((i) => i.status).sort()).toEqual(['pending', 'superseded']);
  });
});
