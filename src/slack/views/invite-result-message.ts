/** What the inviting admin reads after an invite, a resend or a new link. */
import type { DeliveryOutcome } from '../../domain/delivery/delivery';
import { formatWhen } from '../../domain/format-when';
import type { InviteResult } from '../../domain/invites/invite-service';
import type { Reply } from '../reply';

function deliveryProblems(outcomes: DeliveryOutcome[]): string[] {
  return outcomes.flatMap((outcome) => outcome.problems.map((problem) => `• ${problem}`));
}

export function inviteResultMessage(result: InviteResult): Reply {
  const count = result.invited.length;
  const first = result.invited[0];
  const lines = [
    `:white_check_mark: Invited ${count === 1 ? first?.email : `${count} people`}; the link${count === 1 ? '' : 's'} expire${count === 1 ? 's' : ''} ${first ? formatWhen(first.expiresAt) : ''}.`,
  ];
  const inSlack = result.deliveries.filter((d) => d.slack === 'sent').length;
  lines.push(
    `Sent by e-mail${inSlack > 0 ? `, and by Slack DM to ${inSlack} who ${inSlack === 1 ? 'is' : 'are'} in this workspace` : ''}.`,
  );
  const problems = deliveryProblems(result.deliveries);
  if (problems.length > 0)
    lines.push('The invites are saved, but some deliveries failed:', ...problems, 'Use `/users resend <email>` to try again.');
  return { text: lines.join('\n') };
}

/** After a resend or re-invite: the same link again, or a fresh one when the old had lapsed. */
export function resendMessage(result: { email: string; expiresAt: Date; delivery: DeliveryOutcome; fresh: boolean }): Reply {
  const lines = [
    result.fresh
      ? `:envelope: Sent ${result.email} a new invite link, valid until ${formatWhen(result.expiresAt)}; the old link no longer works.`
      : `:envelope: Sent the invite to ${result.email} again; it expires ${formatWhen(result.expiresAt)}.`,
  ];
  const problems = deliveryProblems([result.delivery]);
  if (problems.length > 0) lines.push('Some deliveries failed:', ...problems);
  return { text: lines.join('\n') };
}

export function newLinkMessage(result: { email: string; link: string; expiresAt: Date }): Reply {
  return {
    text: `:link: New invite link for ${result.email} (the old one no longer works), valid until ${formatWhen(result.expiresAt)}. Only you can see it; pass it on privately:\n${result.link}`,
  };
}

/** After a pending invitee's e-mail changed: where the new link went, and any delivery that failed. */
export function reissuedLinkText(email: string, invite: { expiresAt: Date; delivery: DeliveryOutcome }): string {
  const problems = deliveryProblems([invite.delivery]);
  return [
    `A new invite link went to ${email} (valid until ${formatWhen(invite.expiresAt)}); the old one no longer works.`,
    ...(problems.length > 0 ? ['Some deliveries failed:', ...problems] : []),
  ].join('\n');
}
