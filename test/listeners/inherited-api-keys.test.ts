/**
 * Deleting a user whose API key an integration uses (issue 22, item 3), end to end in Slack and the
 * auth API: the review names the key that moves, the key still verifies (now as the owner), the
 * owner's card lists it as inherited, the owner gets a DM with a Revoke button, and Revoke ends it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashToken } from '../../src/domain/secrets';
import { type ListenerHarness, OWNER, startListenerHarness } from '../support/listener-harness';
import { seedUser } from '../support/seed';
import { testTargets } from '../support/test-database';
import { postJson } from '../support/web-client';

const REVOKE = 'inherited-key.revoke';

describe.each(testTargets())('a deleted user’s API key moves to the owner (%s store)', (target) => {
  let h: ListenerHarness;
  let key: string;
  let prefix: string;
  const verify = (apiKey: string) => postJson(`${h.baseUrl}/api/v1/auth/verify`, { apiKey }, {}, h.fetch);
  const holderOf = async (apiKey: string) => ((await verify(apiKey)).json as { user?: { email: string } }).user?.email;

  beforeAll(async () => {
    h = await startListenerHarness(target);
    await seedUser(h.roster, { email: 'cara@example.com', roles: ['editor'], slackUserId: 'UCARA' });
    await seedUser(h.roster, { email: 'vic@example.com', roles: ['viewer'], slackUserId: 'UVIC' });
    h.fake.addUser({ id: 'UCARA', email: 'cara@example.com' });
    h.fake.addUser({ id: 'UVIC', email: 'vic@example.com' });
    await h.slack.commandAndWait(OWNER.slackId, 'apikey cara@example.com');
    const dm = await h.fake.waitFor(() =>
      h.fake.callsTo('chat.postMessage').find((c) => c.args.channel === 'DUCARA' && String(c.args.text).includes('rk_')),
    );
    key = (/(rk_[A-Za-z0-9_-]+)/.exec(String(dm.args.text)) as RegExpExecArray)[1] as string;
    const cara = await h.roster.prisma.user.findFirstOrThrow({ where: { email: 'cara@example.com' } });
    await h.roster.prisma.passcode.create({
      data: {
        accountId: h.roster.accountId,
        userId: cara.id,
        codeHash: 'c'.repeat(64),
        tenureDays: 30,
        expiresAt: new Date(Date.now() + 86_400_000),
      },
    });
    prefix = (await h.roster.prisma.apiKey.findFirstOrThrow({ where: { user: { email: 'cara@example.com' } } })).prefix;
    expect(await holderOf(key)).toBe('cara@example.com');
  });
  afterAll(async () => {
    await h?.close();
  });

  it('the delete review names the key that moves and says the passcode does not', async () => {
    await h.slack.command(OWNER.slackId, 'delete cara@example.com');
    const view = await h.fake.waitFor(() =>
      h.fake.callsTo('views.open').find((c) => JSON.stringify(c.args.view).includes('Delete 1 user for good?')),
    );
    const text = JSON.stringify(view.args.view);
    expect(text).toContain(
      "This API key moves to owner@example.com and keeps working in the owner's name with no more access than before",
    );
    expect(text).toContain(`\`${prefix}…\` of cara@example.com`);
    expect(text).toContain('One passcode ends with its holder: passcodes are personal and do not move.');
  });

  it('deletes the user; the key still verifies, now as the owner, and the owner’s card lists it as inherited', async () => {
    const view = h.fake.callsTo('views.open').at(-1)?.args.view as { private_metadata: string };
    const submitted = await h.slack.viewSubmission(OWNER.slackId, {
      callbackId: 'delete.modal',
      privateMetadata: view.private_metadata,
      values: { 'delete.reason': { 'delete.reason': { type: 'plain_text_input', value: 'left' } } },
    });
    expect(submitted.status).toBe(200);
    const told = await h.fake.waitFor(() =>
      h.fake.callsTo('chat.postEphemeral').find((c) => String(c.args.text).includes('Deleted cara@example.com')),
    );
    expect(String(told.args.text)).toContain(
      `Their API key (\`${prefix}…\`) moved to owner@example.com and keeps working in their name, with no more access than before.`,
    );
    expect(String(told.args.text)).toContain('owner@example.com got a DM to revoke any they do not need.');
    expect((await verify(key)).status).toBe(200);
    expect(await holderOf(key)).toBe(OWNER.email);
    const card = JSON.stringify((await h.slack.commandAndWait(OWNER.slackId, `show ${OWNER.email}`)).blocks);
    expect(card).toContain("*Inherited API keys* (in this user's name, with the access they had before)");
    expect(card).toContain(`\`${prefix}…\` inherited from cara@example.com`);
  });

  it('the owner got a DM with a Revoke button; someone without users:manage may not use it', async () => {
    const dm = await h.fake.waitFor(() =>
      h.fake
        .callsTo('chat.postMessage')
        .find((c) => c.args.channel === `D${OWNER.slackId}` && JSON.stringify(c.args.blocks ?? []).includes(REVOKE)),
    );
    expect(JSON.stringify(dm.args.blocks)).toContain(`\`${prefix}…\` inherited from cara@example.com`);
    const button = JSON.stringify(dm.args.blocks).match(new RegExp(`"action_id":"${REVOKE}","value":"([0-9a-f-]{36})"`));
    const keyId = button?.[1] as string;
    expect(keyId).toBeTruthy();
    const refused = await h.slack.blockActionAndWait('UVIC', { actionId: REVOKE, value: keyId });
    expect(refused.text).toContain('You need the `users:manage` permission');
    expect((await verify(key)).status).toBe(200);
    const bad = await h.slack.blockActionAndWait(OWNER.slackId, { actionId: REVOKE, value: 'not-a-key' });
    expect(bad.text).toContain('That button is out of date');

    const revoked = await h.slack.blockActionAndWait(OWNER.slackId, { actionId: REVOKE, value: keyId });
    expect(revoked.text).toContain(`Revoked the API key \`${prefix}…\` inherited from cara@example.com; it no longer works.`);
    expect((await verify(key)).status).not.toBe(200);
    const again = await h.slack.blockActionAndWait(OWNER.slackId, { actionId: REVOKE, value: keyId });
    expect(again.text).toContain('already revoked');
    const card = JSON.stringify((await h.slack.commandAndWait(OWNER.slackId, `show ${OWNER.email}`)).blocks);
    expect(card).not.toContain('Inherited API keys');
  });

  it('says so when the owner cannot be reached in Slack; the key still works and their card lists it', async () => {
    await seedUser(h.roster, { email: 'dee@example.com', roles: ['viewer'] });
    const dee = await h.roster.prisma.user.findFirstOrThrow({ where: { email: 'dee@example.com' } });
    await h.roster.prisma.apiKey.create({
      data: { accountId: h.roster.accountId, userId: dee.id, prefix: 'rk_deeKY', keyHash: hashToken('rk_deeKY_secret') },
    });
    await h.slack.command(OWNER.slackId, 'delete dee@example.com');
    const view = await h.fake.waitFor(() =>
      h.fake.callsTo('views.open').find((c) => JSON.stringify(c.args.view).includes('`rk_deeKY…` of dee@example.com')),
    );
    h.fake.failNext('conversations.open', { error: 'user_not_found' });
    const submitted = await h.slack.viewSubmission(OWNER.slackId, {
      callbackId: 'delete.modal',
      privateMetadata: (view.args.view as { private_metadata: string }).private_metadata,
      values: { 'delete.reason': { 'delete.reason': { type: 'plain_text_input', value: '' } } },
    });
    expect(submitted.status).toBe(200);
    const told = await h.fake.waitFor(() =>
      h.fake.callsTo('chat.postEphemeral').find((c) => String(c.args.text).includes('Deleted dee@example.com')),
    );
    expect(String(told.args.text)).toContain('owner@example.com could not be reached in Slack; their card lists the keys.');
    expect(await holderOf('rk_deeKY_secret')).toBe(OWNER.email);
    const card = JSON.stringify((await h.slack.commandAndWait(OWNER.slackId, `show ${OWNER.email}`)).blocks);
    expect(card).toContain('`rk_deeKY…` inherited from dee@example.com');
  });
});
