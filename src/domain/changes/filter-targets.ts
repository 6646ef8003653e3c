/**
 * The users a bulk change on a filter acts on: those listed at review time that still match the
 * filter now, inside the change's transaction. The rest are skipped and reported, never swapped for
 * users who came to match since (what was listed is what is acted on).
 */
import { findListedUserEmails, findListedUsersMatching, type UserRecord } from '../../store/users/user-reads';
import type { ChangeContext } from './change-handler';
import type { DirectoryChange } from './directory-change';

export type UserFilter = NonNullable<Extract<DirectoryChange, { kind: 'delete' }>['filter']>;

/** Listed users who are not acted on: their addresses, and how many left the directory since. */
export interface Skipped {
  emails: string[];
  gone: number;
}

/** The listed users (`ids`) still matching `filter`, by e-mail, and those skipped. */
export async function stillMatching(
  context: ChangeContext,
  ids: string[],
  filter: UserFilter,
): Promise<{ users: UserRecord[]; skipped: Skipped }> {
  const { tx, accountId } = context;
  const unique = [...new Set(ids)];
  const criteria = await context.directory.filterCriteria(filter, tx);
  const users: UserRecord[] = await findListedUsersMatching(tx, accountId, unique, criteria);
  const matched = new Set(users.map((u) => u.id));
  const listed = await findListedUserEmails(tx, accountId, unique);
  return {
    users,
    skipped: {
      emails: listed.filter((u) => !matched.has(u.id)).map((u) => u.email),
      gone: unique.length - listed.length,
    },
  };
}

/** "Skipped 2 who no longer match: a@x, b@x; 1 no longer in the directory." or nothing. */
export function skippedText(skipped: Skipped): string {
  const parts = [
    skipped.emails.length > 0
      ? `${skipped.emails.length} no longer match${skipped.emails.length === 1 ? 'es' : ''} the filter: ${listed(skipped.emails)}`
      : '',
    skipped.gone > 0 ? `${skipped.gone} no longer in the directory` : '',
  ].filter(Boolean);
  return parts.length > 0 ? `Skipped ${parts.join('; ')}.` : '';
}

function listed(emails: string[]): string {
  return emails.length > 20 ? `${emails.slice(0, 20).join(', ')} …and ${emails.length - 20} more` : emails.join(', ');
}

/** Nothing skipped. */
export const NONE_SKIPPED: Skipped = { emails: [], gone: 0 };
