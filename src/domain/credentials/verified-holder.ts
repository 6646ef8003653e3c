/**
 * Who a verified credential belongs to, as the managed product learns it: the user, the roles in
 * force, the permissions and the custom properties.
 */
import type { Store } from '../../store/tx';
import { findUserWithRolesAndProperties } from '../../store/users/sign-in-user-reads';
import { effectivePermissions } from '../access/effective-permissions';
import { ALL_PERMISSIONS } from '../roles/catalog';
import { ADMIN_PLANE_PERMISSIONS } from '../roles/permissions';
import { holdingsInForce, type MultipleRoles } from '../roles/precedence';

/** The outcome of a sign-in attempt; `locked` carries the seconds to wait. */
export type SignInResult = { ok: true; holder: VerifiedHolder } | { ok: false; locked?: number };

/** What the managed product learns about a verified credential's holder. */
export interface VerifiedHolder {
  user: { id: string; email: string; name: string | null };
  /** The roles in force (catalog `multipleRoles`); `overriddenRoles` are held but outranked. */
  roles: { key: string; scope: string | null }[];
  overriddenRoles: { key: string; scope: string | null }[];
  permissions: string[];
  /** The user's custom properties (e.g. a region the product filters data by). */
  properties: Record<string, string>;
}

/** Reads a user as a verified holder; every way of signing in answers with the same shape. */
export function createHolderReader(deps: { prisma: Store; multipleRoles: MultipleRoles }) {
  const { prisma } = deps;
  return async function holder(userId: string): Promise<VerifiedHolder> {
    const user = await findUserWithRolesAndProperties(prisma, userId);
    const granted = effectivePermissions(
      user.roles.map((r) => r.role),
      user.extraPermissions,
      deps.multipleRoles,
    );
    const roles = holdingsInForce(user.roles, deps.multipleRoles);
    const label = (held: typeof user.roles) =>
      held.map((r) => ({ key: r.role.key, scope: r.scope })).sort((a, b) => a.key.localeCompare(b.key));
    const permissions = granted.has(ALL_PERMISSIONS)
      ? [...new Set([...granted, ...ADMIN_PLANE_PERMISSIONS])].filter((p) => p !== ALL_PERMISSIONS)
      : [...granted];
    return {
      user: { id: user.id, email: user.email, name: user.name },
      roles: label(roles.effective),
      overriddenRoles: label(roles.overridden),
      permissions: permissions.sort(),
      properties: Object.fromEntries(user.properties.map((p) => [p.key, p.value])),
    };
  };
}
