/**
 * The directory's standing rules, checked inside the transaction of any change, after it is
 * applied and under the account lock, so that whichever path a change takes (command, modal,
 * bulk, button, approval) and however many replicas race, a broken rule rolls the change back.
 */

import { RosterError } from '../../errors';
import { readOwnerStanding } from '../../store/accounts/account-reads';
import type { Tx } from '../../store/tx';
import { findActiveHolder, findRolelessUsers } from '../../store/users/user-reads';
import { countSeats } from '../directory/directory-service';
import { ADMIN_ROLE } from '../roles/catalog';

/**
 * At least one active Admin always. Looked for from the Admin role's holders and stopped at the first
 * active one, so the check costs the same in a directory of ten or of a hundred thousand.
 */
export async function assertActiveAdminRemains(tx: Tx, accountId: string): Promise<void> {
  const admin = await findActiveHolder(tx, accountId, ADMIN_ROLE);
  if (!admin) {
    throw new RosterError(
      'last_admin',
      'That would leave no active Admin, so nobody could manage the directory. Make someone else an Admin first.',
    );
  }
}

/** The owner stays an active Admin until ownership is transferred (`/users owner <email>`). */
export async function assertOwnerIntact(tx: Tx, accountId: string): Promise<void> {
  const owner = await readOwnerStanding(tx, accountId);
  if (!owner) return;
  if (owner.status !== 'active' || !owner.roles.some(({ role }) => role.key === ADMIN_ROLE)) {
    throw new RosterError(
      'owner_protected',
      `${owner.email} owns the account and must stay an active Admin. Transfer ownership first with \`/users owner <email>\`.`,
    );
  }
}

/** Every user keeps at least one role. */
export async function assertEveryoneHasARole(tx: Tx, userIds: string[]): Promise<void> {
  const roleless = await findRolelessUsers(tx, userIds);
  if (roleless.length > 0) {
    throw new RosterError(
      'last_role',
      `Every user needs at least one role; ${roleless.map((u) => u.email).join(', ')} would have none. Add another role first.`,
    );
  }
}

/** Where each kind of change points a seat refusal (the form field), and what it calls itself. */
const SEAT_WORDING: Partial<Record<string, { field: string; noun: string }>> = {
  invite: { field: 'emails', noun: 'invite' },
  reinvite: { field: 'emails', noun: 'invite' },
  resend: { field: 'emails', noun: 'invite' },
  'invite-link': { field: 'emails', noun: 'invite' },
  'scim-user': { field: 'userName', noun: 'change' },
};

/**
 * Every user who is not revoked takes a seat. A change that takes seats may not take more than are
 * free; one that frees seats or takes none passes even while the account is over its limit (after the
 * limit was lowered), so people can always be revoked or deleted.
 */
export async function assertSeatsWithinLimit(
  tx: Tx,
  accountId: string,
  change: { kind: string; seatsBefore: number; seatLimit: number },
): Promise<void> {
  const after = await countSeats(tx, accountId);
  const needed = after - change.seatsBefore;
  if (needed <= 0 || after <= change.seatLimit) return;
  const wording: { field?: string; noun: string } = SEAT_WORDING[change.kind] ?? { noun: 'change' };
  throw new RosterError(
    'seat_limit',
    `Not enough seats: ${change.seatsBefore} of ${change.seatLimit} are used and this ${wording.noun} needs ${needed}. Upgrade the plan or buy a seat top-up (raise the seat limit in Settings, or SEAT_LIMIT), or revoke people who no longer need access.`,
    wording.field ? { field: wording.field } : undefined,
  );
}

/** All of the above, for a change to `userIds`. */
export async function assertDirectoryRules(tx: Tx, accountId: string, userIds: string[]): Promise<void> {
  await assertEveryoneHasARole(tx, userIds);
  await assertOwnerIntact(tx, accountId);
  await assertActiveAdminRemains(tx, accountId);
}
