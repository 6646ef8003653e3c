/**
 * Which of a user's roles are in force. A role's `precedence` (catalog, 0–1000) ranks it: under the
 * catalog policy `multipleRoles: highest` (the default) the directory-wide role of highest precedence
 * wins and the others are overridden, while each product keeps its own level (they are access to
 * different things, so they never override each other); roles of equal precedence combine.
 * A scoped role (a partner) is a grant of data scope, not a directory-wide role: it is always in
 * force and never outranks or is outranked (beside Normal it adds the partner's data; alone it is a
 * Partner user's role). Under `multipleRoles: union` every held role is in force.
 */

/** How a user's several roles combine (catalog `policy.multipleRoles`). */
export const MULTIPLE_ROLES = ['highest', 'union'] as const;
export type MultipleRoles = (typeof MULTIPLE_ROLES)[number];

/** What precedence needs to know about a role. */
export interface RankedRole {
  key: string;
  precedence: number;
  product: string | null;
  /** A scoped role takes no part in precedence (absent: not scoped). */
  scoped?: boolean;
}

/** A user's roles split into those in force and those a higher one overrides, each highest first. */
export interface RolesInForce<T> {
  effective: T[];
  overridden: T[];
}

function byPrecedence<T>(roleOf: (item: T) => RankedRole) {
  return (a: T, b: T) => roleOf(b).precedence - roleOf(a).precedence || roleOf(a).key.localeCompare(roleOf(b).key);
}

/** Splits held roles (or holdings, with `roleOf`) into effective and overridden under `policy`. */
export function rolesInForce<T>(
  held: readonly T[],
  policy: MultipleRoles,
  roleOf: (item: T) => RankedRole = (item) => item as unknown as RankedRole,
): RolesInForce<T> {
  const sorted = [...held].sort(byPrecedence(roleOf));
  if (policy === 'union') return { effective: sorted, overridden: [] };
  const ranked = (role: RankedRole) => !role.scoped || role.product !== null;
  // The top precedence of each dimension: directory-wide roles (no product), and each product.
  const top = new Map<string | null, number>();
  for (const item of sorted) {
    const role = roleOf(item);
    if (ranked(role) && !top.has(role.product)) top.set(role.product, role.precedence);
  }
  const effective: T[] = [];
  const overridden: T[] = [];
  for (const item of sorted) {
    const role = roleOf(item);
    (!ranked(role) || role.precedence === top.get(role.product) ? effective : overridden).push(item);
  }
  return { effective, overridden };
}

/** The roles in force, for holdings shaped `{ role }` (a user's `UserRole` rows, role grants). */
export function holdingsInForce<T extends { role: RankedRole }>(held: readonly T[], policy: MultipleRoles): RolesInForce<T> {
  return rolesInForce(held, policy, (h) => h.role);
}
