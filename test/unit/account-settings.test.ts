import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  catalogFor,
  effectiveSettings,
  PRESET_NAMES,
  parseSettingsChange,
  type SettingsRow,
  settingsDefaults,
} from '../../src/domain/account/account-settings';
import { loadCatalog } from '../../src/domain/roles/catalog';
import { isRosterError } from '../../src/errors';

const { catalog, source } = loadCatalog();
const defaults = settingsDefaults({
  seatLimit: 25,
  inviteTtlHours: 48,
  approvalsChannel: 'C0APPROVE',
  noticesChannel: undefined,
  catalog,
  catalogSource: source,
});
const unset: SettingsRow = {
  seatLimit: null,
  inviteTtlHours: null,
  approvalsChannel: null,
  noticesChannel: null,
  catalogPreset: null,
};

function fieldError(input: Record<string, unknown>): { field?: string; message: string } {
  try {
    parseSettingsChange({ version: 1, ...input });
  } catch (error) {
    if (!isRosterError(error)) throw error;
    return { field: error.field, message: error.message };
  }
  throw new Error('expected a refusal');
}

describe('account settings', () => {
  it('lists exactly the presets shipped in config/presets', () => {
    const files = readdirSync('config/presets').map((f) => f.replace(/\.yaml$/, ''));
    expect([...PRESET_NAMES].sort()).toEqual(files.sort());
    for (const name of PRESET_NAMES) expect(catalogFor(name, defaults).roles.length).toBeGreaterThan(0);
    expect(catalogFor(null, defaults)).toBe(catalog);
  });

  it('takes the deployment default wherever the account sets nothing', () => {
    expect(defaults.catalogName).toBe('standard');
    expect(effectiveSettings(unset, defaults)).toEqual({
      seatLimit: 25,
      inviteTtlHours: 48,
      approvalsChannel: 'C0APPROVE',
      noticesChannel: undefined,
      catalogPreset: null,
    });
    expect(
      effectiveSettings(
        {
          seatLimit: 20,
          inviteTtlHours: 12.5,
          approvalsChannel: 'G0PRIVATE',
          noticesChannel: 'C0NOTICE',
          catalogPreset: 'partners',
        },
        defaults,
      ),
    ).toEqual({
      seatLimit: 20,
      inviteTtlHours: 12.5,
      approvalsChannel: 'G0PRIVATE',
      noticesChannel: 'C0NOTICE',
      catalogPreset: 'partners',
    });
    // A preset no longer shipped is not fatal: the deployment's catalog applies.
    expect(effectiveSettings({ ...unset, catalogPreset: 'gone' }, defaults).catalogPreset).toBeNull();
  });

  it('parses form text: numbers, empty for the default, absent for unchanged', () => {
    expect(
      parseSettingsChange({
        version: 3,
        seatLimit: ' 30 ',
        inviteTtlHours: '1.5',
        approvalsChannel: '',
        noticesChannel: 'C0NOTICES',
        catalogPreset: 'products',
      }),
    ).toEqual({
      version: 3,
      seatLimit: 30,
      inviteTtlHours: 1.5,
      approvalsChannel: null,
      noticesChannel: 'C0NOTICES',
      catalogPreset: 'products',
    });
    expect(parseSettingsChange({ version: 1, seatLimit: null, catalogPreset: null })).toEqual({
      version: 1,
      seatLimit: null,
      catalogPreset: null,
    });
    expect(parseSettingsChange({ version: 1, seatLimit: 100_000, inviteTtlHours: 2160 })).toMatchObject({
      seatLimit: 100_000,
      inviteTtlHours: 2160,
    });
  });

  it('refuses bad values naming the field', () => {
    for (const seatLimit of ['0', '-1', '2.5', 'ten', '100001']) {
      expect(fieldError({ seatLimit })).toMatchObject({ field: 'seatLimit', message: expect.stringContaining('Seat limit') });
    }
    for (const inviteTtlHours of ['0', '-2', 'two days', '2161']) {
      expect(fieldError({ inviteTtlHours })).toMatchObject({
        field: 'inviteTtlHours',
        message: expect.stringContaining('Invite'),
      });
    }
    expect(fieldError({ approvalsChannel: '#general' })).toMatchObject({
      field: 'approvalsChannel',
      message: expect.stringContaining('Approvals channel'),
    });
    expect(fieldError({ noticesChannel: 'U0PERSON1' })).toMatchObject({ field: 'noticesChannel' });
    expect(fieldError({ catalogPreset: 'enterprise' })).toMatchObject({
      field: 'catalogPreset',
      message: expect.stringContaining('standard, products, partners'),
    });
  });

  it('refuses a form without its version as out of date, on no field', () => {
    try {
      parseSettingsChange({ seatLimit: '10' });
      expect.fail('expected a refusal');
    } catch (error) {
      expect(isRosterError(error) && error.code).toBe('invalid_state');
      expect(isRosterError(error) && error.field).toBeUndefined();
    }
  });
});
