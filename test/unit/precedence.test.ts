import { describe, expect, it } from 'vitest';
import { effectivePermissions } from '../../src/domain/access/effective-permissions';
import { addedAdminPower, adminPowerOf } from '../../src/domain/roles/admin-power';
import { loadCatalog, presetPath } from '../../src/domain/roles/catalog';
import { holdingsInForce, rolesInForce } from '../../src/domain/roles/precedence';

const role = (key: string, precedence: number, permissions: string[] = [], product: string | null = null) => ({
  key,
  precedence,
  permissions,
  product,
});
const admin = role('admin', 100, ['*']);
const editor = role('editor', 50, ['content:read', 'content:write']);
const viewer = role('viewer', 10, ['content:read', 'users:view']);
const auditor = role('auditor', 50, ['audit:view']);
const crmEditor = role('crm-editor', 50, ['crm:write'], 'crm');
const crmViewer = role('crm-viewer', 10, ['crm:read'], 'crm');
const analytics = role('analytics-viewer', 10, ['analytics:read'], 'analytics');
const keys = (roles: { key: string }[]) => roles.map((r) => r.key);

describe('rolesInForce', () => {
  it('highest: the directory-wide role of highest precedence wins, the others are overridden', () => {
    const { effective, overridden } = rolesInForce([viewer, editor], 'highest');
    expect(keys(effective)).toEqual(['editor']);
    expect(keys(overridden)).toEqual(['viewer']);
  });

  it('highest: Admin plus a lower role is Admin', () => {
    expect(keys(rolesInForce([viewer, admin, editor], 'highest').effective)).toEqual(['admin']);
  });

  it('highest: roles of equal precedence combine', () => {
    expect(keys(rolesInForce([auditor, editor, viewer], 'highest').effective)).toEqual(['auditor', 'editor']);
  });

  it('highest: each product keeps its own level beside the directory-wide role', () => {
    const { effective, overridden } = rolesInForce([viewer, analytics, crmViewer, editor, crmEditor], 'highest');
    expect(keys(effective)).toEqual(['crm-editor', 'editor', 'analytics-viewer']);
    expect(keys(overridden)).toEqual(['crm-viewer', 'viewer']);
  });

  it('union: every role is in force, highest first', () => {
    const { effective, overridden } = rolesInForce([viewer, editor], 'union');
    expect(keys(effective)).toEqual(['editor', 'viewer']);
    expect(overridden).toEqual([]);
  });

  it('reads holdings and handles no roles', () => {
    const held = [
      { role: viewer, scope: null },
      { role: editor, scope: 'x' },
    ];
    expect(holdingsInForce(held, 'highest').effective).toEqual([{ role: editor, scope: 'x' }]);
    expect(rolesInForce([], 'highest')).toEqual({ effective: [], overridden: [] });
  });
});

describe('effective permissions and admin power follow the policy', () => {
  it('an overridden role gives no permission under highest, and does under union', () => {
    expect([...effectivePermissions([editor, viewer], ['x:y'], 'highest')].sort()).toEqual([
      'content:read',
      'content:write',
      'x:y',
    ]);
    expect(effectivePermissions([editor, viewer], [], 'union').has('users:view')).toBe(true);
  });

  it('removing the role that outranks a role with admin-plane permissions is a gain of admin power', () => {
    const power = (roles: (typeof viewer)[]) => adminPowerOf(rolesInForce(roles, 'highest').effective);
    expect([...power([editor, viewer])]).toEqual([]);
    expect(addedAdminPower(power([editor, viewer]), power([viewer]))).toEqual(['users:view']);
    expect(power([viewer, admin]).size).toBe(8);
  });
});

describe('catalog policy', () => {
  it('defaults to highest and accepts union', () => {
    expect(loadCatalog(presetPath('standard')).catalog.policy.multipleRoles).toBe('highest');
  });
});
