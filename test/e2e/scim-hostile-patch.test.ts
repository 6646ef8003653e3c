/**
 * Issue 20: hostile SCIM PATCHes over real HTTP against the real Roster. Each is answered 400 with
 * nothing written, `Object.prototype` gains nothing (Roster runs in this process, so its prototype
 * is this one), and Roster goes on serving reads and ordinary PATCHes. With scim-patch 0.8.3 the
 * first of them added `x` to `Object.prototype`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from '../support/roster-harness';
import { issueScimToken } from '../support/scim-client';
import { testTargets } from '../support/test-database';

const ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';

// biome-ignore lint/suspicious/noExplicitAny: assertions read SCIM bodies freely
type Json = Record<string, any>;

/** Sent as raw JSON text, so `__proto__` arrives as a key the way an attacker's request carries it. */
const HOSTILE = [
  '{"op":"add","path":"__proto__.x","value":"polluted"}',
  '{"op":"replace","path":"__proto__.x","value":"polluted"}',
  '{"op":"add","path":"constructor.prototype.x","value":"polluted"}',
  '{"op":"Add","path":"CONSTRUCTOR.PROTOTYPE.x","value":"polluted"}',
  '{"op":"add","path":"name.__proto__.x","value":"polluted"}',
  '{"op":"add","path":"displayName.constructor.prototype.x","value":"polluted"}',
  '{"op":"add","path":"__proto__","value":{"x":"polluted"}}',
  '{"op":"add","path":"toString.x","value":"polluted"}',
  '{"op":"add","path":"hasOwnProperty","value":"polluted"}',
  '{"op":"add","path":"urn:ietf:params:scim:schemas:core:2.0:User:__proto__.x","value":"polluted"}',
  '{"op":"add","path":"emails[type eq \\"work\\"].__proto__","value":{"x":"polluted"}}',
  '{"op":"add","path":"members[__proto__ eq \\"x\\"].value","value":"polluted"}',
  '{"op":"add","value":{"__proto__":{"x":"polluted"}}}',
  '{"op":"replace","value":{"__proto__.x":"polluted"}}',
  '{"op":"add","value":{"constructor":{"prototype":{"x":"polluted"}}}}',
  '{"op":"add","path":"name","value":{"__proto__":{"x":"polluted"}}}',
  '{"op":"add","path":"members","value":[{"value":"x","__proto__":{"x":"polluted"}}]}',
  '{"op":"add","path":"displayName","value":"fine","__proto__":{"x":"polluted"}}',
];

describe.each(testTargets())('SCIM PATCH cannot pollute the prototype (%s store)', (target) => {
  let h: Harness;
  let token = '';
  let userId = '';
  let groupId = '';

  async function scim(method: string, path: string, body?: string) {
    const response = await fetch(`${h.baseUrl}/scim/v2${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body !== undefined ? { 'content-type': 'application/scim+json' } : {}),
      },
      body,
    });
    const text = await response.text();
    return { status: response.status, json: (text ? JSON.parse(text) : {}) as Json };
  }
  const patchBody = (...operations: string[]) => `{"schemas":["${PATCH}"],"Operations":[${operations.join(',')}]}`;

  /** What a PATCH could have written: the user, the group and its members, the audit trail. */
  async function written() {
    const [user, group, audit] = await Promise.all([
      h.roster.prisma.user.findUniqueOrThrow({ where: { id: userId } }),
      h.roster.prisma.group.findUniqueOrThrow({ where: { id: groupId }, include: { members: true } }),
      h.roster.prisma.auditEvent.count(),
    ]);
    return { user, group: { ...group, members: group.members.map((m) => m.userId).sort() }, audit };
  }

  beforeAll(async () => {
    h = await startHarness(target, { APPROVALS_CHANNEL: 'C0APPROVALS' });
    token = await issueScimToken(h);
    const user = await scim(
      'POST',
      '/Users',
      JSON.stringify({ schemas: [USER], userName: 'target@example.com', name: { givenName: 'Tar', familyName: 'Get' } }),
    );
    userId = user.json.id;
    const group = await scim(
      'POST',
      '/Groups',
      JSON.stringify({ schemas: [GROUP], displayName: 'Targets', members: [{ value: userId }] }),
    );
    groupId = group.json.id;
  });
  afterAll(async () => {
    await h?.close();
  });

  it('answers every hostile PATCH on /Users and /Groups with 400, writes nothing, and leaves Object.prototype alone', async () => {
    const clean = Object.getOwnPropertyNames(Object.prototype).sort();
    const cleanToString = Object.getOwnPropertyNames(Object.prototype.toString).sort();
    const before = await written();
    for (const operation of HOSTILE) {
      for (const resource of [`/Users/${userId}`, `/Groups/${groupId}`]) {
        // Alone, and after an operation that would have been applied.
        for (const body of [
          patchBody(operation),
          patchBody('{"op":"replace","path":"displayName","value":"Hijacked"}', operation),
        ]) {
          const res = await scim('PATCH', resource, body);
          expect(res.status, `${resource} ${body}`).toBe(400);
          expect(res.json).toMatchObject({ schemas: [ERROR], status: '400' });
          expect(['invalidPath', 'invalidValue', 'invalidFilter']).toContain(res.json.scimType);
        }
      }
    }
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(clean);
    expect(Object.getOwnPropertyNames(Object.prototype.toString).sort()).toEqual(cleanToString);
    expect(({} as Json).x).toBeUndefined();
    expect((Object.prototype.toString as unknown as Json).x).toBeUndefined();
    expect(await written()).toEqual(before);
  });

  it('still serves SCIM reads and an ordinary PATCH afterwards', async () => {
    const users = await scim('GET', '/Users');
    expect(users.status).toBe(200);
    expect((users.json.Resources as Json[]).map((u) => u.userName)).toContain('target@example.com');
    expect((await scim('GET', `/Groups/${groupId}`)).json.displayName).toBe('Targets');
    const renamed = await scim(
      'PATCH',
      `/Users/${userId}`,
      patchBody('{"op":"Replace","path":"name.givenName","value":"Tom"}', '{"op":"replace","path":"active","value":"False"}'),
    );
    expect(renamed.status).toBe(200);
    expect(renamed.json).toMatchObject({ name: { givenName: 'Tom', familyName: 'Get' }, active: false });
    const group = await scim(
      'PATCH',
      `/Groups/${groupId}`,
      patchBody(`{"op":"remove","path":"members[value eq \\"${userId}\\"]"}`),
    );
    expect(group.status).toBe(200);
    expect(group.json.members).toEqual([]);
    expect(await h.roster.prisma.user.findUniqueOrThrow({ where: { id: userId } })).toMatchObject({
      name: 'Tom Get',
      status: 'disabled',
    });
    expect(Object.getOwnPropertyNames({})).toEqual([]);
  });
});
