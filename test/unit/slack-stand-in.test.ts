/**
 * The playground's stand-in Slack (src/playground/slack-stand-in.ts) as Roster's own Slack client meets
 * it: who sees what, response_url answers, and views opened only with a trigger Slack would give.
 */
import { WebClient } from '@slack/web-api';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CHANNELS, dmChannelOf, PEOPLE } from '../../src/playground/playground-workspace';
import { escapedAsSlack } from '../../src/playground/slack-requests';
import { type SlackStandIn, startSlackStandIn } from '../../src/playground/slack-stand-in';
import { createSurfaces, type Surfaces } from '../../src/playground/slack-surfaces';

const [olivia, adam] = PEOPLE.map((person) => person.slackId) as [string, string];
const general = CHANNELS.general.id;

/** The title of the modal on top of someone's stack. */
const topTitle = (surfaces: Surfaces, slackId: string) =>
  (surfaces.topModal(slackId)?.view.title as { text: string } | undefined)?.text;

describe('the stand-in Slack', () => {
  let surfaces: Surfaces;
  let standIn: SlackStandIn;
  let client: WebClient;

  beforeEach(async () => {
    surfaces = createSurfaces();
    standIn = await startSlackStandIn(surfaces);
    client = new WebClient(standIn.botToken, { slackApiUrl: standIn.apiUrl, retryConfig: { retries: 0 } });
  });

  afterEach(async () => {
    await standIn.close();
  });

  const post = (url: string, body: object) =>
    fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  it('answers for the workspace people by ID and by e-mail, and refuses strangers', async () => {
    const info = await client.users.info({ user: olivia });
    expect(info.user?.profile?.email).toBe('olivia@example.com');
    const found = await client.users.lookupByEmail({ email: 'ADAM@example.com' });
    expect(found.user?.id).toBe(adam);
    await expect(client.users.lookupByEmail({ email: 'nobody@example.com' })).rejects.toThrow('users_not_found');
    await expect(client.conversations.open({ users: 'U0NOBODY' })).rejects.toThrow('user_not_found');
  });

  it('shows an ephemeral message only to its person, and a DM in the person’s D-channel', async () => {
    await client.chat.postEphemeral({ channel: general, user: olivia, text: 'only Olivia' });
    await client.chat.postMessage({ channel: general, text: 'everyone' });
    const dm = await client.conversations.open({ users: adam });
    await client.chat.postMessage({ channel: dm.channel?.id as string, text: 'hello Adam' });
    expect(surfaces.messagesIn(general, olivia).map((m) => m.text)).toEqual(['only Olivia', 'everyone']);
    expect(surfaces.messagesIn(general, adam).map((m) => m.text)).toEqual(['everyone']);
    expect(surfaces.messagesIn(dmChannelOf(adam), adam).map((m) => m.text)).toEqual(['hello Adam']);
  });

  it('answers a response_url as Slack does: ephemeral, in the channel, replacing or deleting the clicked message', async () => {
    const clicked = await client.chat.postMessage({
      channel: general,
      text: 'request',
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'request' } }],
    });
    const ts = clicked.ts as string;
    expect((await post(standIn.responseUrl({ slackId: adam, channel: general }), { text: 'just you' })).status).toBe(200);
    await post(standIn.responseUrl({ slackId: adam, channel: general }), { text: 'all of you', response_type: 'in_channel' });
    await post(standIn.responseUrl({ slackId: adam, channel: general, messageTs: ts }), {
      text: 'decided',
      replace_original: true,
    });
    expect(surfaces.messagesIn(general, olivia).map((m) => m.text)).toEqual(['decided', 'all of you']);
    expect(surfaces.messagesIn(general, adam).map((m) => m.text)).toEqual(['decided', 'just you', 'all of you']);
    await post(standIn.responseUrl({ slackId: adam, channel: general, messageTs: ts }), { delete_original: true });
    expect(surfaces.messagesIn(general, olivia).map((m) => m.text)).toEqual(['all of you']);
    expect(
      (await post(standIn.responseUrl({ slackId: adam, channel: general }).replace(/[^/]+$/, 'not-issued'), {})).status,
    ).toBe(404);
  });

  it('opens a modal only with a trigger it issued, for that person; push stacks, update replaces in place', async () => {
    const view = {
      type: 'modal',
      title: { type: 'plain_text', text: 'First' },
      blocks: [{ type: 'input', label: { type: 'plain_text', text: 'Name' }, element: { type: 'plain_text_input' } }],
    };
    await expect(client.views.open({ trigger_id: '1.forged', view: view as never })).rejects.toThrow('invalid_trigger_id');
    const opened = await client.views.open({ trigger_id: standIn.trigger(olivia), view: view as never });
    expect(surfaces.topModal(adam)).toBeUndefined();
    const first = surfaces.topModal(olivia);
    expect(first?.id).toBe(opened.view?.id);
    // Slack names every block and element the app left unnamed; submissions report values under those names.
    const block = first?.view.blocks as { block_id: string; element: { action_id: string } }[];
    expect(block[0]?.block_id).toBeTruthy();
    expect(block[0]?.element.action_id).toBeTruthy();
    await client.views.push({
      trigger_id: standIn.trigger(olivia),
      view: { ...view, title: { type: 'plain_text', text: 'Second' } } as never,
    });
    expect(topTitle(surfaces, olivia)).toBe('Second');
    await client.views.update({
      view_id: first?.id as string,
      view: { ...view, title: { type: 'plain_text', text: 'First, again' } } as never,
    });
    surfaces.closeModal(olivia);
    expect(topTitle(surfaces, olivia)).toBe('First, again');
    await expect(client.views.update({ view_id: 'VGONE', view: view as never })).rejects.toThrow('not_found');
  });

  it('takes a trigger once and for three seconds, as Slack does', async () => {
    const view = { type: 'modal', title: { type: 'plain_text', text: 'Once' }, blocks: [] };
    const trigger = standIn.trigger(olivia);
    await client.views.open({ trigger_id: trigger, view: view as never });
    await expect(client.views.open({ trigger_id: trigger, view: view as never })).rejects.toThrow('invalid_trigger_id');
    const late = standIn.trigger(olivia);
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(Date.now() + 3_001);
      await expect(client.views.open({ trigger_id: late, view: view as never })).rejects.toThrow('expired_trigger_id');
    } finally {
      vi.useRealTimers();
    }
  });

  it('answers only its own bot token, and a delete_original with no original posts nothing', async () => {
    const stranger = new WebClient('xoxb-someone-else', { slackApiUrl: standIn.apiUrl, retryConfig: { retries: 0 } });
    await expect(stranger.chat.postMessage({ channel: general, text: 'hi' })).rejects.toThrow('invalid_auth');
    await post(standIn.responseUrl({ slackId: adam, channel: general }), { delete_original: true });
    expect(surfaces.messagesIn(general, adam)).toEqual([]);
  });

  it('keeps an uploaded file and posts it in the channel it was shared to', async () => {
    await client.files.uploadV2({
      channel_id: general,
      filename: 'users.csv',
      file: Buffer.from('email\na@example.com\n'),
      initial_comment: 'The export',
    });
    const [message] = surfaces.messagesIn(general, olivia);
    expect(message?.text).toBe('The export');
    expect(message?.files?.[0]?.name).toBe('users.csv');
    expect(surfaces.file(message?.files?.[0]?.id as string)?.bytes.toString()).toBe('email\na@example.com\n');
  });
});

describe('a command typed in the playground', () => {
  it('reaches Roster escaped as Slack sends it: entities, mailto links and mentions of the workspace', () => {
    expect(escapedAsSlack('invite leo@example.com --note "a <b> & c"')).toBe(
      'invite <mailto:leo@example.com|leo@example.com> --note "a &lt;b&gt; &amp; c"',
    );
    expect(escapedAsSlack('show @adam')).toBe('show <@U0ADAM0002|adam>');
    expect(escapedAsSlack('show @nobody')).toBe('show @nobody');
  });
});
