/**
 * SCIM filters and sorts over a real, migrated store (issue 23, items 5 and 6): every attribute Roster
 * returns (userName apart from the e-mail, name parts from their columns or derived from the one name,
 * the properties identity providers send, the enterprise extension), operators, `not` as the exact
 * complement, sortBy/sortOrder with ties broken by id, and paging — all in one query of the database.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScimDirectory, type ScimDirectory } from '../../src/domain/scim/scim-directory';
import { parseGroupFilter, parseGroupSort, parseUserFilter, parseUserSort } from '../../src/scim/scim-filter';
import { type DomainHarness, domainStore } from '../support/domain-harness';
import { testTargets } from '../support/test-database';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const T0 = Date.parse('2026-01-01T00:00:00.000Z');
const at = (minutes: number) => new Date(T0 + minutes * 60_000);

describe.each(testTargets())('SCIM filters and sorts in the store (%s store)', (target) => {
  const store = domainStore(target);
  let h: DomainHarness;
  let scim: ScimDirectory;
  const ids: Record<string, string> = {};
  const groupIds: Record<string, string> = {};

  beforeAll(async () => {
    h = await store.fresh();
    const { prisma } = h.db;
    const { accountId } = h;
    scim = createScimDirectory({ prisma, accountId });
    const role = async (key: string) => (await prisma.role.findFirstOrThrow({ where: { accountId, key } })).id;
    const add = async (
      key: string,
      minute: number,
      user: {
        email: string;
        userName?: string;
        name?: string;
        givenName?: string;
        familyName?: string;
        externalId?: string;
        status?: 'active' | 'disabled';
        role?: string;
        properties?: Record<string, string>;
      },
    ) => {
      const created = await prisma.user.create({
        data: {
          accountId,
          email: user.email,
          userName: user.userName,
          userNameKey: user.userName?.toLowerCase(),
          name: user.name,
          givenName: user.givenName,
          familyName: user.familyName,
          externalId: user.externalId,
          status: user.status ?? 'active',
          signInMethod: 'sso',
          createdAt: at(minute),
          updatedAt: at(minute + 100),
          roles: { create: [{ roleId: await role(user.role ?? 'viewer') }] },
          properties: { create: Object.entries(user.properties ?? {}).map(([k, value]) => ({ key: k, value })) },
        },
      });
      ids[key] = created.id;
    };
    await prisma.user.updateMany({ where: { accountId }, data: { createdAt: at(0), updatedAt: at(0) } });
    ids.owner = (await prisma.user.findFirstOrThrow({ where: { accountId, email: 'owner@example.com' } })).id;
    await add('bob', 2, {
      email: 'bob@corp.example',
      name: 'Robert de Niro',
      externalId: 'e-2',
      role: 'editor',
      properties: { title: 'Engineering Manager', department: 'Sales' },
    });
    await add('ann', 1, {
      email: 'ann@corp.example',
      userName: 'AnnL',
      name: 'Ann Lee',
      givenName: 'Ann',
      familyName: 'Lee',
      externalId: 'E-1',
      properties: {
        title: 'Engineer',
        nickName: 'annie',
        preferredLanguage: 'en-US',
        locale: 'de-DE',
        timezone: 'Europe/Berlin',
        workPhone: '+1 555 0100',
        mobilePhone: '+44 7700 900000',
        locality: 'Berlin',
        country: 'DE',
        employeeNumber: '100',
        costCenter: 'CC1',
        organization: 'Corp',
        division: 'Product',
        department: 'R&D',
      },
    });
    await prisma.userProperty.create({ data: { userId: ids.ann as string, key: 'manager', value: ids.bob as string } });
    await add('cy', 3, { email: 'cy@other.example', userName: 'cy@other.example', name: 'Cy', status: 'disabled' });
    await add('dee', 4, { email: 'dee@corp.example' });
    // The name parts come from the one name, its white space as a person typed it.
    await add('eve', 5, { email: 'eve_x@corp.example', userName: 'Eve%Admin', name: 'eve   mary ADAMS' });
    // A given name as the identity provider sent it, and no other: the name parts are the columns alone.
    await add('fay', 6, { email: 'fay@other.example', userName: 'fay', givenName: 'Fay' });

    const group = async (key: string, minute: number, name: string, externalId: string | null, members: string[]) => {
      const created = await prisma.group.create({
        data: {
          accountId,
          name,
          externalId,
          createdAt: at(minute),
          updatedAt: at(minute),
          members: { create: members.map((m) => ({ userId: ids[m] as string })) },
        },
      });
      groupIds[key] = created.id;
    };
    await prisma.group.updateMany({ where: { accountId }, data: { createdAt: at(0), updatedAt: at(0) } });
    await group('sales', 1, 'sales', 'G-Sales', ['bob']);
    await group('eng', 2, 'Engineering', 'g-eng', ['ann', 'bob']);
    await group('empty', 3, 'Empty', null, []);
  });
  afterAll(() => store.close());

  const keyOf = (id: string) => Object.entries(ids).find(([, v]) => v === id)?.[0] ?? id;
  const groupKeyOf = async (id: string) =>
    Object.entries(groupIds).find(([, v]) => v === id)?.[0] ??
    (await h.db.prisma.group.findUniqueOrThrow({ where: { id } })).kind;

  /** The users a filter and sort list, by key, in order (all when no sort is given: then as a sorted set). */
  async function users(filter: string | null, sortBy?: string, sortOrder?: string, skip = 0, take = 100) {
    const { total, users } = await scim.list(
      filter ? parseUserFilter(filter) : null,
      skip,
      take,
      parseUserSort(sortBy, sortOrder),
    );
    const keys = users.map((u) => keyOf(u.id));
    return { total, keys: sortBy ? keys : keys.sort() };
  }
  const matching = async (filter: string) => (await users(filter)).keys;

  async function groups(filter: string | null, sortBy?: string, sortOrder?: string) {
    const { total, groups } = await scim.listGroups(
      filter ? parseGroupFilter(filter) : null,
      0,
      100,
      parseGroupSort(sortBy, sortOrder),
    );
    const keys = await Promise.all(groups.map((g) => groupKeyOf(g.id)));
    return { total, keys: sortBy ? keys : keys.sort() };
  }

  it('finds userName as sent, else the e-mail, whatever the case', async () => {
    expect(await matching('userName eq "annl"')).toEqual(['ann']);
    expect(await matching('USERNAME eq "ANNL"')).toEqual(['ann']);
    expect(await matching('userName eq "BOB@corp.example"')).toEqual(['bob']);
    // Ann is named AnnL, not by her address.
    expect(await matching('userName eq "ann@corp.example"')).toEqual([]);
    expect(await matching('urn:ietf:params:scim:schemas:core:2.0:User:userName eq "cy@other.example"')).toEqual(['cy']);
    expect(await matching('userName sw "a" or userName ew "%admin"')).toEqual(['ann', 'eve']);
    expect(await matching('userName ne "annl"')).toEqual(['bob', 'cy', 'dee', 'eve', 'fay', 'owner']);
    expect(await matching('userName gt "d" and userName lt "f"')).toEqual(['dee', 'eve']);
  });

  it('takes % and _ in a value for themselves', async () => {
    expect(await matching('userName co "%"')).toEqual(['eve']);
    expect(await matching('emails.value co "_"')).toEqual(['eve']);
    expect(await matching('displayName co "_"')).toEqual([]);
    expect(await matching('title eq "engineer%"')).toEqual([]);
  });

  it('filters name parts from their columns, or derived from the one name (last word is the family name)', async () => {
    expect(await matching('name.familyName eq "lee"')).toEqual(['ann']);
    expect(await matching('name.familyName eq "NIRO"')).toEqual(['bob']);
    expect(await matching('name.familyName eq "adams"')).toEqual(['eve']);
    expect(await matching('name.familyName eq "de Niro"')).toEqual([]);
    expect(await matching('name.givenName eq "robert de"')).toEqual(['bob']);
    expect(await matching('name.givenName eq "Robert"')).toEqual([]);
    expect(await matching('name.givenName eq "eve mary"')).toEqual(['eve']);
    expect(await matching('name.givenName eq "cy"')).toEqual(['cy']);
    expect(await matching('name.familyName pr')).toEqual(['ann', 'bob', 'eve']);
    expect(await matching('not (name.familyName pr)')).toEqual(['cy', 'dee', 'fay', 'owner']);
    expect(await matching('name.givenName eq "FAY" or name.familyName eq "wray"')).toEqual(['fay']);
    expect(await matching('name.formatted eq "fay"')).toEqual(['fay']);
    expect(await matching('name pr')).toEqual(['ann', 'bob', 'cy', 'eve', 'fay']);
    expect(await matching('name.givenName sw "R" or name.familyName ew "s"')).toEqual(['bob', 'eve']);
    expect(await matching('displayName co "NI"')).toEqual(['bob']);
    expect(await matching('name.formatted eq "ann lee"')).toEqual(['ann']);
    expect(await matching('displayName pr')).toEqual(['ann', 'bob', 'cy', 'eve']);
  });

  it('filters the attributes kept as properties, core and enterprise, with or without the URN', async () => {
    expect(await matching('title eq "ENGINEER"')).toEqual(['ann']);
    expect(await matching('title sw "engineer"')).toEqual(['ann', 'bob']);
    expect(await matching('title pr')).toEqual(['ann', 'bob']);
    // `ne` is `not eq`: a user without a title is not titled Engineer.
    expect(await matching('title ne "engineer"')).toEqual(['bob', 'cy', 'dee', 'eve', 'fay', 'owner']);
    expect(await matching(`${ENTERPRISE}:department eq "r&d"`)).toEqual(['ann']);
    expect(await matching('department eq "sales"')).toEqual(['bob']);
    expect(await matching(`${ENTERPRISE.toUpperCase()}:MANAGER.VALUE eq "${ids.bob}"`)).toEqual(['ann']);
    expect(await matching(`manager.value eq "${ids.bob?.toUpperCase()}"`)).toEqual([]);
    expect(await matching('phoneNumbers co "555"')).toEqual(['ann']);
    expect(await matching('phoneNumbers[type eq "work" and value sw "+1"]')).toEqual(['ann']);
    // Both of the same number: Ann's mobile number is not the +1 one.
    expect(await matching('phoneNumbers[type eq "MOBILE" and value sw "+1"]')).toEqual([]);
    expect(await matching('phoneNumbers.type eq "mobile" and phoneNumbers.value sw "+1"')).toEqual(['ann']);
    expect(await matching('phoneNumbers.type eq "home"')).toEqual([]);
    expect(await matching('phoneNumbers pr')).toEqual(['ann']);
    expect(await matching('addresses[type eq "work" and locality eq "berlin"] and addresses.country eq "de"')).toEqual(['ann']);
    expect(await matching('addresses pr or addresses.primary eq true')).toEqual(['ann']);
    expect(
      await matching(
        'nickName eq "ANNIE" and preferredLanguage eq "en-us" and locale sw "de" and timezone ew "berlin" and ' +
          `${ENTERPRISE}:employeeNumber eq "100" and costCenter eq "cc1" and organization eq "corp" and division co "rod"`,
      ),
    ).toEqual(['ann']);
  });

  it('filters e-mails, ids, externalId (case-exact), active, roles and meta dates', async () => {
    expect(await matching('emails[type eq "work" and value ew "@corp.example"]')).toEqual(['ann', 'bob', 'dee', 'eve']);
    expect(await matching('emails.primary eq true and emails co "other"')).toEqual(['cy', 'fay']);
    expect(await matching('emails.type ne "home" and emails co "other"')).toEqual(['cy', 'fay']);
    expect(await matching('externalId eq "E-1"')).toEqual(['ann']);
    expect(await matching('externalId eq "e-1"')).toEqual([]);
    expect(await matching('externalId pr')).toEqual(['ann', 'bob']);
    expect(await matching(`id eq "${ids.dee}"`)).toEqual(['dee']);
    expect(await matching('active eq false')).toEqual(['cy']);
    expect(await matching('active ne "True"')).toEqual(['cy']);
    expect(await matching('roles eq "editor"')).toEqual(['bob']);
    expect(await matching('roles[value eq "editor" and display co "EDIT"]')).toEqual(['bob']);
    expect(await matching('roles[value eq "editor" and display eq "viewer"]')).toEqual([]);
    expect(await matching(`meta.created gt "${at(2).toISOString()}"`)).toEqual(['cy', 'dee', 'eve', 'fay']);
    expect(await matching(`meta.created le "${at(1).toISOString()}" and meta.created ne "${at(0).toISOString()}"`)).toEqual([
      'ann',
    ]);
    expect(await matching(`meta.lastModified ge "${at(104).toISOString()}"`)).toEqual(['dee', 'eve', 'fay']);
    expect(await matching(`meta.lastModified eq "${at(101).toISOString()}"`)).toEqual(['ann']);
  });

  it('joins with and, or, not and parentheses', async () => {
    expect(await matching('(title pr or department pr) and not (active eq false)')).toEqual(['ann', 'bob']);
    expect(await matching('not (userName co "corp" or userName co "example") or name.familyName eq "niro"')).toEqual([
      'ann',
      'bob',
      'eve',
      'fay',
    ]);
    expect(await matching('emails[not (value co "corp")]')).toEqual(['cy', 'fay', 'owner']);
  });

  it('refuses an attribute it cannot filter on, naming it (invalidFilter)', () => {
    for (const [filter, named] of [
      ['nickname2 eq "x"', 'nickname2'],
      [`${ENTERPRISE}:title eq "x"`, `${ENTERPRISE}:title`],
      ['name eq "x"', 'name'],
      ['title eq 3', 'title'],
      ['meta.created co "2026"', 'meta.created'],
    ] as const) {
      expect(() => parseUserFilter(filter)).toThrow(expect.objectContaining({ status: 400, scimType: 'invalidFilter' }));
      expect(() => parseUserFilter(filter)).toThrow(named);
    }
    expect(() => parseGroupFilter('title eq "x"')).toThrow(expect.objectContaining({ scimType: 'invalidFilter' }));
  });

  it('sorts by userName, name parts, e-mail and meta dates, either way, ties by id, and pages the sorted list', async () => {
    const nullsById = ['cy', 'dee', 'fay', 'owner'].sort((a, b) => ((ids[a] as string) < (ids[b] as string) ? -1 : 1));
    expect((await users(null, 'userName')).keys).toEqual(['ann', 'bob', 'cy', 'dee', 'eve', 'fay', 'owner']);
    expect((await users(null, 'userName', 'descending')).keys).toEqual(['owner', 'fay', 'eve', 'dee', 'cy', 'bob', 'ann']);
    expect((await users(null, 'USERNAME', 'Descending', 2, 2)).keys).toEqual(['eve', 'dee']);
    expect((await users(null, 'userName', 'descending', 2, 2)).total).toBe(7);
    expect((await users(null, 'name.familyName')).keys).toEqual(['eve', 'ann', 'bob', ...nullsById]);
    expect((await users(null, 'urn:ietf:params:scim:schemas:core:2.0:User:name.familyName', 'descending')).keys).toEqual([
      ...nullsById,
      'bob',
      'ann',
      'eve',
    ]);
    expect((await users(null, 'name.givenName')).keys.slice(0, 5)).toEqual(['ann', 'cy', 'eve', 'fay', 'bob']);
    expect((await users('name pr', 'name.formatted')).keys).toEqual(['ann', 'cy', 'eve', 'fay', 'bob']);
    // Case-insensitive: "eve mary ADAMS" sorts before "Robert de Niro".
    expect((await users('displayName pr', 'displayName')).keys).toEqual(['ann', 'cy', 'eve', 'bob']);
    expect((await users('displayName pr', 'name.formatted', 'descending')).keys).toEqual(['bob', 'eve', 'cy', 'ann']);
    expect((await users('emails co "corp"', 'emails.value', 'descending')).keys).toEqual(['eve', 'dee', 'bob', 'ann']);
    expect((await users(null, 'meta.created', 'descending')).keys).toEqual(['fay', 'eve', 'dee', 'cy', 'bob', 'ann', 'owner']);
    expect((await users(null, 'meta.lastModified')).keys).toEqual(['owner', 'ann', 'bob', 'cy', 'dee', 'eve', 'fay']);
    // Pages of a sort with ties (four users without a family name) neither overlap nor skip.
    const pages = await Promise.all([0, 2, 4, 6].map((skip) => users(null, 'name.familyName', 'descending', skip, 2)));
    expect(pages.flatMap((p) => p.keys)).toEqual([...nullsById, 'bob', 'ann', 'eve']);
    // Without sortBy: oldest first.
    expect((await scim.list(null, 0, 100)).users.map((u) => keyOf(u.id))).toEqual([
      'owner',
      'ann',
      'bob',
      'cy',
      'dee',
      'eve',
      'fay',
    ]);
  });

  it('counts a page that is empty or past the end', async () => {
    expect(await users('emails co "corp"', 'userName', undefined, 0, 0)).toEqual({ total: 4, keys: [] });
    expect(await users('emails co "corp"', 'userName', undefined, 10, 5)).toEqual({ total: 4, keys: [] });
    expect(await users('userName eq "nobody"')).toEqual({ total: 0, keys: [] });
  });

  it('refuses a sort it cannot do (invalidValue)', () => {
    for (const [sortBy, sortOrder] of [
      ['title', undefined],
      ['roles', undefined],
      [`${ENTERPRISE}:department`, undefined],
      ['userName', 'upward'],
    ]) {
      expect(() => parseUserSort(sortBy, sortOrder)).toThrow(expect.objectContaining({ status: 400, scimType: 'invalidValue' }));
    }
    expect(() => parseGroupSort('members', undefined)).toThrow(expect.objectContaining({ scimType: 'invalidValue' }));
  });

  it('filters and sorts groups: displayName, externalId, members, meta dates', async () => {
    expect((await groups('displayName eq "ENGINEERING"')).keys).toEqual(['eng']);
    expect((await groups('externalId eq "G-Sales"')).keys).toEqual(['sales']);
    expect((await groups('externalId eq "g-sales"')).keys).toEqual([]);
    expect((await groups('externalId pr')).keys).toEqual(['eng', 'sales']);
    expect((await groups(`members[value eq "${ids.ann}"]`)).keys).toEqual(['all_users', 'eng']);
    expect((await groups(`members.value eq "${ids.bob}" and not (displayName sw "all")`)).keys).toEqual(['eng', 'sales']);
    expect((await groups('members.display co "BOB@"')).keys).toEqual(['all_users', 'eng', 'sales']);
    expect((await groups('not (members pr)')).keys.sort()).toEqual(['default', 'empty'].sort());
    expect((await groups(`meta.created ge "${at(2).toISOString()}"`)).keys).toEqual(['empty', 'eng']);
    expect(
      (await groups(`id eq "${groupIds.empty}" or urn:ietf:params:scim:schemas:core:2.0:Group:displayName sw "sal"`)).keys,
    ).toEqual(['empty', 'sales']);
    expect((await groups('displayName ew "s" or displayName co "pt"', 'displayName')).keys).toEqual([
      'all_users',
      'empty',
      'sales',
    ]);
    expect((await groups('externalId pr or displayName eq "empty"', 'DisplayName', 'descending')).keys).toEqual([
      'sales',
      'eng',
      'empty',
    ]);
    expect((await groups('externalId pr', 'externalId')).keys).toEqual(['sales', 'eng']);
    expect((await groups('externalId pr or displayName eq "Empty"', 'meta.created', 'descending')).keys).toEqual([
      'empty',
      'eng',
      'sales',
    ]);
  });
});
