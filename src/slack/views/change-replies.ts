/** What an admin reads after a change: the user's card with what changed, or where a new secret went. */
import type { IssuedSecret } from '../../domain/credentials/credential-service';
import type { UserCard } from '../../domain/directory/user-view';
import { formatWhen } from '../../domain/format-when';
import type { Reply } from '../reply';
import { userCardMessage } from './user-card-message';

/** A renderer: the sentence saying what changed, then the user's card as it is now. */
export function changedCard<C extends UserCard>(sentence: (card: C) => string): (card: C) => Reply {
  return (card) => userCardMessage(card, `:white_check_mark: ${sentence(card)}`);
}

/** The answer to a revoke that ran (command and card button alike). */
export const revokedCard = changedCard(
  (card) => `Revoked ${card.email}: their API key, passcode, password and pending links no longer work.`,
);

/** Where a secret went (never the secret itself), or why it went nowhere and what still works. */
export function issuedText(what: string, issued: IssuedSecret, replaced: string): string {
  if (issued.delivered && issued.via === 'email')
    return `:white_check_mark: ${what} for ${issued.email}: they are not in this Slack workspace, so it was e-mailed to them as a link that shows it once (until ${formatWhen(issued.revealExpiresAt ?? new Date())}). ${replaced}`;
  if (issued.delivered)
    return `:white_check_mark: ${what} for ${issued.email}; it was sent to them by DM and is shown only there. ${replaced}`;
  return `:warning: ${what} for ${issued.email} was not issued: ${issued.problem}. Their current one still works; try again once they can be reached.`;
}

/** The answer to an issued passcode. */
export function passcodeReply(issued: IssuedSecret): Reply {
  return {
    text: issuedText(
      `A passcode valid until ${issued.expiresAt ? formatWhen(issued.expiresAt) : '?'}`,
      issued,
      'Any previous passcode no longer works.',
    ),
  };
}
