/**
 * SCIM 2.0 `/Bulk` (RFC 7644 §3.7, issue 23 item 9) over real HTTP against the real Roster: users
 * and a group that names them by bulkId, PUT/PATCH/DELETE by path with versions, one failing
 * operation among successes, failOnErrors, the maxOperations and maxPayloadSize limits, unknown and
 * circular bulkIds, and the same rules and audit trail as the single endpoints.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from '../support/roster-harness';
import { issueScimToken, type Json, scimRequests } from '../support/scim-client';
import { testTargets } from '../support/test-database';

const ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';
const BULK_REQUEST = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';
const BULK_RESPONSE = 'urn:ietf:params:scim:api:messages:2.0:BulkResponse';
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';

describe.each(testTargets())('SCIM 2.0 /Bulk (%s store)', (target) => {
  let h: Harness;
  let token = '';

  const scim = scimRequests(
    () => h,
    () => token,
  );
  const bulk = (Operations: Json[], extra: Json = {}) => scim('POST', '/Bulk', { schemas: [BULK_REQUEST], Operations, ...extra });
  const user = (userName: string, extra: Json = {}) => ({ schemas: [USER], userName, active: true, ...extra });
  const post = (bulkId: string, userName: string, extra: Json = {}) => ({
    method: 'POST',
    path: '/Users',
    bulkId,
    data: user(userName, extra),
  });
  const count = (email: string) => h.roster.prisma.user.count({ where: { email } });

  beforeAll(async () => {
    h = await startHarness(target, { SEAT_LIMIT: '100' });
    token = await issueScimToken(h);
  });
  afterAll(async () => {
    await h?.close();
  });

  it('is announced in ServiceProviderConfig with its limits, and needs the token', async () => {
    const config = await scim('GET', '/ServiceProviderConfig');
    expect(config.json.bulk).toEqual({ supported: true, maxOperations: 1000, maxPayloadSize: 4194304 });
    const saved = token;
    token = '';
    const anonymous = await bulk([post('x', 'anonymous@example.com')]);
    token = saved;
    expect(anonymous.status).toBe(401);
    expect(anonymous.json).toMatchObject({ schemas: [ERROR], status: '401' });
    expect(await count('anonymous@example.com')).toBe(0);
  });

  it('creates users and a group that names them by bulkId, even when the group comes first, with the SCIM actor’s audit trail', async () => {
    const res = await bulk([
      {
        method: 'POST',
        path: '/Groups',
        bulkId: 'team',
        data: { schemas: [GROUP], displayName: 'Bulk Team', members: [{ value: 'bulkId:ann' }, { value: 'bulkId:bob' }] },
      },
      post('ann', 'bulk.ann@example.com', { name: { givenName: 'Ann', familyName: 'Bulk' } }),
      post('bob', 'bulk.bob@example.com'),
    ]);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/scim+json');
    expect(res.json.schemas).toEqual([BULK_RESPONSE]);
    const ops = res.json.Operations as Json;
    expect(ops.map((o: Json) => [o.method, o.bulkId, o.status])).toEqual([
      ['POST', 'team', '201'],
      ['POST', 'ann', '201'],
      ['POST', 'bob', '201'],
    ]);
    const ann = await h.roster.prisma.user.findFirstOrThrow({ where: { email: 'bulk.ann@example.com' } });
    // Each answer carries the version the operation left; the group's members were bumped after that.
    expect(ops[1].location).toMatch(new RegExp(`/scim/v2/Users/${ann.id}$`));
    expect(ops[1].version).toBe(`W/"${ann.version - 1}"`);
    expect(ops[1].response).toBeUndefined();
    const group = await scim('GET', new URL(ops[0].location).pathname.replace('/scim/v2', ''));
    expect(group.json.displayName).toBe('Bulk Team');
    expect((group.json.members as Json).map((m: Json) => m.display).sort()).toEqual([
      'bulk.ann@example.com',
      'bulk.bob@example.com',
    ]);
    expect(ops[0].version).toBe(group.json.meta.version);
    const listed = await scim('GET', `/Users?filter=${encodeURIComponent('userName eq "bulk.ann@example.com"')}`);
    expect(listed.json.totalResults).toBe(1);
    expect(listed.json.Resources[0].id).toBe(ann.id);
    const trail = await h.roster.prisma.auditEvent.findMany({ where: { targetUserId: ann.id }, orderBy: { at: 'asc' } });
    expect(trail[0]).toMatchObject({ action: 'user.provisioned', source: 'scim' });
    const groupEvents = await h.roster.prisma.auditEvent.findMany({ where: { action: 'group.created' } });
    expect(groupEvents.map((e) => e.source)).toEqual(['scim']);
  });

  it('runs PUT, PATCH and DELETE by path, honours version as If-Match, and names a new user by bulkId in a path', async () => {
    const made = await bulk([post('cat', 'bulk.cat@example.com'), post('dan', 'bulk.dan@example.com')]);
    const [cat, dan] = (made.json.Operations as Json).map((o: Json) => new URL(o.location).pathname.split('/').pop() as string);
    const catVersion = (made.json.Operations as Json)[0].version as string;
    const res = await bulk([
      post('eve', 'bulk.eve@example.com'),
      {
        method: 'PATCH',
        path: '/Users/bulkId:eve',
        data: { schemas: [PATCH], Operations: [{ op: 'replace', path: 'displayName', value: 'Eve Patched' }] },
      },
      {
        method: 'PUT',
        path: `/Users/${cat}`,
        version: catVersion,
        data: user('bulk.cat@example.com', { displayName: 'Cat Put' }),
      },
      { method: 'PUT', path: `/Users/${dan}`, version: 'W/"999"', data: user('bulk.dan@example.com', { displayName: 'Stale' }) },
      { method: 'DELETE', path: `/Users/${dan}` },
    ]);
    const ops = res.json.Operations as Json;
    expect(ops.map((o: Json) => [o.method, o.status])).toEqual([
      ['POST', '201'],
      ['PATCH', '200'],
      ['PUT', '200'],
      ['PUT', '412'],
      ['DELETE', '204'],
    ]);
    expect(ops[2].location).toContain(`/scim/v2/Users/${cat}`);
    expect(ops[3].response).toMatchObject({ schemas: [ERROR], status: '412' });
    expect(ops[4].location).toContain(`/scim/v2/Users/${dan}`);
    const eve = await h.roster.prisma.user.findFirstOrThrow({ where: { email: 'bulk.eve@example.com' } });
    expect(eve.name).toBe('Eve Patched');
    expect(ops[1].location).toContain(`/scim/v2/Users/${eve.id}`);
    expect(ops[1].version).toBe(`W/"${eve.version}"`);
    expect((await h.roster.prisma.user.findUniqueOrThrow({ where: { id: cat } })).name).toBe('Cat Put');
    expect(await h.roster.prisma.user.count({ where: { id: dan } })).toBe(0);
    const deleted = await h.roster.prisma.auditEvent.findFirstOrThrow({ where: { action: 'user.deleted', targetUserId: dan } });
    expect(deleted.source).toBe('scim');
  });

  it('answers a failing operation with its SCIM error while the others succeed, under the same rules as the single endpoints', async () => {
    await scim('POST', '/Users', user('taken@example.com'));
    const res = await bulk([
      post('one', 'bulk.one@example.com'),
      post('dup', 'TAKEN@example.com'),
      post('admin', 'would.be.admin@example.com', { roles: [{ value: 'admin' }] }),
      post('two', 'bulk.two@example.com'),
      post('long', 'long.name@example.com', { displayName: 'x'.repeat(500) }),
    ]);
    const ops = res.json.Operations as Json;
    expect(ops.map((o: Json) => o.status)).toEqual(['201', '409', '403', '201', '400']);
    // What the change's own schema refuses is a 400 too, never a 500.
    expect(ops[4].response).toMatchObject({ schemas: [ERROR], status: '400', scimType: 'invalidValue' });
    expect(ops[1].response).toMatchObject({ schemas: [ERROR], status: '409', scimType: 'uniqueness' });
    expect(ops[1].location).toBeUndefined();
    expect(ops[2].response).toMatchObject({ schemas: [ERROR], status: '403' });
    expect(await count('bulk.one@example.com')).toBe(1);
    expect(await count('bulk.two@example.com')).toBe(1);
    expect(await count('would.be.admin@example.com')).toBe(0);
    expect(await h.roster.prisma.user.count({ where: { email: { contains: 'taken@example.com', mode: 'insensitive' } } })).toBe(
      1,
    );
  });

  it('stops after failOnErrors errors: later operations are neither run nor answered', async () => {
    const res = await bulk(
      [
        post('f1', 'fail.one@example.com'),
        { method: 'DELETE', path: `/Users/${randomUUID()}` },
        post('f2', 'fail.two@example.com'),
        { method: 'PATCH', path: `/Users/${randomUUID()}`, data: { schemas: [PATCH], Operations: [] } },
        post('f3', 'fail.three@example.com'),
      ],
      { failOnErrors: 2 },
    );
    expect(res.status).toBe(200);
    expect((res.json.Operations as Json).map((o: Json) => o.status)).toEqual(['201', '404', '201', '404']);
    expect(await count('fail.two@example.com')).toBe(1);
    expect(await count('fail.three@example.com')).toBe(0);
    // A run of creates stops at the same place: the clash is the one error allowed, nothing after it is made.
    await scim('POST', '/Users', user('fail.taken@example.com'));
    const run = await bulk(
      [
        post('r1', 'fail.run1@example.com'),
        post('r2', 'fail.taken@example.com'),
        post('r3', 'fail.run3@example.com'),
        post('r4', 'fail.run4@example.com'),
      ],
      { failOnErrors: 1 },
    );
    expect(run.json.Operations.map((o: Json) => [o.bulkId, o.status])).toEqual([
      ['r1', '201'],
      ['r2', '409'],
    ]);
    expect(await count('fail.run1@example.com')).toBe(1);
    expect(await count('fail.run3@example.com')).toBe(0);
    expect(await count('fail.run4@example.com')).toBe(0);
    const bad = await bulk([post('f4', 'fail.four@example.com')], { failOnErrors: 0 });
    expect(bad.json).toMatchObject({ schemas: [ERROR], status: '400', scimType: 'invalidValue' });
  });

  it('refuses more than maxOperations, and a body over maxPayloadSize, with 413 naming the limit; accepts a body over 1 MB', async () => {
    const many = Array.from({ length: 1001 }, (_, i) => post(`m${i}`, `many${i}@example.com`));
    const tooMany = await bulk(many);
    expect(tooMany.status).toBe(413);
    expect(tooMany.json).toMatchObject({ schemas: [ERROR], status: '413' });
    expect(tooMany.json.detail).toContain('maxOperations');
    expect(tooMany.json.detail).toContain('1000');
    expect(await count('many0@example.com')).toBe(0);

    const padding = 'x'.repeat(2 * 1024 * 1024);
    const large = await bulk([post('big', 'big.body@example.com')], { padding });
    expect(large.status).toBe(200);
    expect((large.json.Operations as Json)[0].status).toBe('201');

    const huge = await bulk([post('huge', 'huge.body@example.com')], { padding: 'x'.repeat(4 * 1024 * 1024) });
    expect(huge.status).toBe(413);
    expect(huge.json).toMatchObject({ schemas: [ERROR], status: '413' });
    expect(huge.json.detail).toContain('maxPayloadSize');
    expect(huge.json.detail).toContain('4194304');
    expect(await count('huge.body@example.com')).toBe(0);
    // Everywhere else the limit stays 1 MB.
    const single = await scim('POST', '/Users', user('single.large@example.com', { padding }));
    expect(single.status).toBe(413);
  });

  it('creates a run of users exactly as single POSTs do: the same rows, roles and audit trail', async () => {
    const extra = { externalId: 'ext', name: { givenName: 'Same', familyName: 'Shape' }, title: 'Engineer' };
    const solo = await scim('POST', '/Users', user('shape.solo@example.com', extra));
    expect(solo.status).toBe(201);
    const res = await bulk([post('s1', 'shape.one@example.com', extra), post('s2', 'Shape.Two@example.com', extra)]);
    expect(res.json.Operations.map((o: Json) => o.status)).toEqual(['201', '201']);
    const read = async (email: string) => {
      const row = await h.roster.prisma.user.findFirstOrThrow({
        where: { email },
        include: { roles: { include: { role: true } }, properties: true },
      });
      const event = await h.roster.prisma.auditEvent.findFirstOrThrow({ where: { targetUserId: row.id } });
      const { id, email: _e, userName, userNameKey, createdAt, updatedAt, acceptedAt, ...rest } = row;
      expect(acceptedAt).not.toBeNull();
      return {
        rest: {
          ...rest,
          roles: row.roles.map((r) => [r.role.key, r.scope]),
          properties: row.properties.map((p) => [p.key, p.value]),
        },
        event: {
          action: event.action,
          source: event.source,
          after: JSON.stringify(event.after).replace(new RegExp(email.replaceAll('.', '\\.'), 'gi'), 'X'),
        },
      };
    };
    const single = await read('shape.solo@example.com');
    expect(await read('shape.one@example.com')).toEqual(single);
    expect(await read('shape.two@example.com')).toEqual(single);
    const two = await h.roster.prisma.user.findFirstOrThrow({ where: { email: 'shape.two@example.com' } });
    expect(two).toMatchObject({ userName: 'Shape.Two@example.com', userNameKey: 'shape.two@example.com' });
  });

  it('refuses an unknown or circular bulkId as that operation’s error, and a duplicate bulkId as a bad request', async () => {
    const res = await bulk([
      post('ok', 'ref.ok@example.com'),
      {
        method: 'POST',
        path: '/Groups',
        bulkId: 'ghosts',
        data: { schemas: [GROUP], displayName: 'Ghosts', members: [{ value: 'bulkId:nobody' }] },
      },
      post('a', 'circle.a@example.com', { externalId: 'bulkId:b' }),
      post('b', 'circle.b@example.com', { externalId: 'bulkId:a' }),
      post('self', 'circle.self@example.com', { externalId: 'bulkId:self' }),
    ]);
    const ops = res.json.Operations as Json;
    expect(ops.map((o: Json) => [o.bulkId, o.status])).toEqual([
      ['ok', '201'],
      ['ghosts', '400'],
      ['a', '409'],
      ['b', '409'],
      ['self', '409'],
    ]);
    expect(ops[1].response).toMatchObject({ schemas: [ERROR], scimType: 'invalidValue' });
    expect(ops[1].response.detail).toContain('bulkId:nobody');
    expect(await h.roster.prisma.group.count({ where: { name: 'Ghosts' } })).toBe(0);
    for (const email of ['circle.a@example.com', 'circle.b@example.com', 'circle.self@example.com'])
      expect(await count(email)).toBe(0);
    expect(await count('ref.ok@example.com')).toBe(1);

    const twice = await bulk([post('same', 'same.one@example.com'), post('same', 'same.two@example.com')]);
    expect(twice.json).toMatchObject({ schemas: [ERROR], status: '400' });
    expect(await count('same.one@example.com')).toBe(0);
    const malformed = await scim('POST', '/Bulk', { schemas: [BULK_REQUEST] });
    expect(malformed.json).toMatchObject({ schemas: [ERROR], status: '400', scimType: 'invalidSyntax' });
  });

  it('refuses the creates a run cannot seat with the single path’s seat error, and creates the others', async () => {
    const used = await h.roster.prisma.user.count({ where: { status: { not: 'revoked' } } });
    const free = 100 - used;
    const ops = Array.from({ length: free + 2 }, (_, i) => post(`seat${i}`, `seat${i}@example.com`));
    const res = await bulk(ops);
    const statuses = res.json.Operations.map((o: Json) => o.status);
    expect(statuses).toEqual([...Array(free).fill('201'), '409', '409']);
    const single = await scim('POST', '/Users', user('one.more@example.com'));
    expect(single.status).toBe(409);
    expect(res.json.Operations[free].response).toEqual(single.json);
    expect(await h.roster.prisma.user.count({ where: { status: { not: 'revoked' } } })).toBe(100);
  });
});
