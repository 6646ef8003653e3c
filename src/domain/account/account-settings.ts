/**
 * An account's settings: what the owner may change from App Home, what each setting falls back to
 * when the account leaves it unset (the deployment's environment), and the rules a change must meet.
 */
import path from 'node:path';
import { z } from 'zod';
import { fail } from '../../errors';
import type { Account } from '../../store/records';
import { type Catalog, loadCatalog, PRESETS, presetPath } from '../roles/catalog';

/** The role catalog presets an account may choose (the files of config/presets). */
export const PRESET_NAMES = PRESETS;
export type PresetName = (typeof PRESET_NAMES)[number];

/** The settings in force for an account. */
export interface AccountSettings {
  seatLimit: number;
  inviteTtlHours: number;
  /** Unset: approvals are off. */
  approvalsChannel?: string;
  /** Unset: notices only in App Home. */
  noticesChannel?: string;
  /** A shipped preset, or null for the deployment's own catalog (ROSTER_CONFIG). */
  catalogPreset: PresetName | null;
}

/**
 * The deployment's values (its environment), in force wherever an account sets nothing. `seatLimit`
 * (SEAT_LIMIT) is also the plan of every account the operator has not given one.
 */
export interface SettingsDefaults extends AccountSettings {
  catalogPreset: null;
  /** Where an account buys more seats (UPGRADE_URL); unset: messages only say to upgrade. */
  upgradeUrl?: string;
  /** The deployment's catalog, which an account without a preset uses. */
  catalog: Catalog;
  /** How people know the deployment's catalog: its file name without the extension, e.g. "standard". */
  catalogName: string;
}

/** The settings columns of an account row; null means "the deployment's default". */
export type SettingsRow = Pick<Account, 'seatLimit' | 'inviteTtlHours' | 'approvalsChannel' | 'noticesChannel' | 'catalogPreset'>;

/** An account row as the seat limit reads it: its settings and the plan's seats the operator set (null or absent: SEAT_LIMIT). */
export type PlannedRow = SettingsRow & { planSeats?: number | null };

/** The setting names, in the order forms and the audit trail show them. */
export const SETTING_KEYS = ['seatLimit', 'inviteTtlHours', 'approvalsChannel', 'noticesChannel', 'catalogPreset'] as const;
export type SettingKey = (typeof SETTING_KEYS)[number];

/** How people name each setting, in messages and field errors. */
export const SETTING_LABELS: Record<SettingKey, string> = {
  seatLimit: 'Seat limit',
  inviteTtlHours: 'Invite valid for (hours)',
  approvalsChannel: 'Approvals channel',
  noticesChannel: 'Notices channel',
  catalogPreset: 'Role catalog',
};

/** The defaults from the validated configuration. */
export function settingsDefaults(config: {
  seatLimit: number;
  inviteTtlHours: number;
  approvalsChannel?: string;
  noticesChannel?: string;
  catalog: Catalog;
  catalogSource: string;
  upgradeUrl?: string;
}): SettingsDefaults {
  return {
    upgradeUrl: config.upgradeUrl,
    seatLimit: config.seatLimit,
    inviteTtlHours: config.inviteTtlHours,
    approvalsChannel: config.approvalsChannel,
    noticesChannel: config.noticesChannel,
    catalogPreset: null,
    catalog: config.catalog,
    catalogName: path.basename(config.catalogSource).replace(/\.(ya?ml|json)$/i, ''),
  };
}

export function isPresetName(value: string | null | undefined): value is PresetName {
  return (PRESET_NAMES as readonly string[]).includes(value ?? '');
}

/** The seats of the account's plan: what the operator set, else the deployment's SEAT_LIMIT. */
export function planSeatsOf(row: { planSeats?: number | null }, defaults: Pick<SettingsDefaults, 'seatLimit'>): number {
  return row.planSeats ?? defaults.seatLimit;
}

/** The seat limit in force: the plan's, or the owner's own where lower (an owner may lower it, never raise it past the plan). */
export function seatLimitOf(
  row: { seatLimit: number | null; planSeats?: number | null },
  defaults: Pick<SettingsDefaults, 'seatLimit'>,
): number {
  const plan = planSeatsOf(row, defaults);
  return Math.min(row.seatLimit ?? plan, plan);
}

