/**
 * SCIM filters and sorts as the edge reads them (src/scim/scim-filter.ts) and the SQL the store makes
 * of them (src/store/scim/): attribute names whatever their case and URN, `ne` as `not eq`, value
 * paths, constant attributes, the errors, and the SQL's index-friendly userName lookup, escaped
 * patterns and null-safe comparisons (issue 23, items 5 and 6).
 */
import { describe, expect, it } from 'vitest';
import { parseGroupFilter, parseGroupSort, parseUserFilter, parseUserSort } from '../../src/scim/scim-filter';
import { userFilterSql } from '../../src/store/scim/scim-user-filter';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const CORE = 'urn:ietf:params:scim:schemas:core:2.0:User';

describe('SCIM filters on Users', () => {
  it('maps every attribute Roster returns onto its field, whatever the case, with or without the URN', () => {
    expect(parseUserFilter('USERNAME eq "Ann"')).toEqual({ kind: 'text', field: 'userName', op: 'eq', value: 'Ann' });
    expect(parseUserFilter(`${CORE.toLowerCase()}:name.FamilyName sw "L"`)).toEqual({
      kind: 'text',
      field: 'familyName',
      op: 'sw',
      value: 'L',
    });
    const cases: Array<[string, string]> = [
      ['emails.value', 'email'],
      ['emails', 'email'],
      ['displayName', 'name'],
      ['name.formatted', 'formatted'],
      ['name.givenName', 'givenName'],
      ['externalId', 'externalId'],
      ['id', 'id'],
      ['title', 'title'],
      ['nickName', 'nickName'],
      ['preferredLanguage', 'preferredLanguage'],
      ['locale', 'locale'],
      ['timezone', 'timezone'],
      ['addresses.locality', 'locality'],
      ['ADDRESSES.postalCode', 'postalCode'],
      ['department', 'department'],
      [`${ENTERPRISE}:department`, 'department'],
      [`${ENTERPRISE}:employeeNumber`, 'employeeNumber'],
      [`${ENTERPRISE}:costCenter`, 'costCenter'],
      [`${ENTERPRISE}:organization`, 'organization'],
      [`${ENTERPRISE}:division`, 'division'],
      [`${ENTERPRISE}:manager.value`, 'manager'],
      [`${ENTERPRISE.toUpperCase()}:MANAGER`, 'manager'],
    ];
    for (const [attribute, field] of cases) {
      expect(parseUserFilter(`${attribute} co "x"`), attribute).toEqual({ kind: 'text', field, op: 'co', value: 'x' });
      expect(parseUserFilter(`${attribute} pr`), attribute).toEqual({ kind: 'present', field });
    }
    expect(parseUserFilter('roles.display eq "Editor"')).toEqual({
      kind: 'role',
      filter: { kind: 'text', field: 'display', op: 'eq', value: 'Editor' },
    });
    expect(parseUserFilter('phoneNumbers co "555"')).toEqual({
      kind: 'phone',
      filter: { kind: 'text', field: 'value', op: 'co', value: '555' },
    });
    expect(parseUserFilter('active eq "False"')).toEqual({ kind: 'active', active: false });
    expect(parseUserFilter('meta.lastModified ge "2026-01-01T00:00:00Z"')).toEqual({
      kind: 'date',
      field: 'updatedAt',
      op: 'ge',
      value: new Date('2026-01-01T00:00:00Z'),
    });
  });

  it('asks a value path on phone numbers, roles and members of one element', () => {
    expect(parseUserFilter('phoneNumbers[type eq "mobile" and not (value sw "+1")]')).toEqual({
      kind: 'phone',
      filter: {
        kind: 'and',
        filters: [
          { kind: 'text', field: 'type', op: 'eq', value: 'mobile' },
          { kind: 'not', filter: { kind: 'text', field: 'value', op: 'sw', value: '+1' } },
        ],
      },
    });
    expect(parseUserFilter('ROLES[Display eq "Editor"]')).toEqual({
      kind: 'role',
      filter: { kind: 'text', field: 'display', op: 'eq', value: 'Editor' },
    });
    expect(parseGroupFilter('members[value eq "u1" and type eq "User"]')).toEqual({
      kind: 'member',
      filter: { kind: 'and', filters: [{ kind: 'text', field: 'value', op: 'eq', value: 'u1' }, { kind: 'all' }] },
    });
    expect(() => parseUserFilter('phoneNumbers[display eq "x"]')).toThrow('phoneNumbers.display');
  });

  it('reads ne as not eq, and a value path as its attribute’s sub-attributes', () => {
    expect(parseUserFilter('title ne "x"')).toEqual({
      kind: 'not',
      filter: { kind: 'text', field: 'title', op: 'eq', value: 'x' },
    });
    expect(parseUserFilter('emails[type eq "work" and value co "@x"]')).toEqual({
      kind: 'and',
      filters: [{ kind: 'all' }, { kind: 'text', field: 'email', op: 'co', value: '@x' }],
    });
    expect(parseUserFilter('not (userName pr) or (active eq true)')).toEqual({
      kind: 'or',
      filters: [
        { kind: 'not', filter: { kind: 'all' } },
        { kind: 'active', active: true },
      ],
    });
  });

  it('decides constant attributes itself: one e-mail, of type work, primary; work phone numbers', () => {
    expect(parseUserFilter('emails.type eq "WORK"')).toEqual({ kind: 'all' });
    expect(parseUserFilter('emails.type eq "home"')).toEqual({ kind: 'none' });
    expect(parseUserFilter('emails.type ne "home"')).toEqual({ kind: 'not', filter: { kind: 'none' } });
    expect(parseUserFilter('emails.primary eq "true"')).toEqual({ kind: 'all' });
    expect(parseUserFilter('emails.primary eq false')).toEqual({ kind: 'none' });
    expect(parseUserFilter('addresses.type eq "work"')).toEqual({ kind: 'has-address' });
    expect(parseUserFilter('addresses.type eq "home"')).toEqual({ kind: 'none' });
    expect(parseUserFilter('phoneNumbers.primary eq true')).toEqual({ kind: 'phone', filter: { kind: 'none' } });
    expect(parseUserFilter('meta.resourceType eq "user"')).toEqual({ kind: 'all' });
  });

  it('refuses what it cannot parse or filter on with invalidFilter, naming the attribute', () => {
    for (const [filter, named] of [
      ['shoeSize eq "9"', 'shoeSize'],
      [`${ENTERPRISE}:title eq "x"`, `${ENTERPRISE}:title`],
      [`${ENTERPRISE}:userName eq "x"`, `${ENTERPRISE}:userName`],
      ['urn:ietf:params:scim:schemas:core:2.0:Group:displayName eq "x"', 'Group:displayName'],
      ['department eq true', 'department'],
      ['meta.created gt "yesterday"', 'meta.created'],
      ['meta.created sw "2026"', 'meta.created'],
      ['active gt true', 'active'],
      ['emails.primary co "t"', 'emails.primary'],
    ]) {
      expect(() => parseUserFilter(filter as string), filter).toThrow(named as string);
      expect(() => parseUserFilter(filter as string), filter).toThrow(
        expect.objectContaining({ status: 400, scimType: 'invalidFilter' }),
      );
    }
    expect(() => parseUserFilter('userName eq')).toThrow(expect.objectContaining({ scimType: 'invalidFilter' }));
  });
});

