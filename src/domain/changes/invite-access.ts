/**
 * What access an invite grants: the invite's own role, product levels and partners, or an address's
 * own access; and the permissions that granting it needs.
 */

import { fail } from '../../errors';
import type { Role } from '../../store/records';
import { checkScopes } from '../partners/partners';
import type { AdminPermission } from '../roles/permissions';
import {
  checkGrantable,
  findRole,
  NO_ACCESS,
  type ResolvedAccess,
  type RoleGrant,
  requestedRoles,
  resolveAccess,
} from '../roles/resolve-access';
import { resolveGrant } from '../roles/role-grants';
import type { ChangeContext } from './change-handler';
import type { ChangeOf } from './directory-change';

/** Granting a role, product level or extra permission needs `roles:manage`, as it does after the invite. */
export function invitePermissions(change: ChangeOf<'invite'>): AdminPermission[] {
  const grants =
    requestedRoles(change).length > 0 ||
    Object.keys(change.products ?? {}).length > 0 ||
    (change.perms ?? []).length > 0 ||
    (change.people ?? []).some((person) => (person.access ?? []).length > 0) ||
    (change.partners ?? []).some((partner) => partner.trim().length > 0);
  return grants ? ['users:manage', 'roles:manage'] : ['users:manage'];
}

/** The grants of one address's own access, `role`, `role=scope` or `product=level` (`none`: no access). */
export function rowGrants(roles: Role[], access: string[]): RoleGrant[] {
  const products = new Set(roles.map((r) => r.product).filter(Boolean));
  const grants: RoleGrant[] = [];
  for (const text of access) {
    const [left = '', right] = text.split('=', 2).map((part) => part.trim().toLowerCase());
    if (right === NO_ACCESS && products.has(left)) continue;
    const grant = resolveGrant(roles, text);
    const clash = grants.find((g) => g.role.product && g.role.product === grant.role.product);
    if (clash) throw fail.badInput(`gives two levels of \`${grant.role.product}\`; give one.`);
    if (grants.some((g) => g.role.id === grant.role.id && g.scope === grant.scope)) continue;
    grants.push(grant);
  }
  if (grants.length === 0) throw fail.badInput('needs a role or a product level.');
  return grants;
}

/**
 * The invite's own access: its role or product levels, and the partners its scoped role covers. With
 * partners and no role (or the scoped role itself), the scoped role is held once per partner; with a
 * general role, the scoped role comes besides it.
 */
export async function defaultAccess(context: ChangeContext, roles: Role[], change: ChangeOf<'invite'>): Promise<ResolvedAccess> {
  const { tx, accountId } = context;
  const partners = [...new Set((change.partners ?? []).map((p) => p.trim()).filter(Boolean))];
  if (partners.length === 0) {
    const access = await resolveAccess(tx, accountId, change);
    return { ...access, grants: await checkScopes(tx, accountId, access.grants, 'role') };
  }
  const scopedRoles = roles.filter((role) => role.scoped && !role.product);
  // Several roles may be asked for (`--role` repeated, the modal's multi-select): the scoped one covers the partners.
  const requested = requestedRoles(change);
  const chosen = requested.map((text) => findRole(roles, text.split('=')[0] ?? ''));
  const scopedChosen = chosen.find((role) => role?.scoped);
  const scopedRole = scopedChosen ?? (scopedRoles.length === 1 ? scopedRoles[0] : undefined);
  if (!scopedRole) {
    throw fail.badInput('No role here is scoped to a partner; leave the partner field empty.', { field: 'partners' });
  }
  const generalRoles = requested.filter((_, i) => !chosen[i]?.scoped);
  const general =
    generalRoles.length > 0 ? await resolveAccess(tx, accountId, { ...change, role: undefined, roles: generalRoles }) : null;
  const grants = [...(general?.grants ?? []), ...partners.map((scope) => ({ role: scopedRole, scope }))];
  const perms = await checkGrantable(
    tx,
    accountId,
    grants.map((g) => g.role.key),
    change.perms ?? [],
  );
  return { grants: await checkScopes(tx, accountId, grants), perms };
}
