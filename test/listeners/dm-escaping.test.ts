import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ListenerHarness, OWNER, startListenerHarness } from '../support/listener-harness';
import { testTargets } from '../support/test-database';

describe.each(testTargets())('invite DMs escape mrkdwn (%s store)', (target) => {
  let h: ListenerHarness;
  beforeAll(async () => {
    h = await startListenerHarness(target);
    await h.roster.prisma.user.updateMany({ where: { email: OWNER.email }, data: { name: 'Olive <!here> & Co' } });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('escapes the note and the inviter name in the DM, and keeps the e-mail as typed', async () => {
    h.fake.addUser({ id: 'UESC', email: 'esc@example.com' });
    const note = 'Hi <!channel> see <https://evil.example|the docs> & more';
    const answer = await h.slack.commandAndWait(OWNER.slackId, `invite esc@example.com --note "${note}"`);
    expect(answer.text).toContain('Invited esc@example.com');
    const dm = await h.fake.waitFor(() => h.fake.callsTo('chat.postMessage').find((c) => c.args.channel === 'DUESC'));
    const text = String(dm.args.text);
    expect(text).toContain('Hi &lt;!channel&gt; see &lt;https://evil.example|the docs&gt; &amp; more');
    expect(text).toContain('Olive &lt;!here&gt; &amp; Co invited you');
    expect(text).not.toMatch(/<!channel>|<!here>|<https:\/\/evil/);
    expect(text).toMatch(/http:\/\/roster\.test\/invite\/[A-Za-z0-9_-]+/);
    const outbox = path.join(h.dataDir, 'outbox');
    const files = await readdir(outbox);
    // quoted-printable, as nodemailer writes it
    const decode = (raw: string) =>
      raw.replace(/=\n/g, '').replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
    const mails = await Promise.all(files.map(async (f) => decode(await readFile(path.join(outbox, f), 'utf8'))));
    const mail = mails.find((m) => m.includes('esc@example.com'));
    expect(mail).toContain(note);
    expect(mail).not.toContain('&lt;');
  });
});
