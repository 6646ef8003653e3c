/**
 * Reading an account's settings, and submitting the owner's change to them. Admins who see the
 * directory may read them; only the account owner changes them, through the change layer (the
 * `settings` change kind), which checks them against the directory as it is under the account lock.
 */
import { getAccountSettingsView } from '../../store/accounts/account-reads';
import type { Store } from '../../store/tx';
import { type Actor, requirePermission } from '../access/actor';
import type { ChangeService, Submission } from '../changes/change-service';
import { onlyOwner, type SettingsResult } from '../changes/settings-change';
import { countSeats } from '../directory/directory-service';
import {
  type AccountSettings,
  effectiveSettings,
  planSeatsOf,
  type SettingsChange,
  type SettingsDefaults,
  type SettingsRow,
} from './account-settings';

export type { SettingsResult };

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
  /** The seats of the account's plan (the operator's, else SEAT_LIMIT): the highest seat limit the owner may set. */
  planSeats: number;
}

/** Seats used and the limit in force, with the plan behind it and where to buy more: `/users seats`. */
export interface PlanSeats {
  used: number;
  limit: number;
  plan: number;
  upgradeUrl?: string;
}

export type SettingsService = ReturnType<typeof createSettingsService>;

export function createSettingsService(deps: {
  prisma: Store;
  accountId: string;
  defaults: SettingsDefaults;
  changes: Pick<ChangeService, 'submit'>;
}) {
  const { prisma, accountId, defaults } = deps;

  return {
    /** The settings, for anyone who may see the directory. */
    async get(reader: Actor): Promise<SettingsView> {
      requirePermission(reader, 'users:view');
      const row = await getAccountSettingsView(prisma, accountId);
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
        planSeats: planSeatsOf(row, defaults),
      };
    },

    /** Seats used, the limit in force and the plan's seats, for anyone who may see the directory. */
    async seats(reader: Actor): Promise<PlanSeats> {
      requirePermission(reader, 'users:view');
      const row = await getAccountSettingsView(prisma, accountId);
      return {
        used: await countSeats(prisma, accountId),
        limit: effectiveSettings(row, defaults).seatLimit,
        plan: planSeatsOf(row, defaults),
        upgradeUrl: defaults.upgradeUrl,
      };
    },

    /** Refuses, naming the owner, unless `actor` owns the account. */
    async requireOwner(actor: Actor): Promise<void> {
      const { owner } = await getAccountSettingsView(prisma, accountId);
      if (!actor.userId || owner?.id !== actor.userId) throw onlyOwner(owner);
    },

    /**
     * Submits the owner's change: fields absent are kept, null ones go back to the deployment's default.
     * Refused when someone saved since `change.version` (stale), when the seat limit would fall below
     * the seats in use or rise past the plan's, or when a new catalog lacks a role someone holds; a catalog that gives someone
     * admin power waits for the approval granting Admin needs.
     */
    update(actor: Actor, change: SettingsChange): Promise<Submission<SettingsResult>> {
      const { version, ...set } = change;
      return deps.changes.submit(actor, { kind: 'settings', version, set });
    },
  };
}
