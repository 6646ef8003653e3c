/** The notices-channel digest of what the identity provider changed through SCIM since the last one. */
import { Blocks, Message } from 'slack-block-builder';
import type { ScimDigest } from '../../scheduler/scim-digest';
import type { Reply } from '../reply';
import { fitList, LIMITS } from './block-limits';
import { escapeMrkdwn } from './format';

export function scimDigestMessage(digest: ScimDigest): Reply {
  const total = digest.counts.reduce((sum, c) => sum + c.count, 0);
  const title = `The identity provider made ${total} change${total === 1 ? '' : 's'} through SCIM`;
  const counts = digest.counts.map((c) => `${c.label}: *${c.count}*`).join(' · ');
  const lines = [
    ...digest.lines.map((line) => `• ${escapeMrkdwn(line)}`),
    ...(digest.more > 0 ? [`and ${digest.more} more`] : []),
  ];
  const message = Message()
    .text(title)
    .blocks(
      Blocks.Header({ text: title.slice(0, 150) }),
      Blocks.Section({ text: fitList([counts], LIMITS.sectionText) }),
      Blocks.Section({ text: fitList(lines, LIMITS.sectionText) }),
      Blocks.Context().elements('Every change is in the audit trail with source `scim`.'),
    );
  return { text: title, blocks: message.getBlocks() };
}
