/**
 * Role grants in memory: reading `key`, `key=scope` or `product=level` against the catalog, and
 * applying `+role` / `-role` to what a user holds (a product level replaces the old one).
 */
import { fail } from '../../errors';
import type { Role } from '../../store/generated/client';
import { findRole, grantFor, NO_ACCESS, productLevel, type RoleGrant, requestedRoles } from './resolve-access';

/** `+role` / `-role` as typed. */
export interface RoleChanges {
  add: string[];
  remove: string[];
}

/** A role a user holds, with its scope. */
export type Holding = { role: Role; scope: string | null };

/** Resolves `key`, `key=scope` or `product=level` against the catalog. */
export function resolveGrant(roles: Role[], text: string): RoleGrant {
  const [left = '', right] = text.split('=', 2).map((part) => part.trim());
  const products = new Set(roles.map((r) => r.product).filter(Boolean));
  if (right !== undefined && products.has(left.toLowerCase())) {
    return { role: productLevel(roles, left.toLowerCase(), right, 'roles'), scope: null };
  }
  const role = findRole(roles, left);
  if (role?.product) return { role, scope: null };
  return grantFor(roles, text, 'roles');
}

/** Applies changes to a set of holdings: product levels replace, scopes update, removing what is not held is refused. */
export function applyRoleChanges(roles: Role[], holdings: Holding[], changes: RoleChanges): Holding[] {
  let next = [...holdings];
  for (const text of changes.remove) {
    const role = findRole(roles, text.split('=')[0] ?? '');
    if (!role) throw fail.notFound(`There is no role \`${text}\`.`, { field: 'roles' });
    if (!next.some((h) => h.role.id === role.id))
      throw fail.badInput(`The user does not hold \`${role.key}\`.`, { field: 'roles' });
    next = next.filter((h) => h.role.id !== role.id);
  }
  for (const text of changes.add) {
    const grant = resolveGrant(roles, text);
    next = next.filter((h) => h.role.id !== grant.role.id && !(grant.role.product && h.role.product === grant.role.product));
    next.push(grant);
  }
  return next;
}

/** The holdings the roles modal asks for: general roles plus one level per product (`none`: no access). */
export function desiredHoldings(
  roles: Role[],
  current: Holding[],
  desired: { role?: string; roles?: string[]; products?: Record<string, string> },
): Holding[] {
  const next: Holding[] = [];
  for (const text of requestedRoles(desired)) {
    const grant = resolveGrant(roles, text);
    if (!next.some((h) => h.role.id === grant.role.id)) next.push(grant);
  }
  for (const [product, level] of Object.entries(desired.products ?? {})) {
    if (level.toLowerCase() !== NO_ACCESS) next.push(resolveGrant(roles, `${product}=${level}`));
  }
  // Scopes the modal does not show are kept for roles the user still holds.
  for (const grant of next) grant.scope ??= current.find((h) => h.role.id === grant.role.id)?.scope ?? null;
  return next;
}

/** A holding as `key` or `key=scope`. */
export function holdingLabel(holding: Holding): string {
  return holding.scope ? `${holding.role.key}=${holding.scope}` : holding.role.key;
}
