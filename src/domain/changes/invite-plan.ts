/**
 * Who gets what: each address's roles and groups, from its own access or the invite's, resolved
 * against the account's catalog; and the sentence an approver reads about it.
 */

import { type Problem, RosterError } from '../../errors';
import type { Group } from '../../store/records';
import { findGroup } from '../groups/find-group';
import { checkScopes } from '../partners/partners';
import { checkGrantable, type ResolvedAccess, type RoleGrant } from '../roles/resolve-access';
import { holdingLabel } from '../roles/role-grants';
import type { ChangeContext } from './change-handler';
import type { ChangeOf } from './directory-change';
import { defaultAccess, rowGrants } from './invite-access';
import type { AddressedRow } from './invite-addresses';

/** What one invitee will get. */
export interface PlannedRow {
  email: string;
  grants: RoleGrant[];
  groups: Group[];
}

/** Every invitee's access, and the extra permissions they all get. */
export interface InvitePlan {
  planned: PlannedRow[];
  perms: string[];
}

/** The account's groups named in `names` (All Users left out: everyone is in it already). */
async function groupsNamed(context: ChangeContext, names: string[]): Promise<Group[]> {
  const groups: Group[] = [];
  for (const name of new Set(names.map((n) => n.trim()).filter(Boolean))) {
    const group = await findGroup(context.tx, context.accountId, name, 'groups');
    if (group.kind !== 'all_users') groups.push(group);
  }
  return groups;
}

/** Resolves each row's access and groups; a row of its own that cannot be resolved becomes a problem naming its address. */
export async function planRows(
  context: ChangeContext,
  change: ChangeOf<'invite'>,
  rows: AddressedRow[],
  problems: Problem[],
): Promise<InvitePlan> {
  const { tx, accountId } = context;
  const roles = await context.roles();
  // The invite's own role and levels are resolved (and refused on their field) only when some address takes them.
  const defaults = rows.some((row) => !row.access) ? await defaultAccess(context, roles, change) : null;
  const perms = defaults?.perms ?? [...new Set((change.perms ?? []).map((p) => p.trim().toLowerCase()).filter(Boolean))];
  const defaultGroups = await groupsNamed(context, change.groups ?? []);
  const planned: PlannedRow[] = [];
  for (const row of rows) {
    if (!row.access && !row.groups) {
      planned.push({ email: row.email, grants: (defaults as ResolvedAccess).grants, groups: defaultGroups });
      continue;
    }
    try {
      const grants = row.access
        ? await checkScopes(tx, accountId, rowGrants(roles, row.access))
        : (defaults as ResolvedAccess).grants;
      const keys = grants.map((g) => g.role.key);
      if (row.access) await checkGrantable(tx, accountId, keys, perms);
      const groups = row.groups ? await groupsNamed(context, row.groups) : defaultGroups;
      planned.push({ email: row.email, grants, groups });
    } catch (error) {
      if (!(error instanceof RosterError)) throw error;
      problems.push({ subject: row.email, reason: lowerFirst(error.message) });
    }
  }
  return { planned, perms };
}

/** A problem reads after its address (`x@y needs a role…`), so a sentence's capital goes. */
function lowerFirst(message: string): string {
  return /^[A-Z][a-z]/.test(message) ? message[0]?.toLowerCase() + message.slice(1) : message;
}

/** `a, b as editor; c as admin`: the addresses grouped by what they get. */
export function describeRows(planned: PlannedRow[]): string {
  const byAccess = new Map<string, string[]>();
  for (const row of planned) {
    const label = row.grants.map(holdingLabel).join(', ');
    byAccess.set(label, [...(byAccess.get(label) ?? []), row.email]);
  }
  return [...byAccess].map(([label, emails]) => `${emails.join(', ')} as ${label}`).join('; ');
}
