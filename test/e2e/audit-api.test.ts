/**
 * GET /api/v1/audit over the wire (issue 26, item 1): only an API key whose holder has audit:view
 * reads the trail; filters narrow it; bad parameters are refused naming the parameter; pages follow
 * `Link: rel="next"` without missing or repeating an event, and a poller that keeps the last link gets
 * what is written later; `Accept: application/x-ndjson` streams the whole range.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashToken } from '../../src/domain/secrets';
import { insertAuditEvents, type NewAuditEvent } from '../../src/store/audit/audit-events';
import { type Harness, OWNER, startHarness } from '../support/roster-harness';
import { seedUser } from '../support/seed';
import { testTargets } from '../support/test-database';

interface EventJson {
  seq: number;
  action: string;
  at: string;
  actor: { email: string | null };
  target: { email: string | null } | null;
}

describe.each(testTargets())('the audit API (%s store)', (target) => {
  let h: Harness;
  let ownerKey: string;
  let viewerKey: string;
  let total: number;

  const get = (path: string, key: string | null = ownerKey, headers: Record<string, string> = {}) =>
    fetch(`${h.baseUrl}${path}`, { headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...headers } });
  const events = async (path: string) => {
    const res = await get(path);
    expect(res.status).toBe(200);
    return ((await res.json()) as { events: EventJson[] }).events;
  };
  /** The next page's path, from the Link header (absolute under PUBLIC_URL). */
  const nextOf = (res: Response) => {
    const link = /^<http:\/\/roster\.test([^>]+)>; rel="next"$/.exec(res.headers.get('link') ?? '');
    return link?.[1] ?? null;
  };
  async function keyFor(email: string): Promise<string> {
    const key = `rk_${randomBytes(24).toString('base64url')}`;
    const user = await h.roster.prisma.user.findFirstOrThrow({ where: { email } });
    await h.roster.prisma.apiKey.create({
      data: { accountId: h.roster.accountId, userId: user.id, prefix: key.slice(0, 8), keyHash: hashToken(key) },
    });
    return key;
  }
  function event(action: string, at: string, actor: string, targetEmail: string | null): NewAuditEvent {
    return {
      accountId: h.roster.accountId,
      at: new Date(at),
      actorUserId: null,
      actorEmail: actor,
      actorSlackId: null,
      action,
      targetUserId: null,
      targetEmail,
      targetName: null,
      source: 'command',
      clientAddress: null,
    };
  }

  beforeAll(async () => {
    h = await startHarness(target);
    await seedUser(h.roster, { email: 'vic@example.com', roles: ['viewer'] });
    ownerKey = await keyFor(OWNER.email);
    viewerKey = await keyFor('vic@example.com');
    await insertAuditEvents(h.roster.prisma, [
      event('user.invited', '2026-11-01T09:00:00Z', 'alice@example.com', 'bea@example.com'),
      event('user.updated', '2026-11-02T09:00:00Z', 'alice@example.com', 'bea@example.com'),
      event('role.granted', '2026-11-03T09:00:00Z', 'carl@example.com', 'bea@example.com'),
      event('userx.odd', '2026-11-04T09:00:00Z', 'carl@example.com', 'dan@example.com'),
      event('user.invited', '2026-11-05T09:00:00Z', 'carl@example.com', 'dan@example.com'),
    ]);
    total = await h.roster.prisma.auditEvent.count({ where: { accountId: h.roster.accountId } });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('refuses a request without a valid API key (401) and a key whose holder lacks audit:view (403)', async () => {
    expect((await get('/api/v1/audit', null)).status).toBe(401);
    expect((await get('/api/v1/audit', 'rk_not-a-key')).status).toBe(401);
    const refused = await get('/api/v1/audit', viewerKey);
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { message: string }).message).toContain('audit:view');
    // Forbidden comes first: a key without the permission learns nothing about the parameters.
    expect((await get('/api/v1/audit?limit=0', viewerKey)).status).toBe(403);
  });

  it.each([
    ['since=yesterday', 'since'],
    ['until=2026-13-01T00:00:00Z', 'until'],
    ['since=2026-11-03T00:00:00Z&until=2026-11-02T00:00:00Z', 'until'],
    ['limit=0', 'limit'],
    ['limit=1001', 'limit'],
    ['limit=ten', 'limit'],
    ['after=-1', 'after'],
    ['action=User%20Invited', 'action'],
    ['action=user.invited&action=user.updated', 'action'],
    ['actor=', 'actor'],
    ['colour=blue', 'colour'],
  ])('refuses %s with 400 naming %s', async (query, field) => {
    const res = await get(`/api/v1/audit?${query}`);
    expect(res.status).toBe(400);
    const body = (await res.json()) as { field: string; message: string };
    expect(body.field).toBe(field);
    expect(body.message).toContain(field);
  });

  it('filters by action (exact or prefix), actor, target and time', async () => {
    const actions = async (query: string) =>
      (await events(`/api/v1/audit?${query}`)).map((e) => `${e.action} ${e.at.slice(0, 10)}`);
    expect(await actions('action=user.')).toEqual([
      'user.invited 2026-11-01',
      'user.updated 2026-11-02',
      'user.invited 2026-11-05',
    ]);
    expect(await actions('action=user.*')).toEqual(await actions('action=user.'));
    expect(await actions('action=user.invited')).toEqual(['user.invited 2026-11-01', 'user.invited 2026-11-05']);
    expect(await actions('actor=carl@example.com&target=dan@example.com')).toEqual([
      'userx.odd 2026-11-04',
      'user.invited 2026-11-05',
    ]);
    expect(await actions('since=2026-11-02T09:00:00Z&until=2026-11-04T09:00:00Z')).toEqual([
      'user.updated 2026-11-02',
      'role.granted 2026-11-03',
    ]);
    // A short page moves the cursor past the events the filter skipped: a filtered poller does not read them again.
    const none = await get('/api/v1/audit?action=nothing.matches');
    expect(((await none.json()) as { events: EventJson[]; next: string }).next).toBe(String(total));
    expect(nextOf(none)).toBe(`/api/v1/audit?action=nothing.matches&after=${total}`);
    const [one] = await events('/api/v1/audit?action=role.granted');
    expect(one).toMatchObject({ actor: { email: 'carl@example.com' }, target: { email: 'bea@example.com' } });
  });

  it('pages by Link: rel="next" through every event once, in order, and a poller keeping the last link gets later events', async () => {
    let path: string | null = '/api/v1/audit?limit=2';
    const seen: number[] = [];
    let last = '';
    for (let pages = 0; path && pages < 100; pages += 1) {
      const res = await get(path);
      const page = ((await res.json()) as { events: EventJson[] }).events;
      last = path;
      path = nextOf(res);
      expect(path).not.toBeNull();
      if (page.length === 0) break;
      seen.push(...page.map((e) => e.seq));
    }
    expect(seen).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    await insertAuditEvents(h.roster.prisma, [event('user.removed', '2026-11-06T09:00:00Z', 'alice@example.com', null)]);
    const later = (await events(last)).map((e) => [e.seq, e.action]);
    expect(later).toEqual([[total + 1, 'user.removed']]);
    total += 1;
  });

  it('over a closed range (until), the last page has no next link', async () => {
    const full = await get('/api/v1/audit?action=user.&until=2026-11-10T00:00:00Z&limit=2');
    expect(nextOf(full)).not.toBeNull();
    const rest = await get(nextOf(full) as string);
    expect(((await rest.json()) as { events: EventJson[] }).events).toHaveLength(2);
    const end = await get(nextOf(rest) as string);
    expect(((await end.json()) as { events: EventJson[] }).events).toHaveLength(0);
    expect(nextOf(end)).toBeNull();
  });

  it('streams the whole range as NDJSON with a next link after it', async () => {
    const res = await get('/api/v1/audit?action=user.&limit=1', ownerKey, { accept: 'application/x-ndjson' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/x-ndjson');
    const lines = (await res.text())
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as EventJson);
    expect(lines.map((e) => e.action)).toEqual(['user.invited', 'user.updated', 'user.invited', 'user.removed']);
    expect(nextOf(res)).toBe(`/api/v1/audit?action=user.&limit=1&after=${total}`);
    const everything = await get('/api/v1/audit', ownerKey, { accept: 'application/x-ndjson' });
    expect((await everything.text()).trimEnd().split('\n')).toHaveLength(total);
  });
});
