/**
 * Partner access (issue 22, item 1) as pure rules: a scoped role takes no part in precedence, and
 * what a verify answer names as roles and partners.
 */
import { describe, expect, it } from 'vitest';
import { partnerScope, rolesBesidePartners } from '../../src/domain/partners/partner-access';
import { loadCatalog, presetPath } from '../../src/domain/roles/catalog';
import { holdingsInForce, rolesInForce } from '../../src/domain/roles/precedence';

const role = (key: string, precedence: number, permissions: string[] = [], scoped = false, product: string | null = null) => ({
  key,
  precedence,
  permissions,
  scoped,
  product,
});
const admin = role('admin', 100, ['*']);
const normal = role('normal', 50);
const viewer = role('viewer', 10);
const partner = role('partner', 10, ['issue-comments:access'], true);
const held = (...items: [ReturnType<typeof role>, string | null][]) => items.map(([r, scope]) => ({ role: r, scope }));
const labels = (items: { role: { key: string }; scope: string | null }[]) =>
  items.map((h) => (h.scope ? `${h.role.key}=${h.scope}` : h.role.key));

describe('precedence leaves scoped roles alone', () => {
  it('a partner granted beside Normal is in force, never overridden; directory-wide roles still rank', () => {
    const { effective, overridden } = holdingsInForce(
      held([normal, null], [partner, 'Acme'], [viewer, null], [partner, 'Globex']),
      'highest',
    );
    expect(labels(effective)).toEqual(['normal', 'partner=Acme', 'partner=Globex']);
    expect(labels(overridden)).toEqual(['viewer']);
  });

  it('a Partner user alone holds the partner in force, and its permissions count', () => {
    expect(labels(holdingsInForce(held([partner, 'Acme']), 'highest').effective)).toEqual(['partner=Acme']);
    expect(rolesInForce([admin, partner], 'highest').overridden).toEqual([]);
  });
});

describe('what verify answers as roles and partners', () => {
  it('Normal with Acme and Globex: roles [normal], partners [Acme, Globex]', () => {
    const holdings = held([normal, null], [partner, 'Globex'], [partner, 'Acme']);
    const roles = [
      { key: 'normal', scope: null },
      { key: 'partner', scope: 'Acme' },
      { key: 'partner', scope: 'Globex' },
    ];
    expect(rolesBesidePartners(roles, holdings)).toEqual([{ key: 'normal', scope: null }]);
    expect(partnerScope(holdings, 'highest')).toEqual(['Acme', 'Globex']);
  });

  it('a Partner user keeps the partner as their role and sees that one partner', () => {
    const holdings = held([partner, 'Acme']);
    expect(rolesBesidePartners([{ key: 'partner', scope: 'Acme' }], holdings)).toEqual([{ key: 'partner', scope: 'Acme' }]);
    expect(partnerScope(holdings, 'highest')).toEqual(['Acme']);
  });

  it('Admin sees every partner; Normal without grants sees none', () => {
    expect(partnerScope(held([admin, null], [partner, 'Acme']), 'highest')).toBe('all');
    expect(partnerScope(held([normal, null]), 'highest')).toEqual([]);
  });
});

describe('the partners preset says what the partner network says', () => {
  const { catalog } = loadCatalog(presetPath('partners'));

  it('has exactly the three extra permissions, each grantable to the roles the product names', () => {
    expect(catalog.permissions.map((p) => [p.key, p.description, p.grantableTo])).toEqual([
      ['integrations:access', 'Access to Integrations', ['normal']],
      ['issue-comments:access', 'Access to Issue Comments', ['normal', 'partner']],
      ['messages:reprocess', 'Allowed to Reprocess Messages', ['normal']],
    ]);
  });

  it('gives Admin everything, and Normal and Partner no invented permission', () => {
    const permissionsOf = (key: string) => catalog.roles.find((r) => r.key === key)?.permissions;
    expect(permissionsOf('admin')).toEqual(['*']);
    expect(permissionsOf('normal')).toEqual([]);
    expect(permissionsOf('partner')).toEqual([]);
    expect(catalog.roles.find((r) => r.key === 'partner')?.scoped).toBe(true);
    expect(catalog.roles.find((r) => r.key === 'normal')?.description).not.toContain("every partner's data");
  });
});
