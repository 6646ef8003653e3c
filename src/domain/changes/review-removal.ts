/**
 * What a review's Remove access and Revoke user do to the directory: the change of the kind that
 * removes the row's access (or revokes its user), applied with that kind's own handler so every rule of
 * that kind holds, inside the decision's transaction.
 */
import { findPartnerName, type ReviewRow } from '../../store/reviews/review-reads';
import type { UserRecord } from '../../store/users/user-reads';
import { parseAccess } from '../reviews/review-scope';
import { defaultRole } from '../roles/resolve-access';
import type { Applied, ChangeContext } from './change-handler';
import type { DirectoryChange } from './directory-change';
import { changePerms, changeRoles } from './role-changes';
import { disable, groups, revoke } from './user-changes';

const same = (a: string | null, b: string | null) => (a ?? '').toLowerCase() === (b ?? '').toLowerCase();

/**
 * The change that removes a row's access from `user`, or null when they no longer hold it. A group or
 * partner is matched by its id, so a rename since the review started does not lose it. A user's only
 * role is replaced by the default role (the general role of lowest precedence, as an invite without a
 * role gives), since everyone holds a role; when the default role is the one removed, nothing is left
 * below it and the user is disabled. An `account` row (everyone's review) disables the user.
 */
export async function removalOf(context: ChangeContext, row: ReviewRow, user: UserRecord): Promise<DirectoryChange | null> {
  const who = { id: user.id };
  const access = parseAccess(row.access);
  if (access.type === 'role') {
    const scope =
      access.scope && row.accessId ? await findPartnerName(context.tx, context.accountId, row.accessId) : access.scope;
    if (access.scope && scope === null) return null;
    const removed = (h: UserRecord['roles'][number]) => h.role.key === access.key && same(h.scope, scope);
    if (!user.roles.some(removed)) return null;
    const name = scope ? `${access.key}=${scope}` : access.key;
    if (user.roles.some((h) => !removed(h))) return { kind: 'change-roles', user: who, add: [], remove: [name] };
    const fallback = defaultRole(await context.roles());
    if (fallback && fallback.key !== access.key) return { kind: 'change-roles', user: who, add: [fallback.key], remove: [name] };
    return user.status === 'active' ? { kind: 'disable', user: who } : null;
  }
  if (access.type === 'perm') {
    return user.extraPermissions.includes(access.key) ? { kind: 'perms', user: who, add: [], remove: [access.key] } : null;
  }
  if (access.type === 'group') {
    const membership = user.groups.find((m) => (row.accessId ? m.groupId === row.accessId : same(m.group.name, access.name)));
    return membership ? { kind: 'groups', user: who, add: [], remove: [membership.group.name] } : null;
  }
  return user.status === 'active' ? { kind: 'disable', user: who } : null;
}

/** The revocation of `user`, or null when they are revoked already. */
export function revocationOf(user: UserRecord): DirectoryChange | null {
  return user.status === 'revoked' ? null : { kind: 'revoke', user: { id: user.id } };
}

/** Applies a removal or revocation with the handler of its own kind. */
export function applyRemoval(context: ChangeContext, effect: DirectoryChange): Promise<Applied<unknown>> {
  switch (effect.kind) {
    case 'change-roles':
      return changeRoles.apply(context, effect);
    case 'perms':
      return changePerms.apply(context, effect);
    case 'groups':
      return groups.apply(context, effect);
    case 'disable':
      return disable.apply(context, effect);
    case 'revoke':
      return revoke.apply(context, effect);
    default:
      throw new Error(`a review never makes a ${effect.kind} change`);
  }
}
