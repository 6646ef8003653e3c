/**
 * Whether an account has the approvers its approval policy needs: with approvals on and nobody besides
 * the owner who may approve, every change needing approval is refused, granting approval rights
 * included. The owner's way out is the first co-approver (first-approver-change.ts); App Home shows
 * the owner this while it is so.
 */
import { readApproverSetupRow } from '../../store/accounts/account-reads';
import type { Db } from '../../store/tx';
import { findApproverCandidates } from '../../store/users/approver-reads';
import { catalogFor, effectiveSettings, type SettingsDefaults } from '../account/account-settings';
import { approversNeeded } from '../changes/approval-policy';
import { mayApprove } from './may-approve';

/** An account's approvers against what its policy needs. */
export interface ApproverSetup {
  /** The approvals channel in force; unset: approvals are off and nothing waits. */
  approvalsChannel?: string;
  owner: { id: string; email: string } | null;
  /** Approvers besides the requester the policy needs at most (0 with approvals off). */
  needed: number;
  /** Active users besides the owner who may approve. */
  approvers: number;
  /** First co-approvers the owner may still make without an approval. */
  firstApproversLeft: number;
}

/** Whether the owner is short of approvers: approvals on and fewer approvers than the policy needs. */
export function lacksApprovers(setup: ApproverSetup): boolean {
  return setup.approvers < setup.needed;
}

/** Reads the account's approver set-up (inside a change's transaction, under its lock, when `db` is one). */
export async function readApproverSetup(db: Db, accountId: string, defaults: SettingsDefaults): Promise<ApproverSetup> {
  const row = await readApproverSetupRow(db, accountId);
  const settings = effectiveSettings(row, defaults);
  const { policy } = catalogFor(settings.catalogPreset, defaults);
  const needed = settings.approvalsChannel ? approversNeeded(policy.approvals) : 0;
  const candidates = await findApproverCandidates(db, accountId, { except: row.owner ? [row.owner.id] : [] });
  // Only roles in force count, as for deciding a request.
  const approvers = candidates.filter((user) => mayApprove(user, policy.multipleRoles)).length;
  return {
    approvalsChannel: settings.approvalsChannel,
    owner: row.owner,
    needed,
    approvers,
    firstApproversLeft: Math.max(0, needed - row.firstApproversGranted),
  };
}
