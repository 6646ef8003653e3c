/** The role catalog as the forms show it (the changes themselves go through src/domain/changes/). */
import type { Role } from '../../store/records';
import { listPermissionKeys } from '../../store/roles/permission-keys';
import type { Store } from '../../store/tx';
import type { MultipleRoles } from '../roles/precedence';
import { loadRoles } from '../roles/resolve-access';

export type { RolePreview } from '../changes/role-changes';

export type RoleService = ReturnType<typeof createRoleService>;

/** Reads the account's roles for forms. */
export function createRoleService(deps: { prisma: Store; accountId: string; multipleRoles: MultipleRoles }) {
  return {
    /** How several roles of one user combine (catalog policy), for forms and help. */
    multipleRoles: deps.multipleRoles,
    /** The catalog's roles, highest precedence first, for forms. */
    catalogRoles(): Promise<Role[]> {
      return loadRoles(deps.prisma, deps.accountId);
    },
    /** The catalog's own permission keys (the extras it may grant), for forms. */
    catalogPermissions(): Promise<string[]> {
      return listPermissionKeys(deps.prisma, deps.accountId);
    },
  };
}
