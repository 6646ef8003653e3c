/** Every approval decision in one pure function (issue 21): the SCIM branch, approvals off, self-grants. */
import { describe, expect, it } from 'vitest';
import { decideApproval, passcodeWaits, refuseSelfGrant } from '../../src/domain/changes/approval-policy';
import type { Policy } from '../../src/domain/roles/catalog';

const policy: Policy['approvals'] = {
  ttlHours: 24,
  passcodeMaxDays: 30,
  bulkThreshold: 10,
  actions: { 'grant-admin': { approvals: 1 }, revoke: { approvals: 2 }, 'passcode-long': { approvals: 1 } },
};
const gain = { userId: 'u2', email: 'b@example.com', added: ['users:manage'] };
const asker = (source: string, approvalsEnabled = true) => ({ userId: 'u1', source, approvalsEnabled });

describe('decideApproval', () => {
  it('asks for the approval the policy names, the one needing most approvers first', () => {
    expect(decideApproval(policy, asker('command'), { kind: 'revoke', grantsAdmin: false, users: 1 }, [])).toEqual({
      action: 'revoke',
      approvals: 2,
    });
    expect(decideApproval(policy, asker('command'), { kind: 'change-roles', grantsAdmin: false, users: 1 }, [gain])).toEqual({
      action: 'grant-admin',
      approvals: 1,
    });
    expect(decideApproval(policy, asker('command'), { kind: 'edit', grantsAdmin: false, users: 1 }, [])).toBeNull();
  });

  it('never makes the identity provider wait, and refuses it admin power', () => {
    expect(decideApproval(policy, asker('scim'), { kind: 'scim-user', grantsAdmin: false, users: 1 }, [])).toBeNull();
    expect(() => decideApproval(policy, asker('scim'), { kind: 'scim-user', grantsAdmin: false, users: 1 }, [gain])).toThrow(
      'Admin powers cannot be granted over SCIM (b@example.com)',
    );
  });

  it('with approvals off, skips what may be skipped and refuses what may not', () => {
    expect(decideApproval(policy, asker('command', false), { kind: 'revoke', grantsAdmin: false, users: 1 }, [])).toBeNull();
    expect(() =>
      decideApproval(policy, asker('command', false), { kind: 'recover-owner', grantsAdmin: false, users: 1 }, []),
    ).toThrow('approvals are off');
    expect(
      decideApproval(policy, asker('console', false), { kind: 'recover-owner', grantsAdmin: false, users: 1 }, []),
    ).toBeNull();
  });

  it('refuses a self-grant on every run, and says beforehand whether a passcode will wait', () => {
    expect(() => refuseSelfGrant('u2', [gain])).toThrow('You cannot give yourself `users:manage`');
    expect(() => refuseSelfGrant('u1', [gain])).not.toThrow();
    expect(passcodeWaits(policy, true, 90)).toBe(true);
    expect(passcodeWaits(policy, true, 7)).toBe(false);
    expect(passcodeWaits(policy, false, 90)).toBe(false);
  });
});
