/**
 * The account's roles kept in memory between changes while its catalog stays the same. The account
 * lock returns the catalog's version (bumped by the store on every write to the account's roles,
 * whoever writes), so a change reads the roles from the store only when they changed: one statement
 * less for every change that resolves roles (a SCIM create, an invite, `/users roles`).
 */
import type { Role } from '../../store/records';
import { listRolesWithCatalogVersion } from '../../store/roles/role-reads';
import type { Tx } from '../../store/tx';

export type RoleCache = ReturnType<typeof createRoleCache>;

/** A cache of one account's roles. */
export function createRoleCache(accountId: string) {
  let kept: { version: number; roles: Role[] } | undefined;
  return {
    /**
     * The roles, highest precedence first, in `tx`, which took the account lock at catalog version
     * `version`. Read from the store unless kept at that version; kept only when nothing in `tx` has
     * written the catalog since the lock (a settings change that applies a catalog, and may yet be rolled
     * back, reads a newer version and keeps nothing). Shared between changes: never to be modified.
     */
    async at(tx: Tx, version: number): Promise<Role[]> {
      if (kept?.version === version) return kept.roles;
      const read = await listRolesWithCatalogVersion(tx, accountId);
      const roles = Object.freeze(read.roles) as Role[];
      if (read.version === version) kept = { version, roles };
      return roles;
    },
  };
}
