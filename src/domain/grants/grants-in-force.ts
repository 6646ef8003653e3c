/**
 * What a user holds counting their time-bound grants in force: their roles and extra permissions with
 * those of the grants added. The grants are read with the caller's clock (src/store/grants/grant-reads.ts),
 * so this is all a permission check needs to count them, and one that skips it grants less, never more.
 */

/** A time-bound grant as a permission check reads it: a role with its scope, or an extra permission. */
export interface TimedHolding<R> {
  role: R | null;
  scope: string | null;
  permission: string | null;
  endsAt: Date;
}

/**
 * Those of a user's grants (read with their end not yet recorded, as a user's record holds them) in force
 * at `now`: ending at `now` is ended.
 */
export function inForceAt<G extends { endsAt: Date }>(grants: readonly G[], now: Date): G[] {
  return grants.filter((grant) => grant.endsAt > now);
}

/** The roles and extra permissions of `user` with its grants in force (`timedGrants`, as read) added. */
export function withGrantsInForce<R, H extends { role: R; scope: string | null }>(user: {
  roles: readonly H[];
  extraPermissions: readonly string[];
  timedGrants: readonly TimedHolding<R>[];
}): { roles: { role: R; scope: string | null }[]; extraPermissions: string[] } {
  const roles: { role: R; scope: string | null }[] = [...user.roles];
  const extraPermissions = [...user.extraPermissions];
  for (const grant of user.timedGrants) {
    if (grant.role) roles.push({ role: grant.role, scope: grant.scope });
    else if (grant.permission && !extraPermissions.includes(grant.permission)) extraPermissions.push(grant.permission);
  }
  return { roles, extraPermissions };
}

/** A time-bound grant as the managed product learns it: the role (and scope) or permission, and its end. */
export type TemporaryGrant = ({ role: string; scope: string | null } | { permission: string }) & {
  expiresAt: string;
  breakGlass: boolean;
};

/** The grants in force as verify and login answer them, soonest end first. */
export function temporaryGrantsOf(
  grants: readonly (TimedHolding<{ key: string }> & { breakGlass: boolean })[],
): TemporaryGrant[] {
  return grants.map((grant) => ({
    ...(grant.role ? { role: grant.role.key, scope: grant.scope } : { permission: grant.permission ?? '' }),
    expiresAt: grant.endsAt.toISOString(),
    breakGlass: grant.breakGlass,
  }));
}
