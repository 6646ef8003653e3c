/**
 * Who a verified credential belongs to, as the managed product learns it: the user, the roles in
 * force, the permissions and the custom properties.
 */
import { catalogHasPartners } from '../../store/partners/partner-list';
import type { Role } from '../../store/records';
import { listPermissionKeys } from '../../store/roles/permission-keys';
import type { Db, Store } from '../../store/tx';
import { findUserWithRolesAndProperties } from '../../store/users/sign-in-user-reads';
import { effectivePermissions } from '../access/effective-permissions';
import type { Clock } from '../clock';
import { type TemporaryGrant, temporaryGrantsOf, withGrantsInForce } from '../grants/grants-in-force';
import { type PartnerScope, partnerScope, rolesBesidePartners } from '../partners/partner-access';
import { ADMIN_ROLE, ALL_PERMISSIONS } from '../roles/catalog';
import { ADMIN_PLANE_PERMISSIONS } from '../roles/permissions';
import { holdingsInForce, type MultipleRoles, type RankedRole } from '../roles/precedence';

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
  /**
   * The time-bound grants in force, each with its `expiresAt`: their roles and permissions are in
   * `roles` and `permissions` until then, and not a moment after.
   */
  temporaryGrants: TemporaryGrant[];
  /** Set when the credential is an API key inherited from a deleted user: whom it was issued to. */
  inheritedFrom?: { email: string };
  /** With a catalog that has partners: the partners whose data the user may see, or "all" (partner-access.ts). */
  partners?: PartnerScope;
}

/** What a holder may do: the roles in force, those outranked, the permissions (roles' and extras), and partners. */
export type HolderAccess = Pick<VerifiedHolder, 'roles' | 'overriddenRoles' | 'permissions' | 'partners'>;

/** The access of someone holding `held` roles and `extraPermissions`, as the managed product learns it. */
export function accessOf(
  held: readonly { role: RankedRole & { key: string; permissions: string[] }; scope: string | null }[],
  extraPermissions: string[],
  multipleRoles: MultipleRoles,
): HolderAccess {
  const granted = effectivePermissions(
    held.map((r) => r.role),
    extraPermissions,
    multipleRoles,
  );
  const roles = holdingsInForce(held, multipleRoles);
  const label = (some: typeof held) =>
    some.map((r) => ({ key: r.role.key, scope: r.scope })).sort((a, b) => a.key.localeCompare(b.key));
  const permissions = granted.has(ALL_PERMISSIONS)
    ? [...new Set([...granted, ...ADMIN_PLANE_PERMISSIONS])].filter((p) => p !== ALL_PERMISSIONS)
    : [...granted];
  return { roles: label(roles.effective), overriddenRoles: label(roles.overridden), permissions: permissions.sort() };
}

/**
 * What an API key inherited from a deleted user answers: its heir's identity and the access the key had
 * when its user was deleted; were the heir no longer an Admin (ownership moved on), only the permissions
 * the heir still holds. A key never gains power by moving, and it works only while its heir is active.
 */
export function inheritedHolder(heir: VerifiedHolder, access: HolderAccess, fromEmail: string): VerifiedHolder {
  const heirs = new Set(heir.permissions);
  const admin = heir.roles.some((r) => r.key === ADMIN_ROLE);
  return {
    user: heir.user,
    roles: access.roles,
    overriddenRoles: access.overriddenRoles,
    permissions: admin ? access.permissions : access.permissions.filter((p) => heirs.has(p)),
    ...(access.partners === undefined ? {} : { partners: access.partners }),
    properties: {},
    temporaryGrants: [],
    inheritedFrom: { email: fromEmail },
  };
}

/** A user's roles (with the role rows) and extra permissions, as the access they give is read from. */
type Holding = { role: Role; scope: string | null };

/**
 * What `user` may do, as the managed product learns it, read in `db`: an Admin's permissions include
 * the catalog's own (the extras a product checks), and with a catalog that has partners, the partners
 * whose data they see beside their directory-wide roles (partner-access.ts).
 */
export async function holderAccess(
  db: Db,
  user: { accountId: string; roles: readonly Holding[]; extraPermissions: string[] },
  multipleRoles: MultipleRoles,
): Promise<HolderAccess> {
  const access: HolderAccess = accessOf(user.roles, user.extraPermissions, multipleRoles);
  const held = user.roles.map((r) => r.role);
  if (effectivePermissions(held, [], multipleRoles).has(ALL_PERMISSIONS)) {
    const catalog = await listPermissionKeys(db, user.accountId);
    access.permissions = [...new Set([...access.permissions, ...catalog])].sort();
  }
  if (await catalogHasPartners(db, user.accountId)) {
    access.roles = rolesBesidePartners(access.roles, user.roles);
    access.partners = partnerScope(user.roles, multipleRoles);
  }
  return access;
}

/**
 * Reads a user as a verified holder, counting the time-bound grants in force at the clock's now; every
 * way of signing in answers with the same shape.
 */
export function createHolderReader(deps: { prisma: Store; multipleRoles: MultipleRoles; clock: Clock }) {
  const { prisma } = deps;
  return async function holder(userId: string): Promise<VerifiedHolder> {
    const user = await findUserWithRolesAndProperties(prisma, userId, deps.clock.now());
    const held = withGrantsInForce(user);
    return {
      user: { id: user.id, email: user.email, name: user.name },
      ...(await holderAccess(prisma, { accountId: user.accountId, ...held }, deps.multipleRoles)),
      properties: Object.fromEntries(user.properties.map((p) => [p.key, p.value])),
      temporaryGrants: temporaryGrantsOf(user.timedGrants),
    };
  };
}
