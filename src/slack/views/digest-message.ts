/** The notices-channel digests: invites that expired (with Re-invite buttons) or expire soon. */
import { Blocks, Elements, Message } from 'slack-block-builder';
import { formatWhen } from '../../domain/format-when';
import type { DigestEntry } from '../../scheduler/send-notices';
import { ACTIONS } from '../ids';
import type { Reply } from '../reply';
import { fitList, LIMITS } from './block-limits';

export function digestMessage(kind: 'expired' | 'expiring-soon', entries: DigestEntry[]): Reply {
  const title =
    kind === 'expired'
      ? `${entries.length} invite${entries.length === 1 ? '' : 's'} expired without being accepted`
      : `${entries.length} invite${entries.length === 1 ? '' : 's'} will expire soon`;
  const line = (e: DigestEntry) =>
    `*${e.email}* — ${kind === 'expired' ? 'expired' : 'expires'} ${formatWhen(e.expiresAt)}${e.invitedBy ? `, invited by ${e.invitedBy}` : ''}`;
  // A message takes 50 blocks and a digest up to 50 invites, each with its own button: the title
  // opens the first row instead of taking a header block of its own.
  const rows =
    kind === 'expired'
      ? entries.map((e, i) =>
          Blocks.Section({ text: `${i === 0 ? `*${title}*\n` : ''}${line(e)}` }).accessory(
            Elements.Button({ text: 'Re-invite', actionId: ACTIONS.noticeReinvite, value: e.email }),
          ),
        )
      : [
          Blocks.Section({
            text: fitList(
              entries.map((e) => `• ${line(e)}`),
              LIMITS.sectionText,
            ),
          }),
        ];
  const message = Message()
    .text(title)
    .blocks(
      kind === 'expired' ? undefined : Blocks.Header({ text: title.slice(0, 150) }),
      ...rows,
      kind === 'expiring-soon' ? Blocks.Context().elements('Resend with `/users resend <email>`.') : undefined,
    );
  return { text: title, blocks: message.getBlocks() };
}
