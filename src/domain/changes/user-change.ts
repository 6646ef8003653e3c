/**
 * The shared steps of a change to one user: find them inside the transaction, apply the mutation,
 * read them back, and describe before → after for the audit trail and the approver.
 */

import type { Json, Role } from '../../store/records';
import { getUserRecord, type UserRecord } from '../../store/users/user-reads';
import type { AuditEntry } from '../audit/audit-service';
import type { UserRef } from '../directory/directory-service';
import { rolesByPrecedence, toCard, type UserCard } from '../directory/user-view';
import { inForceAt, type TimedHolding, withGrantsInForce } from '../grants/grants-in-force';
import { addedAdminPower, adminPowerOf } from '../roles/admin-power';
import type { AdminPermission } from '../roles/permissions';
import { holdingsInForce, type MultipleRoles } from '../roles/precedence';
import { roleLabel } from '../roles/role-grants';
import type { Applied, ChangeContext, PowerGain } from './change-handler';
import type { DirectoryChange } from './directory-change';

/** The parts of a user an audit event compares. */
export function snapshot(user: UserRecord): Record<string, Json | null> {
  return {
    name: user.name,
    email: user.email,
    status: user.status,
    roles: roleLabels(user),
    perms: user.extraPermissions,
    groups: user.groups.map((m) => m.group.name).sort(),
    properties: Object.fromEntries(user.properties.map((p) => [p.key, p.value])),
    signIn: user.signInMethod,
  };
}

/** Only what differs between two snapshots, so the trail reads as the change itself. */
export function diff(before: Record<string, unknown>, after: Record<string, unknown>) {
  const keys = Object.keys(after).filter((key) => JSON.stringify(before[key]) !== JSON.stringify(after[key]));
  return {
    before: Object.fromEntries(keys.map((k) => [k, before[k]])) as Record<string, Json>,
    after: Object.fromEntries(keys.map((k) => [k, after[k]])) as Record<string, Json>,
  };
}

/**
 * The admin-plane permissions `after` holds that `before` (null: a new user) did not, counting only the
 * roles in force under the catalog's `multipleRoles` (Admin outranks every directory-wide role, so
 * holding Admin is always Admin power; an overridden role gives none until what outranks it goes).
 */
export function powerGain(before: UserRecord | null, after: UserRecord, multipleRoles: MultipleRoles): PowerGain[] {
  const added = addedAdminPower(before ? adminPowerHeld(before, multipleRoles) : new Set(), adminPowerHeld(after, multipleRoles));
  return added.length > 0 ? [{ userId: after.id, email: after.email, added }] : [];
}

/**
 * The admin-plane permissions a user holds at `now`: their roles and extras with their time-bound grants
 * in force, and `more` grants besides (what a grant being made would add). What the guards against handing
 * power to another address judge (a change of e-mail, SCIM's re-addressing) and what a time-bound grant's
 * gain is judged by; `adminPowerHeld` counts what they hold for good, as a permanent grant's gain is judged.
 */
export function adminPowerAt(
  user: UserRecord,
  multipleRoles: MultipleRoles,
  now: Date,
  more: readonly TimedHolding<Role>[] = [],
): Set<AdminPermission> {
  const held = withGrantsInForce({
    roles: user.roles,
    extraPermissions: user.extraPermissions,
    timedGrants: [...inForceAt(user.timedGrants, now), ...more],
  });
  return adminPowerOf(
    holdingsInForce(held.roles, multipleRoles).effective.map((h) => h.role),
    held.extraPermissions,
  );
}

/** The admin-plane permissions a user's roles in force and extra permissions give (held for good). */
export function adminPowerHeld(user: UserRecord, multipleRoles: MultipleRoles): Set<AdminPermission> {
  return adminPowerOf(
    holdingsInForce(user.roles, multipleRoles).effective.map((h) => h.role),
    user.extraPermissions,
  );
}

/** Finds a user inside the change's transaction. */
export function findUser(context: ChangeContext, who: UserRef): Promise<UserRecord> {
  return context.directory.findUser(who, context.tx);
}

/** The user's card as it stands inside the transaction. */
export async function cardOf(context: ChangeContext, user: UserRecord): Promise<UserCard> {
  return toCard(user, context.clock.now(), await context.directory.ownerId(context.tx), context.multipleRoles);
}

/** A change to one user: `mutate` writes, and the result is their card afterwards. */
export async function changeOneUser(
  context: ChangeContext,
  who: UserRef,
  options: {
    action: string;
    mutate: (user: UserRecord) => Promise<void>;
    stored: (id: string) => DirectoryChange;
    summary: (before: UserRecord, after: UserRecord) => string;
    outcome: (after: UserRecord) => string;
  },
): Promise<Applied<UserCard>> {
  const before = await findUser(context, who);
  await options.mutate(before);
  const after: UserRecord = await getUserRecord(context.tx, before.id);
  const entry: AuditEntry = {
    action: options.action,
    target: { id: after.id, email: after.email, name: after.name },
    ...diff(snapshot(before), snapshot(after)),
  };
  return {
    result: await cardOf(context, after),
    stored: options.stored(before.id),
    summary: options.summary(before, after),
    outcome: options.outcome(after),
    touched: [before.id],
    targets: [before.id],
    gains: powerGain(before, after, context.multipleRoles),
    facts: { users: 1 },
    audit: [entry],
  };
}

/** Roles as `key` or `key=scope`, highest precedence first. */
export function roleLabels(user: UserRecord): string[] {
  return rolesByPrecedence(user).map((role) => roleLabel(role.key, role.scope));
}
