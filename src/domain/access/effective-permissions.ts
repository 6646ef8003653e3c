import { type MultipleRoles, type RankedRole, rolesInForce } from '../roles/precedence';

/** The permissions a user holds: those of the roles in force under `policy`, plus extra grants. */
export function effectivePermissions(
  roles: readonly (RankedRole & { permissions: readonly string[] })[],
  extra: readonly string[],
  policy: MultipleRoles,
): Set<string> {
  const permissions = new Set<string>(extra);
  for (const role of rolesInForce(roles, policy).effective)
    for (const permission of role.permissions) permissions.add(permission);
  return permissions;
}
