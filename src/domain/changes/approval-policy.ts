/**
 * The one approval policy: from the catalog's policy and what a change does, which approval it
 * needs (and how many approvers), or none.
 */
import { fail } from '../../errors';
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
  /** Typed on the server console (`npm run recover-owner`): whoever holds the server needs nobody's approval. */
  fromConsole?: boolean;
  /** Someone asks for access for themselves (a request, an extension beyond what the policy lets them make). */
  request?: boolean;
}

/** An approval a change needs. */
export interface RequiredApproval {
  action: ApprovalAction;
  approvals: number;
}

/**
 * Actions that always need approval, whatever the catalog says (it may only ask for two approvers):
 * recovering ownership from Slack takes two Admins, the requester and one more; access someone asks
 * for themselves takes someone else's approval.
 */
const MANDATORY: readonly ApprovalAction[] = ['recover-owner', 'access-request'];

/**
 * Kinds that never wait for approval, whatever the catalog says. Changes made with a link
 * (sign-in-changes.ts): the link is the authority and its holder, on a web page, cannot wait for an
 * approver. The follow-ups of a change that already ran (credential-handoff-changes.ts, `webhook-end`): that change
 * was permitted and approved as a whole. The scheduler's batches (scheduler-changes.ts): policy due,
 * nobody's request. None of them can be stored as a request, so the secrets behind them (even as
 * hashes) never reach one. The owner's first co-approver (first-approver-change.ts): it is only allowed
 * while nobody else may approve, so no approver could decide it; its handler checks that under the lock.
 * Ending a time-bound grant early takes power away; break-glass is granted at once where the catalog
 * allows it and reviewed afterwards (grant-changes.ts).
 */
const NEVER_WAITS: ReadonlySet<ChangeKind> = new Set<ChangeKind>([
  'accept-invite',
  'set-password',
  'password-reset',
  'credential-activate',
  'scim-token-end',
  'webhook-end',
  'invite-reminders',
  'invite-expiry',
  'passcode-expiry',
  'invite-link-renewal',
  'first-approver',
  'review-await',
  'review-remind',
  'review-overdue',
  'review-not-started',
  'grant-end',
  'break-glass',
  'break-glass-review',
  'grant-expiry',
  'grant-warnings',
  'break-glass-raise',
]);

/** Whether a change of `kind` never waits for approval (so a request can never hold one). */
export function neverWaits(kind: ChangeKind): boolean {
  return NEVER_WAITS.has(kind);
}

/** Whether the approval a change needs cannot be skipped, so a change needing it is refused while approvals are off. */
export function isMandatory(approval: RequiredApproval): boolean {
  return MANDATORY.includes(approval.action);
}

/** Whether the users a request touches may not decide it: those a grant empowers, and both owners in a recovery. */
export function targetsMayNotDecide(action: string): boolean {
  return action === 'grant-admin' || action === 'recover-owner' || action === 'access-request';
}

/** Whether only Admins (the role, not any holder of `approvals:approve`) may decide requests for `action`. */
export function onlyAdminsDecide(action: string): boolean {
  return action === 'recover-owner';
}

/** The approval `facts` need under `policy`, or null; with several, the one needing most approvers. */
export function requiredApproval(policy: Policy['approvals'], facts: ChangeFacts): RequiredApproval | null {
  if (facts.fromConsole || neverWaits(facts.kind)) return null;
  const candidates: ApprovalAction[] = [];
  // First, so that it names the request on a tie: access someone asks for themselves.
  if (facts.request) candidates.push('access-request');
  if (facts.grantsAdmin) candidates.push('grant-admin');
  if (facts.kind === 'delete') candidates.push('delete');
  if (facts.kind === 'revoke') candidates.push('revoke');
  if (facts.tenureDays !== undefined && facts.tenureDays > policy.passcodeMaxDays) candidates.push('passcode-long');
  if ((facts.kind === 'bulk-roles' || facts.kind === 'delete') && facts.users > policy.bulkThreshold) candidates.push('bulk');
  if (facts.kind === 'recover-owner') candidates.push('recover-owner');
  let best: RequiredApproval | null = null;
  for (const action of candidates) {
    const rule = policy.actions[action] ?? (MANDATORY.includes(action) ? { approvals: 1 } : undefined);
    if (!rule) continue;
    const approvals = rule.approvals ?? 1;
    if (!best || approvals > best.approvals) best = { action, approvals };
  }
  return best;
}

