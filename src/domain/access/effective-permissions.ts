/** The permissions a user holds: those of every role plus extra grants. */
export function effectivePermissions(
  roles: readonly { permissions: readonly string[] }[],
  extra: readonly string[],
): Set<string> {
  const permissions = new Set<string>(extra);
  for (const role of roles) for (const permission of role.permissions) permissions.add(permission);
  return permissions;
}
