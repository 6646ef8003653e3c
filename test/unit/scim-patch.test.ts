/**
 * Roster's own SCIM PATCH applier (issue 20): the forms identity providers send, every error it
 * answers, and a battery of prototype-pollution attempts that must leave `Object.prototype` alone.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ScimError } from '../../src/scim/scim-errors';
import { GROUP_ATTRIBUTES } from '../../src/scim/scim-group-resource';
import { applyPatch, type PatchSchema } from '../../src/scim/scim-patch';
import { USER_ATTRIBUTES } from '../../src/scim/scim-user-resource';

// biome-ignore lint/suspicious/noExplicitAny: assertions read SCIM resources freely
type Json = Record<string, any>;

const USER_ID = '6f1c1f7e-1111-4aaa-8bbb-000000000001';
const ANN = '6f1c1f7e-2222-4aaa-8bbb-000000000002';
const BOB = '6f1c1f7e-3333-4aaa-8bbb-000000000003';
const CAT = '6f1c1f7e-4444-4aaa-8bbb-000000000004';

function user(): Json {
  return {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
    id: USER_ID,
    externalId: 'ext-1',
    userName: 'ann@example.com',
    name: { formatted: 'Ann Lee', givenName: 'Ann', familyName: 'Lee' },
    displayName: 'Ann Lee',
    emails: [{ value: 'ann@example.com', type: 'work', primary: true }],
    active: true,
    roles: [{ value: 'editor', display: 'Editor' }],
    meta: { resourceType: 'User', version: 'W/"3"', location: `http://roster.test/scim/v2/Users/${USER_ID}` },
  };
}

function group(): Json {
  const member = (id: string, email: string) => ({
    value: id,
    display: email,
    type: 'User',
    $ref: `http://roster.test/scim/v2/Users/${id}`,
  });
  return {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
    id: '6f1c1f7e-9999-4aaa-8bbb-000000000009',
    displayName: 'Sales',
    members: [member(ANN, 'ann@example.com'), member(BOB, 'bob@example.com')],
    meta: { resourceType: 'Group', version: 'W/"1"' },
  };
}

const patchUser = (...operations: unknown[]) => applyPatch(user(), operations, USER_ATTRIBUTES) as Json;
const patchGroup = (...operations: unknown[]) => applyPatch(group(), operations, GROUP_ATTRIBUTES) as Json;
const memberIds = (resource: Json) => (resource.members as Json[]).map((m) => m.value);

/** The ScimError a PATCH is refused with. */
function refusal(resource: Json, schema: PatchSchema, ...operations: unknown[]): ScimError {
  try {
    applyPatch(resource, operations, schema);
  } catch (error) {
    if (!(error instanceof ScimError)) throw error;
    expect(error.status).toBe(400);
    return error;
  }
  throw new Error(`expected ${JSON.stringify(operations)} to be refused`);
}
const userRefusal = (...operations: unknown[]) => refusal(user(), USER_ATTRIBUTES, ...operations);
const groupRefusal = (...operations: unknown[]) => refusal(group(), GROUP_ATTRIBUTES, ...operations);

