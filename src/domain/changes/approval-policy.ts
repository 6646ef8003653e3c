/**
 * The one approval policy: from the catalog's policy and what a change does, which approval it
 * needs (and how many approvers), or none.
 */
import type { ApprovalAction, Policy } from '../roles/catalog';
import type { ChangeKind } from './directory-change';

/** What a change does, as far as the policy cares; worked out by applying it. */
export interface ChangeFacts {
  kind: ChangeKind;
  /** Some user gains an admin-plane permission (a role with `*` or admin-plane permissions, or an extra). */
  grantsAdmin: boolean;
  /** How many users the change touches. */
  users: number;
  /** The tenure of a passcode it issues. */
  tenureDays?: number;
}

/** An approval a change needs. */
export interface RequiredApproval {
  action: ApprovalAction;
  approvals: number;
}

/** The approval `facts` need under `policy`, or null; with several, the one needing most approvers. */
export function requiredApproval(policy: Policy['approvals'], facts: ChangeFacts): RequiredApproval | null {
  const candidates: ApprovalAction[] = [];
  if (facts.grantsAdmin) candidates.push('grant-admin');
  if (facts.kind === 'delete') candidates.push('delete');
  if (facts.kind === 'revoke') candidates.push('revoke');
  if (facts.tenureDays !== undefined && facts.tenureDays > policy.passcodeMaxDays) candidates.push('passcode-long');
  if (facts.kind === 'bulk-roles' && facts.users > policy.bulkThreshold) candidates.push('bulk');
  let best: RequiredApproval | null = null;
  for (const action of candidates) {
    const rule = policy.actions[action];
    if (!rule) continue;
    const approvals = rule.approvals ?? 1;
    if (!best || approvals > best.approvals) best = { action, approvals };
  }
  return best;
}