describe('SCIM filters on Groups', () => {
  it('maps displayName, externalId, members and meta; refuses user attributes', () => {
    expect(parseGroupFilter('DISPLAYNAME eq "Ops"')).toEqual({ kind: 'text', field: 'name', op: 'eq', value: 'Ops' });
    expect(parseGroupFilter('urn:ietf:params:scim:schemas:core:2.0:Group:externalId eq "G"')).toEqual({
      kind: 'text',
      field: 'externalId',
      op: 'eq',
      value: 'G',
    });
    expect(parseGroupFilter('members.value eq "u1"')).toEqual({
      kind: 'member',
      filter: { kind: 'text', field: 'value', op: 'eq', value: 'u1' },
    });
    expect(parseGroupFilter('members.display co "@x"')).toEqual({
      kind: 'member',
      filter: { kind: 'text', field: 'display', op: 'co', value: '@x' },
    });
    expect(parseGroupFilter('members pr')).toEqual({ kind: 'member', filter: { kind: 'present', field: 'value' } });
    expect(parseGroupFilter('members.type eq "User"')).toEqual({ kind: 'member', filter: { kind: 'all' } });
    expect(() => parseGroupFilter('userName eq "x"')).toThrow(expect.objectContaining({ scimType: 'invalidFilter' }));
    expect(() => parseGroupFilter('members eq 3')).toThrow('members');
  });
});

