/**
 * Partner access as the partner network has it: the partners a user's data scope covers. A scoped
 * role beside a general role (Normal + `partner=Acme`) is a grant of data scope that adds to the
 * general role; alone (`partner=Acme`) it is a Partner user's role, seeing one partner. Holding every
 * permission (Admin) covers every partner.
 */
import { effectivePermissions } from '../access/effective-permissions';
import { ALL_PERMISSIONS } from '../roles/catalog';
import type { MultipleRoles, RankedRole } from '../roles/precedence';

/** The partners a user may see: their names (partner list spelling, by name) or every partner. */
export type PartnerScope = string[] | 'all';

/** What partner access needs to know of a holding. */
interface ScopedHolding {
  role: RankedRole & { scoped: boolean; permissions: readonly string[] };
  scope: string | null;
}

/** The partners `held` roles let their holder see under `policy`. */
export function partnerScope(held: readonly ScopedHolding[], policy: MultipleRoles): PartnerScope {
  const roles = held.map((h) => h.role);
  if (effectivePermissions(roles, [], policy).has(ALL_PERMISSIONS)) return 'all';
  const names = held.filter((h) => h.role.scoped && !h.role.product && h.scope).map((h) => h.scope as string);
  return [...new Set(names)].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase()));
}

/** Whether the holdings include a general role: one neither scoped nor a product's level. */
function holdsGeneralRole(held: readonly ScopedHolding[]): boolean {
  return held.some((h) => !h.role.scoped && !h.role.product);
}

/**
 * The roles a verify or login answer names: beside a general role, scoped holdings are data scope
 * (answered as `partners`), not roles; a Partner user's scoped role is their role.
 */
export function rolesBesidePartners<R extends { key: string }>(roles: R[], held: readonly ScopedHolding[]): R[] {
  if (!holdsGeneralRole(held)) return roles;
  const scopedKeys = new Set(held.filter((h) => h.role.scoped && !h.role.product).map((h) => h.role.key));
  return roles.filter((role) => !scopedKeys.has(role.key));
}