describe('applyPatch: the forms identity providers send', () => {
  it('takes op and attribute names in any case, writing Roster’s own names', () => {
    const after = patchUser(
      { op: 'Replace', path: 'DisplayName', value: 'Ann B. Lee' },
      { op: 'ADD', path: 'NAME.GIVENNAME', value: 'Annie' },
      { op: 'replace', path: 'urn:ietf:params:scim:schemas:core:2.0:User:userName', value: 'annie@example.com' },
    );
    expect(after).toMatchObject({ displayName: 'Ann B. Lee', userName: 'annie@example.com' });
    expect(after.name).toEqual({ formatted: 'Ann Lee', givenName: 'Annie', familyName: 'Lee' });
    expect(Object.keys(after)).not.toContain('DisplayName');
  });

  it('reads Entra ID’s "True" and "False" for active', () => {
    expect(patchUser({ op: 'Replace', path: 'active', value: 'False' }).active).toBe(false);
    expect(
      patchUser({ op: 'replace', path: 'active', value: 'False' }, { op: 'Add', path: 'active', value: 'TRUE' }).active,
    ).toBe(true);
  });

  it('merges an op without a path: names case-insensitive, dotted keys as paths, complex attributes merged', () => {
    const after = patchUser({
      op: 'Replace',
      value: { DisplayName: 'Ann Other', Active: 'False', 'name.familyName': 'Other', Name: { Formatted: 'Ann Other' } },
    });
    expect(after).toMatchObject({ displayName: 'Ann Other', active: false, userName: 'ann@example.com' });
    expect(after.name).toEqual({ formatted: 'Ann Other', givenName: 'Ann', familyName: 'Other' });
  });

  it('ignores a read-only attribute sent back unchanged in an op without a path (Okta renames a group so)', () => {
    const after = patchGroup({ op: 'replace', value: { id: group().id, schemas: group().schemas, displayName: 'Sales EMEA' } });
    expect(after.displayName).toBe('Sales EMEA');
    expect(after.id).toBe(group().id);
  });

  it('replaces through a filter, case-insensitively where the attribute is', () => {
    const after = patchUser({ op: 'Replace', path: 'emails[type eq "WORK"].value', value: 'ann.lee@example.com' });
    expect(after.emails).toEqual([{ value: 'ann.lee@example.com', type: 'work', primary: true }]);
    const whole = patchUser({ op: 'replace', path: 'emails[value eq "ANN@example.com"]', value: { value: 'x@example.com' } });
    expect(whole.emails).toEqual([{ value: 'x@example.com' }]);
  });

  it('adds through a filter that matches nothing by creating the value it describes, keeping one primary', () => {
    const after = patchUser(
      { op: 'add', path: 'emails[type eq "home"].value', value: 'ann@home.example' },
      { op: 'add', path: 'emails[type eq "home"].primary', value: 'True' },
    );
    expect(after.emails).toEqual([
      { value: 'ann@example.com', type: 'work', primary: false },
      { type: 'home', value: 'ann@home.example', primary: true },
    ]);
    expect(patchUser({ op: 'add', path: 'roles[primary eq "True"].value', value: 'viewer' }).roles).toEqual([
      { value: 'editor', display: 'Editor' },
      { primary: true, value: 'viewer' },
    ]);
  });

  it('takes filters with and, or, not and the other operators', () => {
    const base = user();
    base.emails.push({ value: 'ann@home.example', type: 'home' });
    const patch = (path: string) =>
      (applyPatch(base, [{ op: 'remove', path }], USER_ATTRIBUTES) as Json).emails.map((e: Json) => e.type);
    expect(patch('emails[type eq "work" and primary eq true]')).toEqual(['home']);
    expect(patch('emails[type eq "x" or value ew "home.example"]')).toEqual(['work']);
    expect(patch('emails[not (type eq "work")]')).toEqual(['work']);
    expect(patch('emails[value co "HOME"]')).toEqual(['work']);
    expect(patch('emails[value sw "ann@e"]')).toEqual(['home']);
    expect(patch('emails[primary pr]')).toEqual(['home']);
    expect(patch('emails[type ne "work"]')).toEqual(['work']);
    expect(patch('emails[type gt "i"]')).toEqual(['home']);
  });

  it('adds members without duplicates, replaces them, and removes them by filter or by value list', () => {
    const added = patchGroup({
      op: 'Add',
      path: 'members',
      value: [{ value: BOB, display: 'bob@example.com' }, { value: CAT }, { value: CAT.toUpperCase() }],
    });
    expect(memberIds(added)).toEqual([ANN, BOB, CAT]);
    expect(memberIds(patchGroup({ op: 'replace', path: 'members', value: [{ value: CAT }] }))).toEqual([CAT]);
    expect(memberIds(patchGroup({ op: 'Remove', path: `members[value eq "${ANN}"]` }))).toEqual([BOB]);
    // Entra ID's form; a member not in the group is already gone.
    expect(memberIds(patchGroup({ op: 'Remove', path: 'members', value: [{ value: BOB }, { value: CAT }] }))).toEqual([ANN]);
    expect(patchGroup({ op: 'remove', path: 'members' })).not.toHaveProperty('members');
    expect(memberIds(patchGroup({ op: 'add', value: { members: [{ value: CAT }] } }))).toEqual([ANN, BOB, CAT]);
  });

  it('replaces a multi-valued attribute whole, takes one value for a list, and removes single attributes', () => {
    expect(patchUser({ op: 'replace', path: 'roles', value: [{ value: 'viewer' }, 'partner=acme'] }).roles).toEqual([
      { value: 'viewer' },
      { value: 'partner=acme' },
    ]);
    expect(patchUser({ op: 'add', path: 'roles', value: { value: 'viewer' } }).roles).toHaveLength(2);
    const removed = patchUser({ op: 'remove', path: 'externalId' }, { op: 'remove', path: 'name.givenName' });
    expect(removed).not.toHaveProperty('externalId');
    expect(removed.name).toEqual({ formatted: 'Ann Lee', familyName: 'Lee' });
    expect(patchUser({ op: 'replace', path: 'displayName', value: null })).not.toHaveProperty('displayName');
  });

  it('works on a null-prototype copy and leaves the resource it was given alone', () => {
    const before = user();
    const after = applyPatch(before, [{ op: 'replace', path: 'name.givenName', value: 'Zed' }], USER_ATTRIBUTES) as Json;
    expect(before).toEqual(user());
    expect(Object.getPrototypeOf(after)).toBeNull();
    expect(Object.getPrototypeOf(after.name)).toBeNull();
    expect(Object.getPrototypeOf(after.emails[0])).toBeNull();
    expect(JSON.parse(JSON.stringify(after)).name.givenName).toBe('Zed');
  });
});

