/**
 * What "granting Admin" means: giving someone an admin-plane permission they did not hold, through
 * any role that carries `*` or admin-plane permissions, or as an extra permission.
 */
import { ALL_PERMISSIONS } from './catalog';
import { ADMIN_PLANE_PERMISSIONS, type AdminPermission } from './permissions';

/** Whether a permission key is one of Roster's own (admin-plane) permissions or `*`. */
export function isAdminPlane(permission: string): boolean {
  return permission === ALL_PERMISSIONS || (ADMIN_PLANE_PERMISSIONS as readonly string[]).includes(permission);
}

/** The admin-plane permissions that roles and extra permissions give, with `*` expanded. */
export function adminPowerOf(
  roles: readonly { permissions: readonly string[] }[],
  extras: readonly string[] = [],
): Set<AdminPermission> {
  const held = new Set<AdminPermission>();
  for (const permission of [...roles.flatMap((role) => role.permissions), ...extras]) {
    if (permission === ALL_PERMISSIONS) for (const p of ADMIN_PLANE_PERMISSIONS) held.add(p);
    else if (isAdminPlane(permission)) held.add(permission as AdminPermission);
  }
  return held;
}

/** The admin-plane permissions `after` holds that `before` did not. */
export function addedAdminPower(before: ReadonlySet<string>, after: ReadonlySet<string>): AdminPermission[] {
  return [...after].filter((p) => !before.has(p)) as AdminPermission[];
}
