/**
 * Turns what an admin typed (a role, product levels, extra permissions) into role grants,
 * enforcing the catalog's rules: known roles, one level per product, scopes for scoped roles,
 * and `grantableTo` for extra permissions.
 */

import { fail, RosterError } from '../../errors';
import type { Role } from '../../store/records';
import { findPermissionsByKeys, listRolesByPrecedence } from '../../store/roles/role-reads';
import type { Db } from '../../store/tx';
import { isAdminPlane } from './admin-power';

/** What an invite or a role edit asks for. `role` may carry a scope as `partner=acme`. */
export interface AccessRequest {
  role?: string;
  /** Several roles (each `key` or `key=scope`); which of them are in force follows `multipleRoles`. */
  roles?: string[];
  /** product key → level (a role key or name of that product, or `none`). */
  products?: Record<string, string>;
  perms?: string[];
}

export interface RoleGrant {
  role: Role;
  scope: string | null;
}

export interface ResolvedAccess {
  grants: RoleGrant[];
  perms: string[];
}

export const NO_ACCESS = 'none';

/** Finds a role by key or name, case-insensitively. */
export function findRole(roles: Role[], text: string): Role | undefined {
  const wanted = text.trim().toLowerCase();
  return roles.find((role) => role.key === wanted || role.name.toLowerCase() === wanted);
}

/** The level of `product` named by key (`crm-editor`), short key (`editor`) or name; refuses any other. */
export function productLevel(roles: Role[], product: string, level: string, field: string): Role {
  const levels = roles.filter((role) => role.product === product);
  const wanted = level.trim().toLowerCase();
  const role = levels.find(
    (r) =>
      r.key === wanted ||
      r.key === `${product}-${wanted}` ||
      r.name.toLowerCase() === wanted ||
      r.name.toLowerCase().endsWith(` ${wanted}`),
  );
  if (!role) {
    throw fail.notFound(`\`${level}\` is not a level of \`${product}\`. Levels: ${roleList(levels)} or \`none\`.`, { field });
  }
  return role;
}

function roleList(roles: Role[]): string {
  return roles.map((role) => `\`${role.key}\``).join(', ');
}

/** Parses `key` or `key=scope` into a grant, refusing unknown roles and missing or stray scopes. */
export function grantFor(roles: Role[], text: string, field = 'role'): RoleGrant {
  const [name = '', scope] = text.split('=', 2).map((part) => part.trim());
  const role = findRole(roles, name);
  if (!role) {
    throw fail.notFound(`There is no role \`${name}\`. Roles: ${roleList(roles.filter((r) => !r.product))}.`, { field });
  }
  if (role.product) {
    throw fail.badInput(
      `\`${role.key}\` is a level of the product \`${role.product}\`; set it with --product ${role.product}=LEVEL.`,
      {
        field,
      },
    );
  }
  if (role.scoped && !scope) {
    throw fail.badInput(`The role \`${role.key}\` needs a scope, e.g. \`${role.key}=acme\`.`, { field });
  }
  if (!role.scoped && scope) {
    throw fail.badInput(`The role \`${role.key}\` takes no scope; remove \`=${scope}\`.`, { field });
  }
  return { role, scope: scope || null };
}

/** Whether two grants are the same role with the same scope (scopes compare in any case). */
export function sameGrant(a: RoleGrant, b: RoleGrant): boolean {
  return a.role.id === b.role.id && (a.scope ?? '').toLowerCase() === (b.scope ?? '').toLowerCase();
}

/** The directory-wide roles a request names, by `role` and `roles` together. */
export function requestedRoles(request: Pick<AccessRequest, 'role' | 'roles'>): string[] {
  return [...(request.role ? [request.role] : []), ...(request.roles ?? [])].filter((r) => r.trim().length > 0);
}

/** Loads the account's roles once for a request. */
export async function loadRoles(db: Db, accountId: string): Promise<Role[]> {
  return listRolesByPrecedence(db, accountId);
}

/** The role an invite gives when it names none: the general role of lowest precedence (`roles` by precedence, highest first). */
export function defaultRole(roles: Role[]): Role | undefined {
  return roles.filter((role) => !role.product && !role.scoped).at(-1);
}

/**
 * Resolves an access request. With no role and no product levels, the default is the general
 * role of lowest precedence (Viewer in the standard preset).
 */
export async function resolveAccess(db: Db, accountId: string, request: AccessRequest): Promise<ResolvedAccess> {
  const roles = await loadRoles(db, accountId);
  const grants: RoleGrant[] = [];
  for (const text of requestedRoles(request)) {
    const grant = grantFor(roles, text);
    if (!grants.some((g) => sameGrant(g, grant))) grants.push(grant);
  }

  const productKeys = [...new Set(roles.map((role) => role.product).filter((p): p is string => p !== null))];
  for (const [product, level] of Object.entries(request.products ?? {})) {
    if (!productKeys.includes(product)) {
      throw fail.notFound(
        `There is no product \`${product}\`. Products: ${productKeys.map((p) => `\`${p}\``).join(', ') || 'none'}.`,
        {
          field: 'products',
        },
      );
    }
    if (level.toLowerCase() === NO_ACCESS) continue;
    grants.push({ role: productLevel(roles, product, level, 'products'), scope: null });
  }

  if (grants.length === 0) {
    if (productKeys.length > 0 && request.products && Object.keys(request.products).length > 0) {
      throw fail.badInput('Every product is set to no access; give at least one product level or a role.', { field: 'products' });
    }
    const fallback = defaultRole(roles);
    if (!fallback || productKeys.length > 0) {
      throw fail.badInput('Choose a role (--role) or product levels (--product PRODUCT=LEVEL).', { field: 'role' });
    }
    grants.push({ role: fallback, scope: null });
  }

  const perms = await checkGrantable(
    db,
    accountId,
    grants.map((grant) => grant.role.key),
    request.perms ?? [],
  );
  return { grants, perms };
}

/**
 * Refuses unknown permissions and those whose `grantableTo` excludes every role the user holds.
 * With `held`, the permissions are ones the user already has: only `grantableTo` is re-checked.
 */
export async function checkGrantable(
  db: Db,
  accountId: string,
  roleKeys: string[],
  perms: string[],
  options: { held?: boolean } = {},
): Promise<string[]> {
  const unique = [...new Set(perms.map((perm) => perm.trim().toLowerCase()).filter(Boolean))];
  if (unique.length === 0) return [];
  const catalog = await findPermissionsByKeys(db, accountId, unique);
  for (const key of unique) {
    const permission = catalog.find((p) => p.key === key);
    if (!permission && options.held) continue;
    if (!permission) {
      // Roster's own permissions are grantable as extras only where the catalog lists them.
      throw isAdminPlane(key)
        ? new RosterError('not_grantable', `\`${key}\` cannot be granted as an extra permission here; it comes with a role.`, {
            field: 'perms',
          })
        : fail.notFound(`There is no permission \`${key}\`.`, { field: 'perms' });
    }
    const allowed = permission.grantableTo;
    if (allowed.length > 0 && !roleKeys.some((roleKey) => allowed.includes(roleKey))) {
      throw new RosterError(
        'not_grantable',
        `\`${key}\` can only be granted to ${allowed.map((r) => `\`${r}\``).join(', ')}; this user holds ${roleKeys.map((r) => `\`${r}\``).join(', ')}.`,
        { field: 'perms' },
      );
    }
  }
  return unique;
}
