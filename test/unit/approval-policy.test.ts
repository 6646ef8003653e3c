import { describe, expect, it } from 'vitest';
import { isMandatory, onlyAdminsDecide, requiredApproval } from '../../src/domain/changes/approval-policy';
import { loadCatalog, presetPath } from '../../src/domain/roles/catalog';

const standard = loadCatalog().catalog.policy.approvals;
const partners = loadCatalog(presetPath('partners')).catalog.policy.approvals;
const facts = { grantsAdmin: false, users: 1 };

describe('the approval policy', () => {
  it('names delete and revoke by their kind', () => {
    expect(requiredApproval(standard, { ...facts, kind: 'delete' })).toEqual({ action: 'delete', approvals: 1 });
    expect(requiredApproval(standard, { ...facts, kind: 'revoke' })).toEqual({ action: 'revoke', approvals: 1 });
    expect(requiredApproval(standard, { ...facts, kind: 'disable' })).toBeNull();
  });

  it('treats any change that grants admin-plane permissions as grant-admin, whatever its kind', () => {
    for (const kind of ['invite', 'set-roles', 'change-roles', 'bulk-roles', 'perms'] as const) {
      expect(requiredApproval(standard, { kind, grantsAdmin: true, users: 1 })?.action).toBe('grant-admin');
    }
    expect(requiredApproval(standard, { kind: 'invite', grantsAdmin: false, users: 50 })).toBeNull();
  });

  it('asks for passcodes longer than passcodeMaxDays, granted or reset', () => {
    expect(requiredApproval(standard, { ...facts, kind: 'grant-passcode', tenureDays: 30 })).toBeNull();
    expect(requiredApproval(standard, { ...facts, kind: 'grant-passcode', tenureDays: 90 })?.action).toBe('passcode-long');
    expect(requiredApproval(standard, { ...facts, kind: 'reset-passcode', tenureDays: 90 })?.action).toBe('passcode-long');
  });

  it('asks for bulk changes over the threshold only', () => {
    expect(requiredApproval(standard, { kind: 'bulk-roles', grantsAdmin: false, users: 10 })).toBeNull();
    expect(requiredApproval(standard, { kind: 'bulk-roles', grantsAdmin: false, users: 11 })?.action).toBe('bulk');
  });

  it('counts a delete of many users (a filter) as bulk too, so the stricter of the two rules applies', () => {
    const strictBulk = { ...standard, actions: { ...standard.actions, bulk: { approvals: 2 }, delete: { approvals: 1 } } };
    expect(requiredApproval(strictBulk, { kind: 'delete', grantsAdmin: false, users: 11 })).toEqual({
      action: 'bulk',
      approvals: 2,
    });
    expect(requiredApproval(strictBulk, { kind: 'delete', grantsAdmin: false, users: 10 })).toEqual({
      action: 'delete',
      approvals: 1,
    });
    const { delete: _dropped, ...noDeleteRule } = standard.actions;
    expect(
      requiredApproval({ ...standard, actions: noDeleteRule }, { kind: 'delete', grantsAdmin: false, users: 300 })?.action,
    ).toBe('bulk');
  });

  it('with several candidates picks the one needing most approvers (two for Admin in the partners preset)', () => {
    expect(requiredApproval(partners, { kind: 'bulk-roles', grantsAdmin: true, users: 40 })).toEqual({
      action: 'grant-admin',
      approvals: 2,
    });
  });

  it('needs nothing for actions the policy leaves out', () => {
    const none = { ...standard, actions: {} };
    expect(requiredApproval(none, { kind: 'delete', grantsAdmin: true, users: 100, tenureDays: 90 })).toBeNull();
  });

  it('always asks a second Admin to recover ownership from Slack, never on the server console', () => {
    const recovery = requiredApproval(standard, { ...facts, kind: 'recover-owner' });
    expect(recovery).toEqual({ action: 'recover-owner', approvals: 1 });
    expect(isMandatory(recovery as NonNullable<typeof recovery>)).toBe(true);
    expect(requiredApproval({ ...standard, actions: {} }, { ...facts, kind: 'recover-owner' })).toEqual(recovery);
    expect(requiredApproval(standard, { ...facts, kind: 'recover-owner', grantsAdmin: true, fromConsole: true })).toBeNull();
    expect(onlyAdminsDecide('recover-owner')).toBe(true);
    expect(onlyAdminsDecide('revoke')).toBe(false);
  });
});