/** An account's settings in force: its own where it has set one, else the deployment's (the seat limit: `seatLimitOf`). */
export function effectiveSettings(row: PlannedRow, defaults: SettingsDefaults): AccountSettings {
  return {
    seatLimit: seatLimitOf(row, defaults),
    inviteTtlHours: row.inviteTtlHours ?? defaults.inviteTtlHours,
    approvalsChannel: row.approvalsChannel ?? defaults.approvalsChannel,
    noticesChannel: row.noticesChannel ?? defaults.noticesChannel,
    // A name no longer shipped falls back to the deployment's catalog rather than failing every request.
    catalogPreset: isPresetName(row.catalogPreset) ? row.catalogPreset : null,
  };
}

const presetCatalogs = new Map<PresetName, Catalog>();

/** The role catalog an account uses: its preset's (read once per process), or the deployment's. */
export function catalogFor(preset: PresetName | null, defaults: Pick<SettingsDefaults, 'catalog'>): Catalog {
  if (!preset) return defaults.catalog;
  let catalog = presetCatalogs.get(preset);
  if (!catalog) {
    catalog = loadCatalog(presetPath(preset)).catalog;
    presetCatalogs.set(preset, catalog);
  }
  return catalog;
}

/** Form text: empty means "unset", i.e. the deployment's default. */
const blank = (value: unknown) =>
  value === undefined ? undefined : value === null || String(value).trim() === '' ? null : value;
const trimmed = (value: unknown) => (typeof value === 'string' ? value.trim() : value);

const seatLimit = z.preprocess((value) => {
  const v = blank(trimmed(value));
  return typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v;
}, z
  .number({ error: "Seat limit must be a whole number from 1 to 100000, or empty for the plan's seats." })
  .int("Seat limit must be a whole number from 1 to 100000, or empty for the plan's seats.")
  .min(1, 'Seat limit must be at least 1.')
  .max(100_000, 'Seat limit can be at most 100000.')
  .nullable()
  .optional());

const inviteTtlHours = z.preprocess((value) => {
  const v = blank(trimmed(value));
  return typeof v === 'string' && /^\d+(\.\d+)?$/.test(v) ? Number(v) : v;
}, z
  .number({ error: 'Invite validity must be a number of hours such as 48, or empty for the default.' })
  .positive('Invite validity must be more than 0 hours.')
  .max(2160, 'Invite validity can be at most 2160 hours (90 days).')
  .nullable()
  .optional());

const channel = (label: string) =>
  z.preprocess(
    (value) => blank(trimmed(value)),
    z
      .string({ error: `${label} must be a channel.` })
      .regex(/^[CGD][A-Z0-9]{6,}$/, `${label} must be a Slack channel ID such as C0123456789, or empty for the default.`)
      .nullable()
      .optional(),
  );

const catalogPreset = z.preprocess(
  (value) => blank(value),
  z
    .enum(PRESET_NAMES, { error: `Role catalog must be one of ${PRESET_NAMES.join(', ')}, or the deployment default.` })
    .nullable()
    .optional(),
);

/**
 * A settings change: each field is a new value, null for "back to the deployment's default", or
 * absent for "unchanged"; `version` is the settings version the form was opened with.
 */
export const settingsChangeSchema = z.object({
  version: z.number().int().min(1),
  seatLimit,
  inviteTtlHours,
  approvalsChannel: channel('Approvals channel'),
  noticesChannel: channel('Notices channel'),
  catalogPreset,
});

export type SettingsChange = z.infer<typeof settingsChangeSchema>;

/** Parses a change from the edge; the error names the first field at fault (`field` is its setting key). */
export function parseSettingsChange(input: unknown): SettingsChange {
  const parsed = settingsChangeSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = String(issue?.path[0] ?? '');
  if (field === 'version' || !issue)
    throw fail.invalidState('This form is out of date; nothing was changed. Open Settings again.');
  throw fail.badInput(issue.message, { field });
}
