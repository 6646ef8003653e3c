/**
 * Reading and changing an account's settings. Admins who see the directory may read them; only the
 * account owner changes them, under the account lock, checked against the directory as it is (seats
 * in use, roles people hold), conditional on the version the owner saw, and audited.
 */
import { fail, RosterError } from '../../errors';
import type { PrismaClient } from '../../store/generated/client';
import { type Db, lockAccount } from '../../store/tx';
import { type Actor, requirePermission } from '../access/actor';
import type { AuditService } from '../audit/audit-service';
import type { Clock } from '../clock';
import { countSeats } from '../directory/directory-service';
import type { Catalog } from '../roles/catalog';
import {
  type AccountSettings,
  catalogFor,
  effectiveSettings,
  SETTING_KEYS,
  type SettingKey,
  type SettingsChange,
  type SettingsDefaults,
  type SettingsRow,
} from './account-settings';
import { applyCatalog } from './apply-catalog';

/** What the Settings form shows: each setting as the account set it (null: the default), in force, and by default. */
export interface SettingsView {
  /** The account's own values; null where it uses the deployment's default. */
  own: SettingsRow;
  effective: AccountSettings;
  defaults: SettingsDefaults;
  /** The version a change must name, so that a form saved over a newer change is refused. */
  version: number;
  owner: { id: string; email: string } | null;
  /** Whether the reader owns the account, and so may change the settings. */
  isOwner: boolean;
  slug: string | null;
  teamId: string | null;
  seatsUsed: number;
}

/** What a saved change did: each changed setting's account value before and after (null: the default). */
export interface SettingsResult {
  changed: { key: SettingKey; before: string | number | null; after: string | number | null }[];
  effective: AccountSettings;
  version: number;
}

export type SettingsService = ReturnType<typeof createSettingsService>;