/** Nobody gives themselves admin power, with or without an approver: checked on every run of a change, approved ones included. */
export function refuseSelfGrant(userId: string | null, gains: readonly { userId: string; added: readonly string[] }[]): void {
  const self = gains.find((gain) => gain.userId === userId);
  if (self) {
    throw fail.forbidden(
      `You cannot give yourself ${self.added.map((p) => `\`${p}\``).join(', ')}; another admin must grant it.`,
    );
  }
}

/** Who is asking, as far as the approval policy cares: their source, and whether approvals are on. */
export interface Asker {
  userId: string | null;
  source: string;
  /** Approvals are off without an approvals channel. */
  approvalsEnabled: boolean;
}

/**
 * The one decision on a change that was applied in a dry run: the approval it waits for, none, or a
 * refusal (thrown): the identity provider never waits (a SCIM
 * client cannot wait for a person; the scheduler's digest tells the notices channel what it changed)
 * but never grants admin power either (that is granted in Slack, where the policy applies); and with
 * approvals off, an approval that cannot be skipped refuses the change.
 */
export function decideApproval(
  policy: Policy['approvals'],
  asker: Asker,
  facts: ChangeFacts,
  gains: readonly { userId: string; email: string; added: readonly string[] }[],
): RequiredApproval | null {
  if (asker.source === 'scim') {
    if (gains.length > 0) {
      throw fail.forbidden(
        `Admin powers cannot be granted over SCIM (${gains.map((g) => g.email).join(', ')}): an Admin grants them in Slack.`,
        { field: 'roles' },
      );
    }
    return null;
  }
  const approval = requiredApproval(policy, { ...facts, grantsAdmin: gains.length > 0, fromConsole: asker.source === 'console' });
  if (asker.approvalsEnabled || !approval) return approval;
  // Access someone asks for themselves never goes without another's approval, whatever else it needs.
  if (facts.request) {
    throw fail.forbidden(
      'Access you ask for needs an approver, and approvals are off (APPROVALS_CHANNEL is unset). Ask an Admin to grant it with `/users roles <you> +<role> --for 4h`.',
    );
  }
  if (isMandatory(approval)) {
    throw fail.forbidden(
      'That needs a second Admin’s approval, and approvals are off (APPROVALS_CHANNEL is unset). On the server, run `npm run recover-owner -- --email <address>` instead.',
    );
  }
  return null;
}

/** Whether a passcode of `days` will wait for an approver, as the passcode modal says beforehand. */
export function passcodeWaits(policy: Policy['approvals'], approvalsEnabled: boolean, days: number): boolean {
  return (
    approvalsEnabled &&
    requiredApproval(policy, { kind: 'grant-passcode', grantsAdmin: false, users: 1, tenureDays: days }) !== null
  );
}

/**
 * How many approvers besides the requester the policy needs at most (the largest `approvals` of its
 * actions); 0 when it names none. Recovering ownership is left out: only Admins decide it, and the
 * console is its way out.
 */
export function approversNeeded(policy: Pick<Policy['approvals'], 'actions'>): number {
  let most = 0;
  for (const [action, rule] of Object.entries(policy.actions)) {
    if (action !== 'recover-owner' && rule) most = Math.max(most, rule.approvals ?? 1);
  }
  return most;
}

/** The command that makes the first co-approver, as refusals and App Home name it. */
export const FIRST_APPROVER_COMMAND = '/users first-approver <who>';