describe('applyPatch: the attributes Entra ID and Okta send beyond the core ones', () => {
  const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

  it('sets a value through a filtered path, creating the value the filter names', () => {
    const after = patchUser(
      { op: 'Add', path: 'addresses[type eq "work"].country', value: 'NZ' },
      { op: 'add', path: 'phoneNumbers[type eq "mobile"].value', value: '+64 21 000' },
      { op: 'replace', path: 'emails[type eq "work"].value', value: 'ann.lee@example.com' },
    );
    expect(after.addresses).toEqual([{ type: 'work', country: 'NZ' }]);
    expect(after.phoneNumbers).toEqual([{ type: 'mobile', value: '+64 21 000' }]);
    expect(after.emails[0].value).toBe('ann.lee@example.com');
  });

  it('a replace through a filter that names none of the values is noTarget; of an attribute not there at all, an add', () => {
    const error = userRefusal({ op: 'replace', path: 'emails[type eq "home"].value', value: 'x@example.com' });
    expect(error.scimType).toBe('noTarget');
    const added = patchUser({ op: 'Replace', path: 'addresses[type eq "work"].streetAddress', value: '1 Queen St' });
    expect(added.addresses).toEqual([{ type: 'work', streetAddress: '1 Queen St' }]);
  });

  it('takes the enterprise extension by its URN, an attribute of it, or the manager by id alone (Entra ID)', () => {
    const after = patchUser(
      { op: 'add', path: `${ENTERPRISE}:department`, value: 'Sales' },
      { op: 'add', path: `${ENTERPRISE}:manager`, value: BOB },
      { op: 'add', value: { [`${ENTERPRISE.toUpperCase()}:costCenter`]: 'CC-1', title: 'Lead' } },
      { op: 'replace', value: { [ENTERPRISE]: { division: 'East' } } },
    );
    expect(after[ENTERPRISE]).toEqual({ department: 'Sales', manager: { value: BOB }, costCenter: 'CC-1', division: 'East' });
    expect(after.title).toBe('Lead');
    const cleared = applyPatch(after, [{ op: 'remove', path: `${ENTERPRISE}:manager.value` }], USER_ATTRIBUTES) as Json;
    expect(cleared[ENTERPRISE].manager).toBeUndefined();
  });
});

