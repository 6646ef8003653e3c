/** The sentence an admin reads after an edit (command and edit modal alike). */
import type { EditResult } from '../../domain/changes/user-changes';
import { reissuedLinkText } from './invite-result-message';

/** What the edit did: a pending invitee's new link, or how each of an accepted user's two addresses was told. */
export function editedText(card: EditResult): string {
  if (card.reissued) return `Updated ${card.email}. ${reissuedLinkText(card.email, card.reissued)}`;
  if (!card.told) return `Updated ${card.email}.`;
  const dm = card.told.filter((notice) => notice.told).map((notice) => notice.email);
  const mailed = card.told.filter((notice) => notice.mailed).map((notice) => notice.email);
  const missed = card.told.filter((notice) => !notice.told && !notice.mailed).map((notice) => notice.email);
  return [
    `Updated ${card.email}: they sign in with it from now on, and their Slack link stays.`,
    dm.length > 0 ? `Told them by Slack DM at ${dm.join(' and ')}.` : '',
    mailed.length > 0 ? `E-mailed ${mailed.join(' and ')}.` : '',
    missed.length > 0 ? `Neither Slack nor e-mail reached ${missed.join(' or ')}: tell them yourself.` : '',
  ]
    .filter(Boolean)
    .join(' ');
}
