/**
 * SCIM lists over real HTTP against the real Roster (issue 23, items 5 and 6): filters on the
 * attributes identity providers send (name parts, title, the enterprise extension, phone numbers,
 * value paths), sortBy/sortOrder with paging, and attribute names whatever their case in `sortBy`,
 * `attributes` and `excludedAttributes`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from '../support/roster-harness';
import { issueScimToken, type Json, scimRequests } from '../support/scim-client';
import { testTargets } from '../support/test-database';

const ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';
const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

describe.each(testTargets())('SCIM 2.0 filters and sorts (%s store)', (target) => {
  let h: Harness;
  let token = '';
  const ids: Record<string, string> = {};

  const scim = scimRequests(
    () => h,
    () => token,
  );

  const list = async (resource: 'Users' | 'Groups', query: Record<string, string>) =>
    (await scim('GET', `/${resource}?${new URLSearchParams(query)}`)).json;
  const userNames = async (query: Record<string, string>) =>
    ((await list('Users', query)).Resources as Json[]).map((r) => r.userName);

  beforeAll(async () => {
    h = await startHarness(target, { SEAT_LIMIT: '40' });
    token = await issueScimToken(h);

    const create = async (key: string, body: Json) => {
      const made = await scim('POST', '/Users', { schemas: [USER, ENTERPRISE], ...body });
      expect(made.status).toBe(201);
      ids[key] = made.json.id;
    };
    await create('jane', {
      userName: 'jdoe',
      name: { givenName: 'Jane', familyName: 'Doe' },
      emails: [{ value: 'jane.doe@q.example', type: 'work', primary: true }],
      title: 'Engineer',
      phoneNumbers: [
        { value: '+1 555 0100', type: 'work' },
        { value: '+44 7700 900000', type: 'mobile' },
      ],
      [ENTERPRISE]: { department: 'R&D', employeeNumber: '7' },
    });
    await create('pat', {
      userName: 'OMalley',
      name: { givenName: 'Pat', familyName: "O'Malley" },
      emails: [{ value: 'pat@q.example', type: 'work' }],
      title: 'Sales Manager',
      [ENTERPRISE]: { department: 'Sales', manager: { value: ids.jane } },
    });
    await create('zed', {
      userName: 'zed@q.example',
      name: { givenName: 'Zed', familyName: 'Alpha' },
      active: false,
    });
    const group = await scim('POST', '/Groups', {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
      displayName: 'Q Team',
      externalId: 'ext-Q',
      members: [{ value: ids.jane }, { value: ids.pat }],
    });
    expect(group.status).toBe(201);
    const other = await scim('POST', '/Groups', { displayName: 'another team', members: [] });
    expect(other.status).toBe(201);
  });
  afterAll(async () => {
    await h?.close();
  });

  it('filters on name parts, core and enterprise attributes, phone numbers and value paths', async () => {
    const cases: Array<[string, string[]]> = [
      ['name.familyName eq "DOE"', ['jdoe']],
      ['name.givenName sw "pa" or title ew "engineer"', ['jdoe', 'OMalley']],
      ['userName eq "omalley"', ['OMalley']],
      [`${ENTERPRISE}:department eq "sales"`, ['OMalley']],
      [`${ENTERPRISE}:manager.value eq "${ids.jane}"`, ['OMalley']],
      ['employeeNumber eq "7" and not (title co "sales")', ['jdoe']],
      ['phoneNumbers[type eq "work" and value sw "+1"]', ['jdoe']],
      ['phoneNumbers[type eq "mobile" and value sw "+1"]', []],
      ['emails[type eq "work" and value co "@Q.example"] and active eq false', ['zed@q.example']],
      ['title pr and (name.familyName eq "alpha" or userName ew "alley")', ['OMalley']],
    ];
    for (const [filter, expected] of cases) {
      expect(await userNames({ filter, sortBy: 'userName' }), filter).toEqual(expected);
    }
    const first = (await list('Users', { filter: 'userName eq "jdoe"' })).Resources[0];
    expect(await userNames({ filter: `meta.created ge "${first.meta.created}" and emails co "q.example"` })).toHaveLength(3);
    expect(await userNames({ filter: `meta.created lt "${first.meta.created}" and emails co "q.example"` })).toEqual([]);
    // What Roster does not return stays refused, by name.
    const res = await scim('GET', `/Users?${new URLSearchParams({ filter: `title pr and ${ENTERPRISE}:shoeSize eq "9"` })}`);
    expect(res).toMatchObject({ status: 400, json: { schemas: [ERROR], scimType: 'invalidFilter' } });
    expect(res.json.detail).toContain(`${ENTERPRISE}:shoeSize`);
  });

  it('sorts descending by a name part and pages the sorted list; sortBy whatever its case', async () => {
    const query = { filter: 'emails co "@q.example"', sortBy: 'name.familyName', sortOrder: 'descending', count: '2' };
    const first = await list('Users', query);
    const second = await list('Users', { ...query, startIndex: '3' });
    expect(first).toMatchObject({ totalResults: 3, itemsPerPage: 2, startIndex: 1 });
    expect([...first.Resources, ...second.Resources].map((r: Json) => r.name.familyName)).toEqual(["O'Malley", 'Doe', 'Alpha']);
    expect(await userNames({ filter: 'emails co "@q.example"', sortBy: `${USER.toUpperCase()}:USERNAME` })).toEqual([
      'jdoe',
      'OMalley',
      'zed@q.example',
    ]);
    const bad = await scim('GET', '/Users?sortBy=shoeSize');
    expect(bad).toMatchObject({ status: 400, json: { schemas: [ERROR], scimType: 'invalidValue' } });
    const config = await scim('GET', '/ServiceProviderConfig');
    expect(config.json.sort).toEqual({ supported: true });
  });

  it('filters and sorts groups by externalId, members and displayName', async () => {
    const names = async (query: Record<string, string>) =>
      ((await list('Groups', query)).Resources as Json[]).map((r) => r.displayName);
    expect(await names({ filter: 'externalId eq "ext-Q"' })).toEqual(['Q Team']);
    expect(await names({ filter: 'externalId eq "EXT-Q"' })).toEqual([]);
    expect(await names({ filter: `members[value eq "${ids.pat}"] and displayName sw "q"` })).toEqual(['Q Team']);
    expect(await names({ filter: 'displayName co "team"', sortBy: 'DisplayName', sortOrder: 'descending' })).toEqual([
      'Q Team',
      'another team',
    ]);
  });

  it('reads attributes and excludedAttributes whatever their case, with or without the URN', async () => {
    const only = await list('Users', {
      filter: 'userName eq "jdoe"',
      attributes: `USERNAME,Name.GivenName,${ENTERPRISE.toLowerCase()}:DEPARTMENT`,
    });
    expect(only.Resources[0]).toEqual({
      schemas: [USER, ENTERPRISE],
      id: ids.jane,
      userName: 'jdoe',
      name: { givenName: 'Jane' },
      [ENTERPRISE]: { department: 'R&D' },
    });
    const without = await list('Users', { filter: 'userName eq "jdoe"', excludedAttributes: `EMAILS,Meta,${USER}:Title` });
    expect(without.Resources[0]).not.toHaveProperty('emails');
    expect(without.Resources[0]).not.toHaveProperty('meta');
    expect(without.Resources[0]).not.toHaveProperty('title');
    expect(without.Resources[0]).toHaveProperty('phoneNumbers');
  });
});