describe('applyPatch: errors name the path at fault', () => {
  it.each([
    ['ims', 'x'],
    ['name.middleName', 'x'],
    ['emails[type eq "work"].display', 'x'],
    ['emails[kind eq "work"].value', 'x'],
    ['displayName[value eq "x"]', 'x'],
    ['urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:badge', 'x'],
    ['urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.displayName', 'x'],
    ['urn:ietf:params:scim:schemas:extension:other:2.0:User:department', 'x'],
    ['emails[type eq "work"', 'x'],
    ['emails[type eq "work"]value', 'x'],
    ['name.givenName.first', 'x'],
  ])('an unknown or malformed path %s is invalidPath', (path, value) => {
    const error = userRefusal({ op: 'replace', path, value });
    expect(error.scimType).toBe('invalidPath');
    expect(error.message).toContain(path.slice(0, 20));
  });

  it('an unknown key in a value is invalidPath', () => {
    expect(userRefusal({ op: 'add', value: { ims: 'x' } }).scimType).toBe('invalidPath');
    expect(userRefusal({ op: 'add', path: 'name', value: { middleName: 'x' } }).message).toContain('name.middleName');
    expect(groupRefusal({ op: 'add', path: 'members', value: [{ value: CAT, owner: true }] }).scimType).toBe('invalidPath');
  });

  it('a filter that matches nothing on remove or replace is noTarget; so is a remove without a path', () => {
    for (const op of ['remove', 'replace']) {
      const error = groupRefusal({ op, path: `members[value eq "${CAT}"]`, value: { value: CAT } });
      expect(error.scimType).toBe('noTarget');
      expect(error.message).toContain(`members[value eq "${CAT}"]`);
    }
    expect(userRefusal({ op: 'replace', path: 'emails[type eq "home"].value', value: 'x@home.example' }).scimType).toBe(
      'noTarget',
    );
    expect(userRefusal({ op: 'add', path: 'emails[type ne "work"].value', value: 'x' }).scimType).toBe('noTarget');
    expect(userRefusal({ op: 'remove' }).scimType).toBe('noTarget');
  });

  it('read-only attributes and immutable sub-attributes are mutability', () => {
    for (const path of ['id', 'meta', 'meta.version', 'schemas', 'roles[value eq "editor"].display']) {
      const error = userRefusal({ op: 'replace', path, value: 'x' });
      expect(error.scimType).toBe('mutability');
      expect(error.message).toContain(path);
    }
    expect(userRefusal({ op: 'replace', value: { id: 'someone-else' } }).scimType).toBe('mutability');
    expect(groupRefusal({ op: 'replace', path: `members[value eq "${ANN}"].value`, value: CAT }).scimType).toBe('mutability');
  });

  it.each([
    [{ op: 'replace', path: 'displayName', value: 5 }, 'displayName'],
    [{ op: 'replace', path: 'active', value: 'yes' }, 'active'],
    [{ op: 'replace', path: 'active', value: 1 }, 'active'],
    [{ op: 'replace', path: 'name', value: 'Ann Lee' }, 'name'],
    [{ op: 'add', path: 'emails', value: [5] }, 'emails'],
    [{ op: 'add', path: 'emails', value: [null] }, 'emails'],
    [{ op: 'add', path: 'emails[type eq "work"].primary', value: 'sometimes' }, 'emails'],
    [{ op: 'replace', value: 'not an object' }, 'Operation 1'],
    [{ op: 'add', path: 'displayName' }, 'displayName'],
    [{ op: 'remove', path: 'userName' }, 'userName'],
    [{ op: 'replace', path: 'userName', value: null }, 'userName'],
  ])('a value of the wrong type is invalidValue: %j', (operation, named) => {
    const error = userRefusal(operation);
    expect(error.scimType).toBe('invalidValue');
    expect(error.message).toContain(named);
  });

  it('a group’s members must be objects with string values, and its displayName stays', () => {
    expect(groupRefusal({ op: 'add', path: 'members', value: [{ value: 5 }] }).scimType).toBe('invalidValue');
    expect(groupRefusal({ op: 'remove', path: 'displayName' }).scimType).toBe('invalidValue');
  });

  it('an op it does not know, or an operation that is not an object, is invalidSyntax; a filter it cannot read, invalidFilter', () => {
    expect(userRefusal({ op: 'merge', path: 'displayName', value: 'x' }).scimType).toBe('invalidSyntax');
    expect(userRefusal({ op: { toString: 'x' }, path: 'displayName', value: 'x' }).scimType).toBe('invalidSyntax');
    expect(userRefusal('add').scimType).toBe('invalidSyntax');
    expect(userRefusal({ op: 'remove', path: 'emails[type eq]' }).scimType).toBe('invalidFilter');
    expect(userRefusal({ op: 'remove', path: 'emails[type[value eq "x"]]' }).scimType).toBe('invalidFilter');
  });

  it('names the operation at fault and applies nothing of a PATCH that fails', () => {
    const before = user();
    let error: ScimError | undefined;
    try {
      applyPatch(
        before,
        [
          { op: 'replace', path: 'displayName', value: 'Changed' },
          { op: 'replace', path: 'ims', value: 'x' },
        ],
        USER_ATTRIBUTES,
      );
    } catch (caught) {
      error = caught as ScimError;
    }
    expect(error?.message).toMatch(/^Operation 2 \(ims\)/);
    expect(before.displayName).toBe('Ann Lee');
  });

  it('refuses values nested deeper than any SCIM value', () => {
    let deep: unknown = 'x';
    for (let i = 0; i < 20; i++) deep = [deep];
    expect(userRefusal({ op: 'add', path: 'roles', value: deep }).scimType).toBe('invalidValue');
  });
});

