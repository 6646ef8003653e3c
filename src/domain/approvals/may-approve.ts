/** Whether a user who might approve may: the roles in force (an overridden role's permissions cannot be used) and extras. */
import type { ApproverCandidate } from '../../store/users/approver-reads';
import { effectivePermissions } from '../access/effective-permissions';
import { ALL_PERMISSIONS } from '../roles/catalog';
import type { MultipleRoles } from '../roles/precedence';

/** Whether `candidate` holds `approvals:approve` (or every permission) through what is in force. */
export function mayApprove(
  candidate: Pick<ApproverCandidate, 'roles' | 'extraPermissions'>,
  multipleRoles: MultipleRoles,
): boolean {
  const held = effectivePermissions(
    candidate.roles.map(({ role }) => role),
    candidate.extraPermissions,
    multipleRoles,
  );
  return held.has(ALL_PERMISSIONS) || held.has('approvals:approve');
}
