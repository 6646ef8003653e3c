/**
 * The owner's change to the account's settings (App Home): seat limit, invite validity, channels and
 * the role catalog. Only the owner may make it, conditional on the settings version they saw. A new
 * catalog changes what held roles grant, so it is a change to the people who hold them: their
 * versions are bumped, and anyone it gives admin power needs the approval granting Admin needs.
 */
import { fail, RosterError } from '../../errors';
import { findAccountSettings } from '../../store/accounts/account-reads';
import { saveAccountSettings } from '../../store/accounts/account-writes';
import { deletePermissionsByKeys, deleteRolesByIds } from '../../store/roles/catalog-writes';
import { findPermissionKeysOutside, findRoleGrants, findRolesOutside } from '../../store/roles/role-reads';
import { findExtraPermissionsHolding, findRoleHolders } from '../../store/users/user-reads';
import { effectivePermissions } from '../access/effective-permissions';
import {
  type AccountSettings,
  catalogFor,
  effectiveSettings,
  type PlannedRow,
  planSeatsOf,
  SETTING_KEYS,
  type SettingKey,
} from '../account/account-settings';
import { applyCatalog } from '../account/apply-catalog';
import { countSeats } from '../directory/directory-service';
import { addedAdminPower, adminPowerOf } from '../roles/admin-power';
import type { Catalog } from '../roles/catalog';
import { holdingsInForce, type MultipleRoles } from '../roles/precedence';
import type { ChangeContext, ChangeHandler, PowerGain } from './change-handler';

/** What a saved change did: each changed setting's account value before and after (null: the default). */
export interface SettingsResult {
  changed: { key: SettingKey; before: string | number | null; after: string | number | null }[];
  effective: AccountSettings;
  version: number;
}

/** The refusal anyone but the owner gets, naming the owner. */
export function onlyOwner(owner: { email: string } | null): RosterError {
  return fail.forbidden(
    owner
      ? `Only the account owner (${owner.email}) can change its settings. Ask them to.`
      : 'Only the account owner can change its settings, and the account has none. Recover ownership first.',
  );
}

/** The refusal of a seat limit above the plan's: the owner may lower the limit, only a new plan raises it. */
export function pastThePlan(plan: number, upgradeUrl: string | undefined): RosterError {
  return new RosterError(
    'seat_limit',
    `Seat limit can be at most ${plan}, the seats of the account's plan. For more, upgrade the plan or buy a seat top-up${upgradeUrl ? ` at ${upgradeUrl}` : ''}.`,
    { field: 'seatLimit' },
  );
}

export const settings: ChangeHandler<'settings', SettingsResult> = {
  // Not a permission: only the owner, checked against the account row under the lock.
  permissions: () => [],
  async apply(context, change) {
    const { tx, accountId, actor } = context;
    const defaults = context.settingsDefaults;
    const before = await findAccountSettings(tx, accountId);
    if (!actor.userId || before.owner?.id !== actor.userId) throw onlyOwner(before.owner);
    if (before.settingsVersion !== change.version) {
      throw new RosterError(
        'stale',
        'The settings were changed since you opened them; nothing was saved. Open Settings again to see them.',
      );
    }
    const changed = SETTING_KEYS.flatMap((key) => {
      const next = change.set[key];
      return next !== undefined && next !== before[key] ? [{ key, before: before[key], after: next }] : [];
    });
    const after: PlannedRow = { ...before };
    for (const { key, after: value } of changed) Object.assign(after, { [key]: value });
    const effective = effectiveSettings(after, defaults);
    const base = { stored: change, targets: [], facts: { users: 0 } };
    if (changed.length === 0) {
      return {
        ...base,
        result: { changed, effective, version: before.settingsVersion },
        summary: 'Change nothing in the settings.',
        outcome: 'Nothing to save.',
        touched: [],
        gains: [],
        audit: [],
      };
    }
    if (changed.some((c) => c.key === 'seatLimit')) {
      const plan = planSeatsOf(before, defaults);
      if (after.seatLimit !== null && after.seatLimit > plan) throw pastThePlan(plan, defaults.upgradeUrl);
      const used = await countSeats(tx, accountId);
      if (effective.seatLimit < used) {
        throw new RosterError(
          'seat_limit',
          `${used} seats are in use, so the seat limit cannot be ${effective.seatLimit}. Choose ${used} or more, or free seats first (revoke or delete users).`,
          { field: 'seatLimit' },
        );
      }
    }
    const switched = changed.some((c) => c.key === 'catalogPreset')
      ? await switchCatalog(context, catalogFor(effective.catalogPreset, defaults))
      : { touched: [], gains: [] };
    // Conditional on the version read under the lock: a writer without it still cannot overwrite a change it has not seen.
    const written = await saveAccountSettings(tx, accountId, change.version, {
      seatLimit: after.seatLimit,
      inviteTtlHours: after.inviteTtlHours,
      approvalsChannel: after.approvalsChannel,
      noticesChannel: after.noticesChannel,
      catalogPreset: after.catalogPreset,
    });
    if (written !== 1) {
      throw new RosterError('stale', 'The settings were changed meanwhile; nothing was saved. Open Settings again.');
    }
    const described = changed.map((c) => `${c.key} ${c.before ?? 'default'} → ${c.after ?? 'default'}`).join(', ');
    return {
      ...base,
      result: { changed, effective, version: change.version + 1 },
      summary: `Change the settings: ${described}.`,
      outcome: `Settings changed: ${described}.`,
      touched: switched.touched,
      gains: switched.gains,
      audit: [
        {
          action: 'account.settings',
          before: Object.fromEntries(changed.map((c) => [c.key, c.before])),
          after: Object.fromEntries(changed.map((c) => [c.key, c.after])),
        },
      ],
      // Every replica rebuilds this account's services over the new settings.
      deliver: async (result) => {
        context.settingsChanged(accountId);
        return result;
      },
    };
  },
};