/** PATCH operations that polluted `Object.prototype` through scim-patch 0.8.3, and variations; JSON-parsed as a request is. */
const HOSTILE_OPERATIONS: unknown[] = [
  { op: 'add', path: '__proto__.x', value: 'y' },
  { op: 'replace', path: '__proto__.x', value: 'y' },
  { op: 'add', path: 'constructor.prototype.x', value: 'y' },
  { op: 'add', path: 'Constructor.Prototype.x', value: 'y' },
  { op: 'add', path: 'name.__proto__.x', value: 'y' },
  { op: 'add', path: 'name.constructor.prototype.x', value: 'y' },
  { op: 'add', path: '__proto__', value: { x: 'y' } },
  { op: 'replace', path: 'constructor', value: { prototype: { x: 'y' } } },
  { op: 'add', path: 'toString.x', value: 'y' },
  { op: 'add', path: 'hasOwnProperty', value: 'y' },
  { op: 'add', path: 'valueOf.x', value: 'y' },
  { op: 'add', path: '__defineGetter__', value: 'y' },
  { op: 'add', path: 'urn:ietf:params:scim:schemas:core:2.0:User:__proto__.x', value: 'y' },
  { op: 'add', path: 'emails[type eq "work"].__proto__', value: { x: 'y' } },
  { op: 'add', path: 'emails[__proto__ eq "x"].value', value: 'y' },
  { op: 'add', path: 'emails[constructor.prototype eq "x"].value', value: 'y' },
  { op: 'add', path: 'members[value eq "x"].__proto__.x', value: 'y' },
  { op: 'add', path: 'members.constructor.prototype.x', value: 'y' },
  ...[
    '{"op":"add","value":{"__proto__":{"x":"y"}}}',
    '{"op":"replace","value":{"__proto__.x":"y"}}',
    '{"op":"add","value":{"constructor":{"prototype":{"x":"y"}}}}',
    '{"op":"replace","value":{"toString.x":"y"}}',
    '{"op":"add","path":"name","value":{"__proto__":{"x":"y"}}}',
    '{"op":"add","path":"name","value":{"givenName":"Ann","constructor":{"prototype":{"x":"y"}}}}',
    '{"op":"add","path":"emails","value":[{"value":"a@example.com","__proto__":{"x":"y"}}]}',
    '{"op":"add","path":"roles","value":[{"value":"editor","constructor":{"prototype":{"x":"y"}}}]}',
    '{"op":"add","path":"members","value":[{"value":"x","__proto__":{"x":"y"}}]}',
    '{"op":"add","path":"displayName","value":"x","__proto__":{"x":"y"}}',
    '{"op":"add","path":"displayName","value":{"a":{"b":{"__proto__":{"x":"y"}}}}}',
    '{"op":"add","value":{"displayName":"ok","name":{"prototype":{"x":"y"}}}}',
  ].map((text) => JSON.parse(text)),
];

describe('applyPatch: prototype pollution', () => {
  const clean = Object.getOwnPropertyNames(Object.prototype).sort();
  afterEach(() => {
    // If a case ever pollutes, the others must not inherit it.
    for (const name of Object.getOwnPropertyNames(Object.prototype))
      if (!clean.includes(name)) delete (Object.prototype as Record<string, unknown>)[name];
  });

  it.each(HOSTILE_OPERATIONS.map((operation) => [JSON.stringify(operation), operation]))(
    'refuses %s for users and groups, with 400 and Object.prototype untouched',
    (_text, operation) => {
      for (const [resource, schema] of [
        [user(), USER_ATTRIBUTES],
        [group(), GROUP_ATTRIBUTES],
      ] as const) {
        const error = refusal(resource, schema, operation);
        expect(['invalidPath', 'invalidValue', 'invalidFilter', 'mutability']).toContain(error.scimType);
      }
      expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(clean);
      expect(({} as Json).x).toBeUndefined();
      expect(Object.prototype.toString.call([])).toBe('[object Array]');
    },
  );

  it('refuses each whatever comes before it in the same PATCH', () => {
    for (const operation of HOSTILE_OPERATIONS) {
      const error = userRefusal({ op: 'replace', path: 'displayName', value: 'fine' }, operation);
      expect(error.message).toMatch(/^Operation 2/);
    }
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(clean);
  });
});
