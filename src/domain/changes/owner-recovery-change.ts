/**
 * Recovering ownership when the owner is gone: only the owner can hand ownership on (`owner`), so a
 * departed owner would block it for good. From the server console (`npm run recover-owner`) anyone
 * holding the server may move it to any active user, who becomes an Admin; from Slack an Admin may,
 * only while the owner is disabled or has left the workspace, and a second Admin must approve it.
 */
import { fail, reasonOf } from '../../errors';
import { findAccountWithOwner } from '../../store/accounts/account-reads';
import { moveAccountOwnership } from '../../store/accounts/account-writes';
import { getRoleByKey } from '../../store/roles/role-reads';
import { findActiveRoleHolderContacts, getUserRecord, type UserRecord } from '../../store/users/user-reads';
import { addUserRole } from '../../store/users/user-writes';
import type { UserCard } from '../directory/user-view';
import { ADMIN_ROLE } from '../roles/catalog';
import type { ChangeHandler } from './change-handler';
import { cardOf, findUser, powerGain, roleLabels } from './user-change';

/** How the Admins were told, after the commit; a failure never undoes the transfer. */
export interface AdminNotice {
  /** Admins who got the DM. */
  told: string[];
  /** Admins nobody in the Slack workspace has the address of. */
  notInWorkspace: string[];
  /** Admins whose DM failed, and Slack's reason for the first failure. */
  failed: string[];
  problem: string | null;
}

/** The new owner, the one before, and, once delivered, how the Admins heard of it. */
export interface OwnerRecovery {
  card: UserCard;
  previousOwner: { email: string; state: string } | null;
  /** The new owner was not an Admin and now is (console only). */
  madeAdmin: boolean;
  notice?: AdminNotice;
}

function isAdmin(user: UserRecord): boolean {
  return user.roles.some((held) => held.role.key === ADMIN_ROLE);
}

/** The owner's state as the request and the audit trail describe it. */
function stateOf(owner: { status: string; slackLeftAt: Date | null }): string {
  if (owner.status !== 'active') return owner.status;
  return owner.slackLeftAt ? 'left the Slack workspace' : 'active';
}

/** Moves ownership away from an owner who cannot hand it on; a conditional update, so two runs make one effect. */
export const recoverOwner: ChangeHandler<'recover-owner', OwnerRecovery> = {
  permissions: () => ['users:manage', 'roles:manage'],
  async apply(context, change) {
    const { tx, accountId, actor } = context;
    const fromConsole = actor.source === 'console';
    if (!fromConsole && !actor.roleKeys.includes(ADMIN_ROLE)) {
      throw fail.forbidden('Only an Admin can take over ownership from an owner who is gone.');
    }
    const account = await findAccountWithOwner(tx, accountId);
    const previous = account.owner;
    const from = change.from === undefined ? account.ownerId : change.from;
    const changedMeanwhile = () =>
      fail.conflict(
        `Ownership changed meanwhile: ${previous?.email ?? 'nobody'} owns the account now. Nothing changed; check and try again.`,
      );
    if (account.ownerId !== from) throw changedMeanwhile();
    const target = await findUser(context, change.user);
    if (!fromConsole && previous && stateOf(previous) === 'active') {
      throw fail.forbidden(
        `Only the owner (${previous.email}) can transfer ownership while they are active and in Slack: ask them to run \`/users owner ${target.email}\`.`,
      );
    }
    if (target.id === account.ownerId) throw fail.badInput(`${target.email} already owns the account.`);
    if (target.status !== 'active') {
      throw fail.invalidState(`${target.email} is ${target.status}; only an active user can own the account.`);
    }
    if (!fromConsole && !isAdmin(target)) {
      throw fail.invalidState(`${target.email} must be an active Admin to own the account. Make them an Admin first.`);
    }
    const madeAdmin = !isAdmin(target);
    if (madeAdmin) {
      const admin = await getRoleByKey(tx, accountId, ADMIN_ROLE);
      await addUserRole(tx, target.id, admin.id);
    }
    if ((await moveAccountOwnership(tx, accountId, from, target.id)) !== 1) throw changedMeanwhile();
    const after: UserRecord = await getUserRecord(tx, target.id);
    const admins = await findActiveRoleHolderContacts(tx, accountId, ADMIN_ROLE);
    const previousOwner = previous ? { email: previous.email, state: stateOf(previous) } : null;
    const was = previousOwner ? `${previousOwner.email} (${previousOwner.state})` : 'nobody';
    const by = fromConsole ? 'from the server console' : `by ${actor.email} with a second Admin’s approval`;
    const text = `:key: Account ownership was recovered ${by}: ${after.email} now owns the account instead of ${was}.${
      madeAdmin ? ` ${after.email} was made an Admin.` : ''
    }`;
    const touched = [target.id, ...(previous ? [previous.id] : [])];
    return {
      result: { card: await cardOf(context, after), previousOwner, madeAdmin },
      stored: { kind: 'recover-owner', user: { id: target.id }, from },
      summary: `Recover ownership: ${was} → ${target.email}.`,
      outcome: `${after.email} now owns the account.`,
      touched,
      targets: touched,
      gains: powerGain(target, after, context.multipleRoles),
      facts: { users: 1 },
      audit: [
        {
          action: 'account.owner-recovered',
          target: { id: after.id, email: after.email, name: after.name },
          before: { owner: previous?.email ?? null, ownerState: previousOwner?.state ?? null, roles: roleLabels(target) },
          after: { owner: after.email, roles: roleLabels(after) },
        },
      ],
      async deliver(result) {
        const notice: AdminNotice = { told: [], notInWorkspace: [], failed: [], problem: null };
        for (const admin of admins) {
          try {
            (await context.messenger.send(admin, text)) ? notice.told.push(admin.email) : notice.notInWorkspace.push(admin.email);
          } catch (error) {
            notice.failed.push(admin.email);
            notice.problem ??= reasonOf(error);
          }
        }
        return { ...result, notice };
      },
    };
  },
};
