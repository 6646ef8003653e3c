/** What an API key inherited from a deleted user answers (verified-holder.ts): never more than it could do before. */
import { describe, expect, it } from 'vitest';
import { inheritedHolder, type VerifiedHolder } from '../../src/domain/credentials/verified-holder';

const access = {
  roles: [{ key: 'editor', scope: null }],
  overriddenRoles: [],
  permissions: ['content:read', 'content:write'],
};
const heir = (roles: string[], permissions: string[]): VerifiedHolder => ({
  user: { id: 'u1', email: 'owner@example.com', name: null },
  roles: roles.map((key) => ({ key, scope: null })),
  overriddenRoles: [],
  permissions,
  properties: { region: 'eu' },
  temporaryGrants: [],
});

describe('an inherited API key', () => {
  it('answers in its heir’s name with the access it had, not the heir’s roles, properties or admin powers', () => {
    expect(inheritedHolder(heir(['admin'], ['users:manage']), access, 'cara@example.com')).toEqual({
      user: { id: 'u1', email: 'owner@example.com', name: null },
      roles: [{ key: 'editor', scope: null }],
      overriddenRoles: [],
      permissions: ['content:read', 'content:write'],
      properties: {},
      temporaryGrants: [],
      inheritedFrom: { email: 'cara@example.com' },
    });
  });

  it('keeps only what an heir who is no longer an Admin still holds', () => {
    expect(inheritedHolder(heir(['viewer'], ['content:read']), access, 'cara@example.com').permissions).toEqual(['content:read']);
  });

  it('keeps the partners it could see', () => {
    const partnerAccess = { ...access, partners: ['Acme'] };
    expect(inheritedHolder(heir(['admin'], []), partnerAccess, 'cara@example.com').partners).toEqual(['Acme']);
    expect(inheritedHolder(heir(['admin'], []), access, 'cara@example.com')).not.toHaveProperty('partners');
  });
});
