import { describe, expect, it } from 'vitest';
import { addedAdminPower, adminPowerOf } from '../../src/domain/roles/admin-power';
import { applyRoleChanges, desiredHoldings, resolveGrant } from '../../src/domain/roles/role-grants';
import type { Role } from '../../src/store/generated/client';

function role(key: string, extra: Partial<Role> = {}): Role {
  return {
    id: `id-${key}`,
    accountId: 'a',
    key,
    name: extra.name ?? key[0]?.toUpperCase() + key.slice(1),
    description: '',
    precedence: 10,
    permissions: [],
    product: null,
    scoped: false,
    ...extra,
  };
}

const roles = [
  role('admin', { permissions: ['*'], precedence: 100 }),
  role('editor'),
  role('viewer'),
  role('partner', { scoped: true }),
  role('crm-editor', { name: 'CRM Editor', product: 'crm' }),
  role('crm-viewer', { name: 'CRM Viewer', product: 'crm' }),
];
const by = (key: string) => roles.find((r) => r.key === key) as Role;
const keys = (holdings: { role: Role; scope: string | null }[]) =>
  holdings.map((h) => (h.scope ? `${h.role.key}=${h.scope}` : h.role.key));

describe('resolveGrant', () => {
  it('reads a key or a name, case-insensitively', () => {
    expect(resolveGrant(roles, 'Editor').role.key).toBe('editor');
    expect(resolveGrant(roles, 'viewer').scope).toBeNull();
  });

  it('reads product=level by key, short key or name', () => {
    expect(resolveGrant(roles, 'crm=editor').role.key).toBe('crm-editor');
    expect(resolveGrant(roles, 'crm=crm-viewer').role.key).toBe('crm-viewer');
    expect(resolveGrant(roles, 'crm-viewer').role.key).toBe('crm-viewer');
    expect(() => resolveGrant(roles, 'crm=owner')).toThrow('is not a level of `crm`');
  });

  it('needs a scope for a scoped role and refuses one for the others', () => {
    expect(resolveGrant(roles, 'partner=acme')).toMatchObject({ scope: 'acme' });
    expect(() => resolveGrant(roles, 'partner')).toThrow('needs a scope');
    expect(() => resolveGrant(roles, 'editor=acme')).toThrow('takes no scope');
    expect(() => resolveGrant(roles, 'nobody')).toThrow('There is no role `nobody`');
  });
});

describe('applyRoleChanges', () => {
  const viewer = [{ role: by('viewer'), scope: null }];

  it('adds and removes', () => {
    expect(keys(applyRoleChanges(roles, viewer, { add: ['editor'], remove: ['viewer'] }))).toEqual(['editor']);
  });

  it('replaces the level of a product instead of adding a second', () => {
    const crm = applyRoleChanges(roles, viewer, { add: ['crm=viewer'], remove: [] });
    expect(keys(applyRoleChanges(roles, crm, { add: ['crm=editor'], remove: [] }))).toEqual(['viewer', 'crm-editor']);
  });

  it('adds a scope beside a general role, and removes one scope or all of them', () => {
    const partner = applyRoleChanges(roles, viewer, { add: ['partner=acme'], remove: [] });
    const both = applyRoleChanges(roles, partner, { add: ['partner=globex', 'partner=ACME'], remove: [] });
    expect(keys(both)).toEqual(['viewer', 'partner=globex', 'partner=ACME']);
    expect(keys(applyRoleChanges(roles, both, { add: [], remove: ['partner=globex'] }))).toEqual(['viewer', 'partner=ACME']);
    expect(keys(applyRoleChanges(roles, both, { add: [], remove: ['partner'] }))).toEqual(['viewer']);
    expect(() => applyRoleChanges(roles, partner, { add: [], remove: ['partner=initech'] })).toThrow(
      'does not hold `partner=initech`',
    );
  });

  it('replaces the scope of a user whose only general role is the scoped one', () => {
    const only = [{ role: by('partner'), scope: 'acme' }];
    expect(keys(applyRoleChanges(roles, only, { add: ['partner=globex'], remove: [] }))).toEqual(['partner=globex']);
  });

  it('refuses to remove a role the user does not hold, or one that does not exist', () => {
    expect(() => applyRoleChanges(roles, viewer, { add: [], remove: ['editor'] })).toThrow('does not hold `editor`');
    expect(() => applyRoleChanges(roles, viewer, { add: [], remove: ['ghost'] })).toThrow('There is no role');
  });
});

describe('desiredHoldings (the roles modal)', () => {
  it('replaces everything with the chosen role and levels', () => {
    const held = [
      { role: by('partner'), scope: 'acme' },
      { role: by('crm-viewer'), scope: null },
    ];
    expect(keys(desiredHoldings(roles, held, { role: 'partner=globex', products: { crm: 'none' } }))).toEqual(['partner=globex']);
    expect(keys(desiredHoldings(roles, held, { role: 'admin', products: { crm: 'editor' } }))).toEqual(['admin', 'crm-editor']);
  });
});

describe('admin power', () => {
  it('expands `*`, keeps admin-plane permissions and ignores product ones', () => {
    expect(adminPowerOf([{ permissions: ['*'] }]).size).toBe(8);
    expect([...adminPowerOf([{ permissions: ['content:read'] }], ['users:view', 'crm:read'])]).toEqual(['users:view']);
  });

  it('reports only what is gained', () => {
    const before = adminPowerOf([], ['users:view']);
    const after = adminPowerOf([{ permissions: ['roles:manage'] }], ['users:view']);
    expect(addedAdminPower(before, after)).toEqual(['roles:manage']);
    expect(addedAdminPower(after, before)).toEqual([]);
  });
});
