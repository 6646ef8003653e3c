/**
 * Time-bound access as Slack shows it: what a grant, request or break-glass use came to, the holder's
 * DMs (the end is near, with Extend and End now; the access ended), the loud break-glass notice with
 * Acknowledge and Revoke, and `/users list --temporary`.
 */
import { Bits, Blocks, Elements, Message } from 'slack-block-builder';
import type { GrantResult } from '../../domain/changes/grant-changes';
import { formatWhen } from '../../domain/format-when';
import type { TemporaryRow } from '../../domain/grants/grant-service';
import type { GrantNotice } from '../../domain/ports';
import { ACTIONS } from '../ids';
import type { Reply } from '../reply';
import { fitList } from './block-limits';
import { escapeMrkdwn } from './format';

const who = (holder: { email: string; name: string | null }) =>
  holder.name ? `${escapeMrkdwn(holder.name)} (${holder.email})` : holder.email;

/** What a grant, an approved request or an extension came to. */
export function grantedText(result: GrantResult): string {
  const parts = result.granted.map((g) => `${escapeMrkdwn(g.access)} until ${formatWhen(g.endsAt)}`);
  return `:white_check_mark: ${result.card.email} holds ${parts.join(', ')}. It ends by itself; nobody needs to remove it.`;
}

/** The holder's DM before the end: Extend (a request, unless the policy lets them extend it) and End now. */
export function grantEndingMessage(grant: GrantNotice): Reply {
  const text = `:hourglass_flowing_sand: Your ${escapeMrkdwn(grant.access)} access ends ${formatWhen(grant.endsAt)}.`;
  const extendHint = 'Extend keeps it as long again: an approver decides, unless the policy lets you extend it yourself.';
  const message = Message()
    .text(text)
    .blocks(
      Blocks.Section({ text: `${text}\n${extendHint} If you are done, end it now.` }),
      Blocks.Actions().elements(
        Elements.Button({ text: 'Extend', actionId: ACTIONS.grantExtend, value: grant.id }).primary(),
        Elements.Button({ text: 'End now', actionId: ACTIONS.grantEnd, value: grant.id }),
      ),
    );
  return { text, blocks: message.getBlocks() };
}

/** The holder's DM once the end is recorded. */
export function grantEndedText(grant: GrantNotice): string {
  const how =
    grant.endReason === 'revoked'
      ? ` ${grant.endedBy ?? 'An Admin'} ended it early.`
      : grant.endReason === 'ended'
        ? ' You ended it.'
        : '';
  return `Your ${escapeMrkdwn(grant.access)} access ended ${formatWhen(grant.endedAt ?? grant.endsAt)}.${how} If you need it again, ask with \`/users request\`.`;
}

/** A break-glass use, loud: where it is shown (approvals channel, DMs to the owner and Admins), with its review buttons. */
export function breakGlassMessage(grant: GrantNotice, why: 'used' | 'unreviewed'): Reply {
  const lead =
    why === 'used'
      ? `:rotating_light: *Break-glass:* ${who(grant.holder)} took *${escapeMrkdwn(grant.access)}* until ${formatWhen(grant.endsAt)}.`
      : `:rotating_light: *Break-glass not reviewed yet:* ${who(grant.holder)} took *${escapeMrkdwn(grant.access)}* ${formatWhen(grant.startsAt)}.`;
  const text = `${lead} Reason: ${escapeMrkdwn(grant.reason)}`;
  const message = Message()
    .text(text)
    .blocks(
      Blocks.Section({
        text: `${text}\nAn Admin other than them reviews it: Acknowledge if it was right, Revoke to end it now.`,
      }),
      Blocks.Actions().elements(
        Elements.Button({ text: 'Acknowledge', actionId: ACTIONS.breakGlassAcknowledge, value: grant.id }).primary(),
        Elements.Button({ text: 'Revoke', actionId: ACTIONS.breakGlassRevoke, value: grant.id })
          .danger()
          .confirm(
            Bits.ConfirmationDialog({
              title: 'Revoke break-glass?',
              text: `End ${grant.holder.email}'s ${grant.access} now?`.slice(0, 300),
              confirm: 'Revoke',
              deny: 'Cancel',
            }),
          ),
      ),
    );
  return { text, blocks: message.getBlocks() };
}

/** What a review of a break-glass use says in place of its buttons. */
export function breakGlassReviewedText(
  review: { holderEmail: string; access: string; decision: string; ended: boolean },
  by: string,
): string {
  return review.decision === 'acknowledge'
    ? `:white_check_mark: ${by} acknowledged ${review.holderEmail}'s break-glass ${escapeMrkdwn(review.access)}.`
    : `:no_entry: ${by} revoked ${review.holderEmail}'s break-glass ${escapeMrkdwn(review.access)}${review.ended ? '; it ended now' : ' (it had already ended)'}.`;
}

/** `/users list --temporary`: every grant in force, soonest end first. */
export function temporaryListMessage(list: { rows: TemporaryRow[]; total: number }): Reply {
  if (list.total === 0) return { text: 'Nobody holds time-bound access now.' };
  const lines = list.rows.map((row) => {
    const mark = row.breakGlass
      ? row.reviewed
        ? ' · break-glass (reviewed)'
        : ' · :rotating_light: break-glass, not reviewed'
      : '';
    return `• ${who(row)} — *${escapeMrkdwn(row.access)}* until ${formatWhen(row.endsAt)}${mark} — ${escapeMrkdwn(row.reason)}`;
  });
  const more = list.total > list.rows.length ? `\n…and ${list.total - list.rows.length} more, ending later.` : '';
  const text = `Time-bound access in force (${list.total}):\n${fitList(lines, 2800, '\n')}${more}`;
  return { text, blocks: Message().text(text).blocks(Blocks.Section({ text })).getBlocks() };
}