/**
 * Switches the account to another catalog: roles it lacks go unless someone holds one (refused,
 * naming them); permissions it lacks go unless someone holds one as an extra. Returns the people
 * whose permissions it changes, and the admin power it gives them.
 */
async function switchCatalog(context: ChangeContext, catalog: Catalog): Promise<{ touched: string[]; gains: PowerGain[] }> {
  const { tx, accountId } = context;
  const keys = catalog.roles.map((role) => role.key);
  const gone = await findRolesOutside(tx, accountId, keys);
  const held = gone.filter((role) => role._count.holders > 0);
  if (held.length > 0) {
    throw fail.conflict(
      `People hold roles the new catalog does not have, so it was not applied: ${held
        .map((role) => `${role.key} (${role._count.holders})`)
        .join(', ')}. Give them other roles first, then change the catalog.`,
      { field: 'catalogPreset' },
    );
  }
  const policyChanged = catalog.policy.multipleRoles !== context.multipleRoles;
  const oldRoles = await findRoleGrants(tx, accountId);
  const changedRoles = oldRoles.filter((role) => {
    const next = catalog.roles.find((r) => r.key === role.key);
    return (
      next && (next.precedence !== role.precedence || [...next.permissions].sort().join() !== [...role.permissions].sort().join())
    );
  });
  // Only the holders of what changes are read: the whole directory only when how roles combine changes.
  const affected = policyChanged ? 'any' : changedRoles.length > 0 ? changedRoles.map((r) => r.id) : null;
  const load = () => (affected ? findRoleHolders(tx, accountId, affected) : Promise.resolve([]));
  const beforeUsers = await load();

  await applyCatalog(tx, accountId, catalog);
  if (gone.length > 0)
    await deleteRolesByIds(
      tx,
      gone.map((role) => role.id),
    );
  const staleKeys = await findPermissionKeysOutside(
    tx,
    accountId,
    catalog.permissions.map((p) => p.key),
  );
  if (staleKeys.length > 0) {
    const holders = await findExtraPermissionsHolding(tx, accountId, staleKeys);
    const kept = new Set(holders.flatMap((user) => user.extraPermissions));
    await deletePermissionsByKeys(
      tx,
      accountId,
      staleKeys.filter((key) => !kept.has(key)),
    );
  }

  const afterUsers = new Map((await load()).map((user) => [user.id, user]));
  const touched: string[] = [];
  const gains: PowerGain[] = [];
  const permissionsOf = (user: (typeof beforeUsers)[number], policy: MultipleRoles) =>
    [
      ...effectivePermissions(
        user.roles.map(({ role }) => role),
        user.extraPermissions,
        policy,
      ),
    ]
      .sort()
      .join();
  const powerOf = (user: (typeof beforeUsers)[number], policy: MultipleRoles) =>
    adminPowerOf(
      holdingsInForce(user.roles, policy).effective.map((h) => h.role),
      user.extraPermissions,
    );
  for (const before of beforeUsers) {
    const after = afterUsers.get(before.id);
    if (!after) continue;
    if (permissionsOf(before, context.multipleRoles) === permissionsOf(after, catalog.policy.multipleRoles)) continue;
    touched.push(before.id);
    const added = addedAdminPower(powerOf(before, context.multipleRoles), powerOf(after, catalog.policy.multipleRoles));
    if (added.length > 0) gains.push({ userId: before.id, email: before.email, added });
  }
  return { touched, gains };
}