export function createSettingsService(deps: {
  prisma: PrismaClient;
  accountId: string;
  clock: Clock;
  audit: AuditService;
  defaults: SettingsDefaults;
  /** Told after a change commits, e.g. so that the account's services are rebuilt with the new settings. */
  onChange?: (accountId: string) => void;
}) {
  const { prisma, accountId, defaults } = deps;

  async function account(db: Db) {
    return db.account.findUniqueOrThrow({
      where: { id: accountId },
      select: {
        seatLimit: true,
        inviteTtlHours: true,
        approvalsChannel: true,
        noticesChannel: true,
        catalogPreset: true,
        settingsVersion: true,
        slug: true,
        slackTeamId: true,
        slackEnterpriseId: true,
        owner: { select: { id: true, email: true } },
      },
    });
  }

  function onlyOwner(owner: { email: string } | null): RosterError {
    return fail.forbidden(
      owner
        ? `Only the account owner (${owner.email}) can change its settings. Ask them to.`
        : 'Only the account owner can change its settings, and the account has none. Recover ownership first.',
    );
  }

  /**
   * Roles of the account's current catalog that the new one lacks: refused when anyone holds one
   * (naming them, with how many hold each), else removed once the new catalog is applied.
   */
  async function vanishingRoles(tx: Db, catalog: Catalog): Promise<string[]> {
    const keys = catalog.roles.map((role) => role.key);
    const gone = await tx.role.findMany({
      where: { accountId, key: { notIn: keys } },
      select: { id: true, key: true, _count: { select: { holders: true } } },
      orderBy: { key: 'asc' },
    });
    const held = gone.filter((role) => role._count.holders > 0);
    if (held.length > 0) {
      throw fail.conflict(
        `People hold roles the new catalog does not have, so it was not applied: ${held
          .map((role) => `${role.key} (${role._count.holders})`)
          .join(', ')}. Give them other roles first, then change the catalog.`,
        { field: 'catalogPreset' },
      );
    }
    return gone.map((role) => role.id);
  }

  /** Switches the account to another catalog: roles and permissions it lacks go, unless someone holds them. */
  async function switchCatalog(tx: Db, catalog: Catalog): Promise<void> {
    const goneRoles = await vanishingRoles(tx, catalog);
    await applyCatalog(tx, accountId, catalog);
    if (goneRoles.length > 0) await tx.role.deleteMany({ where: { id: { in: goneRoles } } });
    // A permission someone still holds as an extra keeps its row, so their grant still reads as a known one.
    const stale = await tx.permission.findMany({
      where: { accountId, key: { notIn: catalog.permissions.map((p) => p.key) } },
      select: { key: true },
    });
    const staleKeys = stale.map((p) => p.key);
    if (staleKeys.length === 0) return;
    const held = await tx.user.findMany({
      where: { accountId, extraPermissions: { hasSome: staleKeys } },
      select: { extraPermissions: true },
    });
    const kept = new Set(held.flatMap((user) => user.extraPermissions));
    await tx.permission.deleteMany({ where: { accountId, key: { in: staleKeys.filter((key) => !kept.has(key)) } } });
  }

  return {
    /** The settings, for anyone who may see the directory. */
    async get(reader: Actor): Promise<SettingsView> {
      requirePermission(reader, 'users:view');
      const row = await account(prisma);
      const { seatLimit, inviteTtlHours, approvalsChannel, noticesChannel, catalogPreset } = row;
      return {
        own: { seatLimit, inviteTtlHours, approvalsChannel, noticesChannel, catalogPreset },
        effective: effectiveSettings(row, defaults),
        defaults,
        version: row.settingsVersion,
        owner: row.owner,
        isOwner: !!reader.userId && row.owner?.id === reader.userId,
        slug: row.slug,
        teamId: row.slackTeamId ?? row.slackEnterpriseId,
        seatsUsed: await countSeats(prisma, accountId),
      };
    },

    /** Refuses, naming the owner, unless `actor` owns the account. */
    async requireOwner(actor: Actor): Promise<void> {
      const { owner } = await account(prisma);
      if (!actor.userId || owner?.id !== actor.userId) throw onlyOwner(owner);
    },

    /**
     * Saves the owner's change: fields absent are kept, null ones go back to the deployment's default.
     * Refused when someone saved since `change.version` (stale), when the seat limit would fall below
     * the seats in use, or when a new catalog lacks a role someone holds; nothing is written then.
     */
    async update(actor: Actor, change: SettingsChange): Promise<SettingsResult> {
      const result = await prisma.$transaction(async (tx) => {
        await lockAccount(tx, accountId);
        const before = await account(tx);
        if (!actor.userId || before.owner?.id !== actor.userId) throw onlyOwner(before.owner);
        if (before.settingsVersion !== change.version) {
          throw new RosterError(
            'stale',
            'The settings were changed since you opened them; nothing was saved. Open Settings again to see them.',
          );
        }
        const changed = SETTING_KEYS.flatMap((key) => {
          const next = change[key];
          return next !== undefined && next !== before[key] ? [{ key, before: before[key], after: next }] : [];
        });
        if (changed.length === 0) {
          return { changed, effective: effectiveSettings(before, defaults), version: before.settingsVersion };
        }
        const after: SettingsRow = { ...before };
        for (const { key, after: value } of changed) Object.assign(after, { [key]: value });
        const effective = effectiveSettings(after, defaults);

        if (changed.some((c) => c.key === 'seatLimit')) {
          const used = await countSeats(tx, accountId);
          if (effective.seatLimit < used) {
            throw new RosterError(
              'seat_limit',
              `${used} seats are in use, so the seat limit cannot be ${effective.seatLimit}. Choose ${used} or more, or free seats first (revoke or delete users).`,
              { field: 'seatLimit' },
            );
          }
        }
        if (changed.some((c) => c.key === 'catalogPreset')) {
          await switchCatalog(tx, catalogFor(effective.catalogPreset, defaults));
        }

        // Conditional on the version read under the lock: a second writer without the lock (or a replica
        // on a store where the lock is a no-op) still cannot overwrite a change it has not seen.
        const written = await tx.account.updateMany({
          where: { id: accountId, settingsVersion: change.version },
          data: {
            seatLimit: after.seatLimit,
            inviteTtlHours: after.inviteTtlHours,
            approvalsChannel: after.approvalsChannel,
            noticesChannel: after.noticesChannel,
            catalogPreset: after.catalogPreset,
            settingsVersion: { increment: 1 },
          },
        });
        if (written.count !== 1) {
          throw new RosterError('stale', 'The settings were changed meanwhile; nothing was saved. Open Settings again.');
        }
        await deps.audit.record(tx, actor, {
          action: 'account.settings',
          before: Object.fromEntries(changed.map((c) => [c.key, c.before])),
          after: Object.fromEntries(changed.map((c) => [c.key, c.after])),
        });
        return { changed, effective, version: change.version + 1 };
      });
      if (result.changed.length > 0) deps.onChange?.(accountId);
      return result;
    },
  };
}
