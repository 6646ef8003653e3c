/**
 * The directory's standing rules, checked inside the transaction of any change, after it is
 * applied and under the account lock, so that whichever path a change takes (command, modal,
 * bulk, button, approval) and however many replicas race, a broken rule rolls the change back.
 */

import { RosterError } from '../../errors';

/** What the rules judge, read at the end of a change's transaction (the store's `closeChange`). */
export interface DirectoryStanding {
  /** Those of the change's users who hold no role, by e-mail. */
  roleless: string[];
  /** The account's owner (null when it has none): e-mail, status, and whether they hold the Admin role. */
  owner: { email: string; status: string; admin: boolean } | null;
  /** Whether any active user holds the Admin role. */
  activeAdmin: boolean;
  /** Users who take a seat. */
  seatsUsed: number;
}

/**
 * At least one active Admin always. Looked for from the Admin role's holders and stopped at the first
 * active one (`closeChange`), so the check costs the same in a directory of ten or of a hundred thousand.
 * Where the account has an owner, the owner rule below already guarantees one; this rule is what holds
 * in an account without one (test/domain/role-changes.test.ts).
 */
export function assertActiveAdminRemains(standing: Pick<DirectoryStanding, 'activeAdmin'>): void {
  if (!standing.activeAdmin) {
    throw new RosterError(
      'last_admin',
      'That would leave no active Admin, so nobody could manage the directory. Make someone else an Admin first.',
    );
  }
}

/** The owner stays an active Admin until ownership is transferred (`/users owner <email>`). */
export function assertOwnerIntact(standing: Pick<DirectoryStanding, 'owner'>): void {
  const { owner } = standing;
  if (!owner) return;
  if (owner.status !== 'active' || !owner.admin) {
    throw new RosterError(
      'owner_protected',
      `${owner.email} owns the account and must stay an active Admin. Transfer ownership first with \`/users owner <email>\`.`,
    );
  }
}

/** Every user a change touched keeps at least one role. */
export function assertEveryoneHasARole(standing: Pick<DirectoryStanding, 'roleless'>): void {
  if (standing.roleless.length > 0) {
    throw new RosterError(
      'last_role',
      `Every user needs at least one role; ${standing.roleless.join(', ')} would have none. Add another role first.`,
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
export function assertSeatsWithinLimit(
  standing: Pick<DirectoryStanding, 'seatsUsed'>,
  change: { kind: string; seatsBefore: number; seatLimit: number },
): void {
  const after = standing.seatsUsed;
  const needed = after - change.seatsBefore;
  if (needed <= 0 || after <= change.seatLimit) return;
  const wording: { field?: string; noun: string } = SEAT_WORDING[change.kind] ?? { noun: 'change' };
  throw new RosterError(
    'seat_limit',
    `Not enough seats: ${change.seatsBefore} of ${change.seatLimit} are used and this ${wording.noun} needs ${needed}. Upgrade the plan or buy a seat top-up (\`/users seats\` says where), or revoke people who no longer need access.`,
    wording.field ? { field: wording.field } : undefined,
  );
}

/**
 * All of the above, judged on what `closeChange` read at the end of the change's transaction, in
 * this order: roles, owner, last Admin, seats.
 */
export function assertDirectoryRules(
  standing: DirectoryStanding,
  change: { kind: string; seatsBefore: number; seatLimit: number },
): void {
  assertEveryoneHasARole(standing);
  assertOwnerIntact(standing);
  assertActiveAdminRemains(standing);
  assertSeatsWithinLimit(standing, change);
}
