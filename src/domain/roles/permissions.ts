/** The admin-plane permissions that gate what an admin may do in Roster itself (SPEC §3). */
export const ADMIN_PLANE_PERMISSIONS = [
  'users:view',
  'users:manage',
  'roles:manage',
  'groups:manage',
  'credentials:manage',
  'approvals:approve',
  'audit:view',
  'users:export',
] as const;

export type AdminPermission = (typeof ADMIN_PLANE_PERMISSIONS)[number];
