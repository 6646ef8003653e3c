import { describe, expect, it } from 'vitest';
import { effectiveSettings, planSeatsOf, settingsDefaults } from '../../src/domain/account/account-settings';
import { approversNeeded } from '../../src/domain/changes/approval-policy';
import { loadCatalog } from '../../src/domain/roles/catalog';
import { seatsMessage } from '../../src/slack/views/seats-message';

const { catalog, source } = loadCatalog();
const defaults = settingsDefaults({ seatLimit: 25, inviteTtlHours: 48, catalog, catalogSource: source });
const row = { seatLimit: null, inviteTtlHours: null, approvalsChannel: null, noticesChannel: null, catalogPreset: null };

describe('seats are the plan’s', () => {
  it('the limit is the plan’s (SEAT_LIMIT without one), or the owner’s own where lower, never above the plan', () => {
    expect(planSeatsOf({ planSeats: null }, defaults)).toBe(25);
    expect(effectiveSettings(row, defaults).seatLimit).toBe(25);
    expect(effectiveSettings({ ...row, planSeats: 40 }, defaults).seatLimit).toBe(40);
    expect(effectiveSettings({ ...row, planSeats: 40, seatLimit: 30 }, defaults).seatLimit).toBe(30);
    // An owner's limit set before the plan existed (or above a lowered plan) does not raise it.
    expect(effectiveSettings({ ...row, seatLimit: 1000 }, defaults).seatLimit).toBe(25);
    expect(effectiveSettings({ ...row, planSeats: 10, seatLimit: 30 }, defaults).seatLimit).toBe(10);
  });

  it('/users seats says to upgrade when full, as a link only with UPGRADE_URL, and names the plan', () => {
    const full = { used: 5, limit: 5, plan: 5 };
    expect(seatsMessage(full).text).toContain('No seats free: upgrade the plan or buy a seat top-up, or revoke');
    expect(seatsMessage(full).text).not.toContain('<');
    expect(seatsMessage({ ...full, upgradeUrl: 'https://b.example.com/up' }).text).toContain(
      'No seats free: <https://b.example.com/up|upgrade the plan or buy a seat top-up>',
    );
    expect(seatsMessage({ used: 2, limit: 3, plan: 10 }).text).toContain('1 seat free.');
    expect(seatsMessage({ used: 2, limit: 3, plan: 10 }).text).toContain('The plan has 10 seats; the owner keeps the limit at 3');
  });

  it('the approvers a policy needs: its largest count, recovering ownership left out, 0 for none', () => {
    expect(approversNeeded(catalog.policy.approvals)).toBe(1);
    expect(approversNeeded({ actions: { delete: { approvals: 2 }, revoke: { approvals: 1 } } })).toBe(2);
    expect(approversNeeded({ actions: { 'recover-owner': { approvals: 2 } } })).toBe(0);
    expect(approversNeeded({ actions: {} })).toBe(0);
  });
});
