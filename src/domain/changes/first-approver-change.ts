/**
 * The owner's first co-approver: with approvals on and nobody besides the owner who may approve, every
 * change that needs approval is refused, granting approval rights included, so a new owner is stuck.
 * The owner (only the owner) may make one active user an Admin without an approval, and only while
 * the account has fewer approvers than its policy needs, at most as many times as it needs approvers
 * (once, by default). It is counted on the account row under the account lock, so two at once make
 * one; the audit trail records it as such, and the Slack side announces it in the approvals channel.
 */
import { fail } from '../../errors';
import { claimFirstApprover } from '../../store/accounts/account-writes';
import { readApproverSetup } from '../approvals/approver-setup';
import type { UserCard } from '../directory/user-view';
import { ADMIN_ROLE } from '../roles/catalog';
import type { ChangeHandler } from './change-handler';
import { changeRoles } from './role-changes';
import { findUser } from './user-change';

/** What making the first co-approver did: their card, and where it is to be announced. */
export interface FirstApproverResult {
  card: UserCard;
  /** The approvals channel, where the Slack side announces it. */
  approvalsChannel: string;
  /** The owner who made them. */
  ownerEmail: string;
  /** Approvers besides the owner now, and how many the policy needs. */
  approvers: number;
  needed: number;
}

export const firstApprover: ChangeHandler<'first-approver', FirstApproverResult> = {
  // Not a permission: only the owner, checked against the account row under the lock.
  permissions: () => [],
  async apply(context, change) {
    const { tx, accountId, actor } = context;
    const setup = await readApproverSetup(tx, accountId, context.settingsDefaults);
    const owner = setup.owner;
    if (!owner || actor.userId !== owner.id) {
      throw fail.forbidden(
        owner
          ? `Only the account owner (${owner.email}) can make the first co-approver. Ask them to.`
          : 'Only the account owner can make the first co-approver, and the account has none.',
      );
    }
    const grant = '`/users roles <who> +admin`';
    if (!setup.approvalsChannel) {
      throw fail.invalidState(`Approvals are off, so nothing waits for an approver: make them an Admin with ${grant}.`);
    }
    if (setup.approvers >= setup.needed) {
      throw fail.invalidState(
        `The account already has ${setup.approvers} approver${setup.approvers === 1 ? '' : 's'} besides you, as many as its approval policy needs: make someone an Admin with ${grant}, and an approver decides.`,
      );
    }
    if (setup.firstApproversLeft <= 0) {
      throw fail.forbidden(
        'You already made the first co-approver without an approval, and that is allowed only once. Make them (or another Admin) active again, or ask whoever runs Roster.',
      );
    }
    const user = await findUser(context, change.user);
    if (user.id === owner.id) throw fail.badInput('You own the account already: choose someone else.', { field: 'user' });
    if (user.status !== 'active') {
      throw fail.invalidState(
        `${user.email} is ${user.status}: the first co-approver must be an active user (one who accepted their invite).`,
        { field: 'user' },
      );
    }
    const granted = await changeRoles.apply(context, {
      kind: 'change-roles',
      user: { id: user.id },
      add: [ADMIN_ROLE],
      remove: [],
    });
    // The lock already serialises changes; the conditional count keeps it to what the policy needs all the same.
    if ((await claimFirstApprover(tx, accountId, setup.needed)) !== 1) {
      throw fail.forbidden('The first co-approver was made already; nothing was changed.');
    }
    const approvers = setup.approvers + 1;
    // A role change delivers nothing after its commit; the announcement is the Slack side's.
    const { deliver: _none, ...applied } = granted;
    return {
      ...applied,
      result: {
        card: granted.result,
        approvalsChannel: setup.approvalsChannel,
        ownerEmail: owner.email,
        approvers,
        needed: setup.needed,
      },
      stored: { kind: 'first-approver', user: { id: user.id } },
      summary: `Make ${user.email} the first co-approver (Admin), without an approval.`,
      outcome: `${user.email} is now an Admin and may approve.`,
      audit: [
        ...granted.audit,
        {
          action: 'approvals.first-approver',
          target: { id: user.id, email: user.email, name: user.name },
          after: { role: ADMIN_ROLE, approvers, needed: setup.needed, withoutApproval: true },
        },
      ],
    };
  },
};
