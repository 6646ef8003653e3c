/**
 * An invite's addresses: gathered from the change, then checked for count, syntax, duplicates and
 * against the directory. Every problem address is reported at once, and nobody is invited while any remain.
 */

import { fail, type Problem, RosterError } from '../../errors';
import type { User } from '../../store/records';
import { findUsersWithPendingInvite } from '../../store/users/user-reads';
import { isValidEmail, normaliseEmail } from '../email';
import { formatWhen } from '../format-when';
import type { ChangeContext } from './change-handler';
import type { ChangeOf } from './directory-change';

/** One invite takes at most this many addresses. */
export const MAX_INVITEES = 50;

/** One address of an invite, with its own access or groups when it does not take the invite's. */
export interface InviteRow {
  entry: string;
  access?: string[];
  groups?: string[];
}

/** A row whose address is valid and listed once, normalised. */
export type AddressedRow = InviteRow & { email: string };

/** Every address of the invite, those with their own access or groups included. */
export function rowsOf(change: ChangeOf<'invite'>): InviteRow[] {
  const people = (change.people ?? []).map((person) => ({
    entry: person.email,
    access: person.access?.length ? person.access : undefined,
    groups: person.groups,
  }));
  return [...change.emails.map((entry) => ({ entry })), ...people].filter((row) => row.entry.trim().length > 0);
}

/** Refuses an invite with no address or more than `MAX_INVITEES`, before any address is looked at. */
export function checkInviteSize(entries: InviteRow[]): void {
  if (entries.length === 0) throw fail.badInput('Give at least one e-mail address.', { field: 'emails' });
  if (entries.length > MAX_INVITEES) {
    throw fail.badInput(`One invite takes at most ${MAX_INVITEES} addresses; this one has ${entries.length}. Split it in two.`, {
      field: 'emails',
    });
  }
}

/** Address-level problems that need no database: syntax and duplicates. */
export function checkAddresses(raw: InviteRow[]): { rows: AddressedRow[]; problems: Problem[] } {
  const problems: Problem[] = [];
  const seen = new Set<string>();
  const rows: AddressedRow[] = [];
  for (const row of raw) {
    const email = normaliseEmail(row.entry);
    if (!email) continue;
    if (!isValidEmail(email)) problems.push({ subject: row.entry.trim(), reason: 'is not a valid e-mail address' });
    else if (seen.has(email)) problems.push({ subject: email, reason: 'is listed more than once' });
    else rows.push({ ...row, email });
    seen.add(email);
  }
  return { rows, problems };
}

/**
 * The expired or revoked users among `emails`, whom the invite brings back; an address still
 * invited, or already active or disabled, becomes one of `problems`.
 */
export async function findReinvites(context: ChangeContext, emails: string[], problems: Problem[]): Promise<User[]> {
  const existing = await findUsersWithPendingInvite(context.tx, context.accountId, emails);
  const reinvites = existing.filter((user) => user.status === 'expired' || user.status === 'revoked');
  for (const user of existing) {
    if (user.status === 'invited') {
      const pending = user.invites[0];
      problems.push({
        subject: user.email,
        reason: pending ? `is already invited; that invite expires ${formatWhen(pending.expiresAt)}` : 'is already invited',
      });
    } else if (user.status === 'active' || user.status === 'disabled') {
      problems.push({ subject: user.email, reason: `is already in the directory (${user.status})` });
    }
  }
  return reinvites;
}

/** Invites go to every address or none: any problem refuses the whole invite, naming each address. */
export function refuseProblems(problems: Problem[]): void {
  if (problems.length > 0) {
    throw new RosterError(
      'bad_input',
      `Nobody was invited. Fix ${problems.length === 1 ? 'this address' : 'these addresses'} and try again:`,
      { field: 'emails', problems },
    );
  }
}
