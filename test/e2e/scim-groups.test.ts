/**
 * SCIM 2.0 Groups (issue 11) over real HTTP: custom groups and Default with members added and
 * removed, All Users read-only, Okta's and Entra ID's PATCH forms, errors and versions.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from '../support/roster-harness';
import { issueScimToken, type Json, scimRequests } from '../support/scim-client';
import { testTargets } from '../support/test-database';

const ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';

describe.each(testTargets())('SCIM 2.0 Groups (%s store)', (target) => {
  let h: Harness;
  let token = '';
  const ids: Record<string, string> = {};

  const scim = scimRequests(
    () => h,
    () => token,
  );
  const members = (res: { json: Json }) => (res.json.members as Json[]).map((m) => m.display).sort();
  const byName = async (name: string) =>
    (await scim('GET', `/Groups?filter=${encodeURIComponent(`displayName eq "${name}"`)}`)).json.Resources[0] as Json;

  beforeAll(async () => {
    h = await startHarness(target, { APPROVALS_CHANNEL: 'C0APPROVALS' });
    token = await issueScimToken(h);
    for (const name of ['ann', 'bob', 'cat', 'dan']) {
      const res = await scim('POST', '/Users', { schemas: [USER], userName: `${name}@example.com`, active: true });
      ids[name] = res.json.id as string;
    }
  });
  afterAll(async () => {
    await h?.close();
  });

  it('lists All Users (every user) and Default, and filters by displayName and members.value', async () => {
    const list = await scim('GET', '/Groups');
    expect(list.status).toBe(200);
    expect(list.headers.get('content-type')).toContain('application/scim+json');
    const all = (list.json.Resources as Json[]).find((g) => g.displayName === 'All Users') as Json;
    expect(all.members).toHaveLength(5);
    expect((await byName('default')).displayName).toBe('Default');
    const types = await scim('GET', '/ResourceTypes/Group');
    expect(types.json).toMatchObject({ endpoint: '/Groups', schema: GROUP });
    expect((await scim('GET', `/Schemas/${GROUP}`)).json.id).toBe(GROUP);
    const bad = await scim('GET', `/Groups?filter=${encodeURIComponent('title eq "x"')}`);
    expect(bad.json).toMatchObject({ schemas: [ERROR], status: '400', scimType: 'invalidFilter' });
  });

  it('follows Okta’s sequence: POST with members, rename by a value object, add and remove members, PUT, DELETE', async () => {
    const created = await scim('POST', '/Groups', { schemas: [GROUP], displayName: 'Sales', members: [{ value: ids.ann }] });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ displayName: 'Sales', meta: { resourceType: 'Group', version: 'W/"1"' } });
    expect(members(created)).toEqual(['ann@example.com']);
    const id = created.json.id as string;
    const renamed = await scim('PATCH', `/Groups/${id}`, {
      schemas: [PATCH],
      Operations: [{ op: 'replace', value: { id, displayName: 'Sales EMEA' } }],
    });
    expect(renamed.json.displayName).toBe('Sales EMEA');
    const added = await scim('PATCH', `/Groups/${id}`, {
      schemas: [PATCH],
      Operations: [{ op: 'add', path: 'members', value: [{ value: ids.bob, display: 'bob@example.com' }, { value: ids.cat }] }],
    });
    expect(members(added)).toEqual(['ann@example.com', 'bob@example.com', 'cat@example.com']);
    const removed = await scim('PATCH', `/Groups/${id}`, {
      schemas: [PATCH],
      Operations: [{ op: 'remove', path: `members[value eq "${ids.ann}"]` }],
    });
    expect(members(removed)).toEqual(['bob@example.com', 'cat@example.com']);
    const bob = await h.roster.prisma.user.findUniqueOrThrow({
      where: { id: ids.bob },
      include: { groups: { include: { group: true } } },
    });
    expect(bob.groups.map((m) => m.group.name)).toEqual(['Sales EMEA']);
    const put = await scim('PUT', `/Groups/${id}`, {
      schemas: [GROUP],
      displayName: 'Sales EMEA',
      members: [{ value: ids.dan }],
    });
    expect(members(put)).toEqual(['dan@example.com']);
    const events = await h.roster.prisma.auditEvent.findMany({ where: { action: { startsWith: 'group.' } } });
    expect(new Set(events.map((e) => e.source))).toEqual(new Set(['scim']));
    expect(events.map((e) => e.action)).toEqual(
      expect.arrayContaining(['group.created', 'group.renamed', 'group.members-changed']),
    );
    expect((await scim('DELETE', `/Groups/${id}`)).status).toBe(204);
    expect((await scim('GET', `/Groups/${id}`)).status).toBe(404);
    expect(await h.roster.prisma.user.count({ where: { id: ids.dan } })).toBe(1);
  });

  it('follows Entra ID’s sequence: capitalised Add and Remove, members[value eq …], Replace displayName', async () => {
    const created = await scim('POST', '/Groups', { schemas: [GROUP], displayName: 'Engineering' });
    const id = created.json.id as string;
    await scim('PATCH', `/Groups/${id}`, {
      schemas: [PATCH],
      Operations: [{ op: 'Add', path: 'members', value: [{ value: ids.ann }, { value: ids.bob }] }],
    });
    const removed = await scim('PATCH', `/Groups/${id}`, {
      schemas: [PATCH],
      Operations: [
        { op: 'Remove', path: `members[value eq "${ids.bob}"]` },
        { op: 'Replace', path: 'displayName', value: 'Platform' },
      ],
    });
    expect(removed.json.displayName).toBe('Platform');
    expect(members(removed)).toEqual(['ann@example.com']);
    const withAnn = await scim('GET', `/Groups?filter=${encodeURIComponent(`members[value eq "${ids.ann}"]`)}`);
    expect((withAnn.json.Resources as Json[]).map((g) => g.displayName).sort()).toEqual(['All Users', 'Platform']);
  });

  it('lists members as {value, $ref, display, type} and keeps the group externalId through POST, PATCH and PUT', async () => {
    const created = await scim('POST', '/Groups', {
      schemas: [GROUP],
      displayName: 'Okta Engineering',
      externalId: '00g1okta',
      members: [{ value: ids.ann }],
    });
    expect(created.status).toBe(201);
    const id = created.json.id as string;
    expect(created.json.externalId).toBe('00g1okta');
    const [member] = created.json.members as Json[];
    expect(Object.keys(member as Json).sort()).toEqual(['$ref', 'display', 'type', 'value']);
    expect(member).toEqual({
      value: ids.ann,
      $ref: `http://roster.test/scim/v2/Users/${ids.ann}`,
      display: 'ann@example.com',
      type: 'User',
    });
    const patched = await scim('PATCH', `/Groups/${id}`, {
      schemas: [PATCH],
      Operations: [{ op: 'Replace', path: 'externalId', value: 'entra-g-2' }],
    });
    expect(patched.json).toMatchObject({ externalId: 'entra-g-2', meta: { version: 'W/"2"' } });
    const found = await scim('GET', `/Groups?filter=${encodeURIComponent('externalId eq "entra-g-2"')}`);
    expect(found.json.Resources.map((g: Json) => g.id)).toEqual([id]);
    const put = await scim('PUT', `/Groups/${id}`, { schemas: [GROUP], displayName: 'Okta Engineering', members: [] });
    expect(put.json).not.toHaveProperty('externalId');
    const trail = await h.roster.prisma.auditEvent.findMany({
      where: { action: 'group.external-id-changed' },
      orderBy: { at: 'asc' },
    });
    expect(trail.map((e) => e.after)).toEqual([{ externalId: 'entra-g-2' }, { externalId: null }]);
  });

  it('lets Default be renamed and given members but not deleted; All Users is read-only', async () => {
    const defaults = await byName('Default');
    const patched = await scim('PATCH', `/Groups/${defaults.id}`, {
      schemas: [PATCH],
      Operations: [{ op: 'add', path: 'members', value: [{ value: ids.cat }] }],
    });
    expect(members(patched)).toEqual(['cat@example.com']);
    const del = await scim('DELETE', `/Groups/${defaults.id}`);
    expect(del.json).toMatchObject({ status: '400', scimType: 'mutability' });
    const all = await byName('All Users');
    for (const res of [
      await scim('PATCH', `/Groups/${all.id}`, {
        schemas: [PATCH],
        Operations: [{ op: 'replace', path: 'displayName', value: 'X' }],
      }),
      await scim('PUT', `/Groups/${all.id}`, { schemas: [GROUP], displayName: 'All Users', members: [] }),
      await scim('DELETE', `/Groups/${all.id}`),
    ]) {
      expect(res.json).toMatchObject({ schemas: [ERROR], status: '400', scimType: 'mutability' });
    }
  });

  it('refuses a taken name, unknown members, unknown groups and stale versions', async () => {
    const taken = await scim('POST', '/Groups', { schemas: [GROUP], displayName: 'default' });
    expect(taken.json).toMatchObject({ status: '409', scimType: 'uniqueness' });
    const notId = await scim('POST', '/Groups', { schemas: [GROUP], displayName: 'Ops', members: [{ value: 'bob' }] });
    expect(notId.json).toMatchObject({ status: '400', scimType: 'invalidValue' });
    const nobody = await scim('POST', '/Groups', {
      schemas: [GROUP],
      displayName: 'Ops',
      members: [{ value: '00000000-0000-4000-8000-000000000000' }],
    });
    expect(nobody.json).toMatchObject({ status: '400', scimType: 'invalidValue' });
    expect(await h.roster.prisma.group.count({ where: { name: 'Ops' } })).toBe(0);
    expect((await scim('GET', '/Groups/00000000-0000-4000-8000-000000000000')).status).toBe(404);
    const group = await scim('POST', '/Groups', { schemas: [GROUP], displayName: 'Versioned' });
    const version = group.json.meta.version as string;
    await scim('PATCH', `/Groups/${group.json.id}`, {
      schemas: [PATCH],
      Operations: [{ op: 'add', path: 'members', value: [{ value: ids.ann }] }],
    });
    const stale = await scim(
      'PATCH',
      `/Groups/${group.json.id}`,
      { schemas: [PATCH], Operations: [{ op: 'replace', path: 'displayName', value: 'Late' }] },
      { 'If-Match': version },
    );
    expect(stale.status).toBe(412);
    expect((await scim('GET', `/Groups/${group.json.id}`)).json.displayName).toBe('Versioned');
  });
});
