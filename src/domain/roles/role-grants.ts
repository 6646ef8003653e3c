/**
 * Role grants in memory: reading `key`, `key=scope` or `product=level` against the catalog, and
 * applying `+role` / `-role` to what a user holds (a product level replaces the old one).
 */
import { fail } from '../../errors';
import type { Role } from '../../store/records';
import { findRole, grantFor, NO_ACCESS, productLevel, type RoleGrant, requestedRoles, sameGrant } from './resolve-access';

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

/**
 * Applies changes to a set of holdings: product levels replace, `-role=scope` removes one scope and
 * `-role` all of them, removing what is not held is refused. A scoped role's new scope is added to
 * the ones held when the user has a general role that is not scoped (a Normal user over several
 * partners), and replaces it otherwise (a Partner sees one partner).
 */
export function applyRoleChanges(roles: Role[], holdings: Holding[], changes: RoleChanges): Holding[] {
  let next = [...holdings];
  const sameScope = (a: string | null, b: string | null) => (a ?? '').toLowerCase() === (b ?? '').toLowerCase();
  for (const text of changes.remove) {
    const [name = '', scope] = text.split('=', 2).map((part) => part.trim());
    const role = findRole(roles, name);
    if (!role) throw fail.notFound(`There is no role \`${text}\`.`, { field: 'roles' });
    const removed = (h: Holding) => h.role.id === role.id && (!scope || sameScope(h.scope, scope));
    if (!next.some(removed)) throw fail.badInput(`The user does not hold \`${text}\`.`, { field: 'roles' });
    next = next.filter((h) => !removed(h));
  }
  for (const text of changes.add) {
    const grant = resolveGrant(roles, text);
    const several = grant.role.scoped && next.some((h) => !h.role.product && !h.role.scoped && h.role.id !== grant.role.id);
    next = next.filter(
      (h) =>
        !(h.role.id === grant.role.id && (!several || sameScope(h.scope, grant.scope))) &&
        !(grant.role.product && h.role.product === grant.role.product),
    );
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
    if (!next.some((h) => sameGrant(h, grant))) next.push(grant);
  }
  for (const [product, level] of Object.entries(desired.products ?? {})) {
    if (level.toLowerCase() !== NO_ACCESS) next.push(resolveGrant(roles, `${product}=${level}`));
  }
  // Scopes the modal does not show are kept for roles the user still holds.
  for (const grant of next) grant.scope ??= current.find((h) => h.role.id === grant.role.id)?.scope ?? null;
  return next;
}

/** A role as the directory writes it: `key`, or `key=scope` when it is scoped. */
export function roleLabel(key: string, scope: string | null | undefined): string {
  return scope ? `${key}=${scope}` : key;
}

/** A holding as `key` or `key=scope`. */
export function holdingLabel(holding: Holding): string {
  return roleLabel(holding.role.key, holding.scope);
}