describe('SCIM sorts', () => {
  it('reads sortBy whatever its case and core URN, ascending by default', () => {
    expect(parseUserSort(undefined, 'descending')).toBeNull();
    expect(parseUserSort('userName', undefined)).toEqual({ by: 'userName', order: 'ascending' });
    expect(parseUserSort(`${CORE.toUpperCase()}:NAME.GIVENNAME`, 'DESCENDING')).toEqual({ by: 'givenName', order: 'descending' });
    for (const [sortBy, by] of [
      ['displayName', 'name'],
      ['name.formatted', 'formatted'],
      ['name.familyName', 'familyName'],
      ['emails', 'email'],
      ['emails.value', 'email'],
      ['meta.created', 'createdAt'],
      ['Meta.LastModified', 'updatedAt'],
    ]) {
      expect(parseUserSort(sortBy, 'ascending')).toEqual({ by, order: 'ascending' });
    }
    expect(parseGroupSort('urn:ietf:params:scim:schemas:core:2.0:Group:displayName', undefined)).toEqual({
      by: 'name',
      order: 'ascending',
    });
    expect(parseGroupSort('EXTERNALID', 'descending')).toEqual({ by: 'externalId', order: 'descending' });
  });

  it('refuses a sortBy it cannot sort by, or another sortOrder, with invalidValue', () => {
    for (const [sortBy, order] of [
      ['title', undefined],
      ['active', undefined],
      [`${ENTERPRISE}:department`, undefined],
      ['userName', 'up'],
    ]) {
      expect(() => parseUserSort(sortBy, order)).toThrow(expect.objectContaining({ status: 400, scimType: 'invalidValue' }));
    }
    expect(() => parseGroupSort('members', undefined)).toThrow('members');
  });
});

describe('the SQL of a user filter', () => {
  const sqlOf = (filter: string) => userFilterSql('acc', parseUserFilter(filter));

  it('looks userName up on its unique column and the e-mail’s, lower-cased, keeping the user it names', () => {
    const { text, values } = sqlOf('userName eq "AnnL"');
    expect(text).toContain('(u."userNameKey" = $2 OR u."email" = $3)');
    expect(text).toContain('COALESCE(u."userNameKey", u."email") = $4');
    expect(text).not.toContain('IS NULL');
    expect(values).toEqual(['acc', 'annl', 'annl', 'annl']);
  });

  it('escapes % and _ in patterns, and compares nullable columns only where they hold a value', () => {
    const { text, values } = sqlOf('displayName co "50%_off"');
    expect(values).toEqual(['acc', '%50\\%\\_off%']);
    expect(text).toContain('u."name" IS NOT NULL AND u."name" ILIKE $2');
    expect(sqlOf('externalId sw "A"').text).toContain('u."externalId" LIKE $2');
  });

  it('negates with NOT, and reads properties from their rows', () => {
    const { text, values } = sqlOf(`not (${ENTERPRISE}:department eq "Sales")`);
    expect(text).toMatch(/\(NOT EXISTS \(SELECT 1 FROM "UserProperty" p WHERE p\."userId" = u\."id" AND p\."key" = \$2 AND/);
    expect(values).toEqual(['acc', 'department', 'Sales']);
  });
});
