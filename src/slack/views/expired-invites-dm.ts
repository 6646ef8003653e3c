/** The DM an inviter gets when invites they sent expire: the addresses (at most 50) and how to re-invite. */
import { Blocks, Message } from 'slack-block-builder';
import { formatWhen } from '../../domain/format-when';
import { DIGEST_SIZE, type ExpiredInvite } from '../../scheduler/send-notices';
import type { Reply } from '../reply';
import { escapeMrkdwn } from './format';

/** Slack's limit on a section's text. */
const SECTION_CHARS = 3000;

export function expiredInvitesDm(invites: ExpiredInvite[], more: number): Reply {
  const [only] = invites;
  const followUp =
    more === 0
      ? ''
      : more > DIGEST_SIZE
        ? ` ${more} more follow in further messages.`
        : ` ${more} more follow in the next message.`;
  if (invites.length === 1 && only) {
    const email = escapeMrkdwn(only.email);
    const text = `Your invite to ${email} expired ${formatWhen(only.expiresAt)} without being accepted.${followUp}`;
    const next = `Send them a new link with \`/users resend ${email}\` or the Re-invite button in Roster's App Home.`;
    return { text, blocks: Message().blocks(Blocks.Section({ text }), Blocks.Context().elements(next)).getBlocks() };
  }
  const title = `${invites.length} invites you sent expired without being accepted`;
  const next = "Send each a new link with `/users resend <email>` or the Re-invite buttons in Roster's App Home.";
  const blocks = Message()
    .blocks(
      Blocks.Section({ text: `*${title}:*` }),
      ...listSections(invites.map((i) => `• ${escapeMrkdwn(i.email)}`)),
      Blocks.Context().elements(`${next}${followUp}`),
    )
    .getBlocks();
  return { text: `${title}.${followUp}`, blocks };
}

/** The lines in as few sections as Slack's text limit allows. */
function listSections(lines: string[]) {
  const sections: string[] = [];
  let current = '';
  for (const line of lines) {
    if (current && current.length + 1 + line.length > SECTION_CHARS) {
      sections.push(current);
      current = '';
    }
    current = current ? `${current}\n${line}` : line;
  }
  if (current) sections.push(current);
  return sections.map((text) => Blocks.Section({ text }));
}
