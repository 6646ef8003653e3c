/**
 * `/users webhook` through the real Slack app (issue 26, item 2): the owner adds an endpoint (the
 * signing secret comes by DM, once), tests it, sees it in the list with how deliveries go, replays,
 * resumes and removes it; anyone else is refused naming the owner; bad words are refused with the usage.
 */

import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ListenerHarness, OWNER, startListenerHarness } from '../support/listener-harness';
import { seedUser } from '../support/seed';
import { testTargets } from '../support/test-database';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';

describe.each(testTargets())('/users webhook (%s store)', (target) => {
  let h: ListenerHarness;
  let receiver: WebhookReceiver;
  const ask = async (text: string, user = OWNER.slackId) => String((await h.slack.commandAndWait(user, text)).text);
  const dmTexts = () => h.fake.callsTo('chat.postMessage').map((call) => String(call.args.text ?? ''));

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    h = await startListenerHarness(target, { WEBHOOK_ALLOW_PRIVATE: '1', WEBHOOK_TIMEOUT_SECONDS: '1' });
    await seedUser(h.roster, { email: 'ada@example.com', roles: ['admin'], slackUserId: 'UADA' });
    h.fake.addUser({ id: 'UADA', email: 'ada@example.com' });
  });
  afterAll(async () => {
    await h?.close();
    await receiver?.close();
  });

  it('the owner adds, tests, lists, replays and removes an endpoint; the secret comes once, by DM', async () => {
    expect(await ask('webhook list')).toContain('No webhooks yet');
    // Slack sends a typed URL as a link, <url|label>; the command takes it as the URL.
    const added = await ask(`webhook add <${receiver.url}|${receiver.url.slice(7)}> --events group.*,user.invited`);
    expect(added).toContain(`now go to ${receiver.url}`);
    expect(added).toContain('sent to you by DM (shown once)');
    const secret = /`(whsec_[^`]+)`/.exec(dmTexts().find((t) => t.includes('whsec_')) ?? '')?.[1] ?? '';
    expect(secret).toMatch(/^whsec_/);
    expect(added).not.toContain(secret);

    expect(await ask(`webhook test ${receiver.url}`)).toContain(
      `${receiver.url} answered 200 to a signed \`webhook.test\` event`,
    );
    const test = receiver.deliveries.at(-1);
    expect(test?.type).toBe('webhook.test');
    expect(test?.signature).toBe(
      new Webhook(secret).sign(test?.id ?? '', new Date(Number(test?.timestamp) * 1000), test?.body ?? ''),
    );

    // A change in Slack reaches the endpoint through the dispatcher.
    expect(await ask('group create Ops')).toContain('Ops');
    await h.roster.webhooks.runOnce();
    expect(receiver.accepted().map((d) => d.type)).toEqual(['webhook.test', 'group.created']);

    receiver.answer({ status: 500 });
    await ask('group create Sales');
    await h.roster.webhooks.runOnce();
    const failing = await ask('webhook list');
    expect(failing).toContain(receiver.url);
    expect(failing).toContain('`group.*`, `user.invited`');
    expect(failing).toContain('failing since');
    expect(failing).toContain('answered 500');

    receiver.answer({ status: 200 });
    const replayed = await ask('webhook replay --since 2d');
    expect(replayed).toContain(`${receiver.url} will receive again what happened since`);
    await h.roster.webhooks.runOnce();
    expect(receiver.accepted().map((d) => d.type)).toEqual(['webhook.test', 'group.created', 'group.created', 'group.created']);
    expect(await ask('webhook list')).toContain('last delivered');

    expect(await ask(`webhook remove ${receiver.url}`)).toContain(`Removed the webhook ${receiver.url}`);
    expect(await ask('webhook list')).toContain('No webhooks yet');
    const actions = await h.roster.prisma.auditEvent.findMany({
      where: { action: { startsWith: 'webhook.' } },
      orderBy: { accountSeq: 'asc' },
    });
    expect(actions.map((a) => a.action)).toEqual(['webhook.added', 'webhook.replayed', 'webhook.removed']);
  });

  it('refuses anyone but the owner, naming the owner', async () => {
    expect(await ask(`webhook add ${receiver.url}`, 'UADA')).toContain(
      'Only the account owner (owner@example.com) manages webhooks',
    );
    expect(await ask('webhook list', 'UADA')).toContain('Only the account owner (owner@example.com) manages webhooks');
  });

  it('refuses words that do not fit, with the usage', async () => {
    expect(await ask('webhook')).toContain('Say `list`, `add`, `remove`, `test`, `replay` or `resume`.');
    expect(await ask('webhook add')).toContain('Give the endpoint’s URL');
    expect(await ask(`webhook add ${receiver.url} --events "user.*, bad pattern!"`)).toContain('`pattern!` is not an event');
    expect(await ask('webhook replay')).toContain('Say from when with `--since`');
    expect(await ask('webhook replay --since yesterday')).toContain('Say from when with `--since`');
    expect(await ask('webhook add ftp://siem.example.com/x')).toContain('must start with https://');
    expect(await ask('webhook remove https://siem.example.com/none')).toContain(
      'No webhook is registered at https://siem.example.com/none',
    );
    expect(await h.roster.prisma.webhookEndpoint.count()).toBe(0);
  });
});
