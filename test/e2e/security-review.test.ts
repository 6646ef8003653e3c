/**
 * Issue 14, items 3, 5 and 11 (first half), reproduced from outside: asset takeover through
 * POST /api/v1/assets, formula injection in the CSV export, and internals leaking from errors.
 * Issue 20, item 1: the owner taken over by re-addressing them over SCIM, and Slack Connect guests
 * linked by the address in their profile.
 */
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, OWNER, startHarness } from '../support/roster-harness';
import { issueScimToken } from '../support/scim-client';
import { seedUser } from '../support/seed';
import { testTargets } from '../support/test-database';
import { postJson } from '../support/web-client';

describe.each(testTargets())('security review findings (%s store)', (target) => {
  let h: Harness;
  const api = (path: string, body: unknown, headers?: Record<string, string>) => postJson(`${h.baseUrl}${path}`, body, headers);
  async function apiKeyOf(email: string, slackUserId: string, roles: string[]): Promise<string> {
    await seedUser(h.roster, { email, roles, slackUserId });
    await h.slack.commandAndWait(OWNER.slackId, `apikey ${email}`);
    const dm = await h.fake.waitFor(() =>
      h.fake
        .callsTo('chat.postMessage')
        .filter((c) => c.args.channel === `D${slackUserId}` && String(c.args.text).includes('rk_'))
        .at(-1),
    );
    return (/(rk_[A-Za-z0-9_-]+)/.exec(String(dm.args.text)) as RegExpExecArray)[1] as string;
  }

  beforeAll(async () => {
    h = await startHarness(target);
  });
  afterAll(async () => {
    await h?.close();
  });

  it('refuses to let another user’s key take over, rename or un-transfer an asset (403); owner and integration keys may update', async () => {
    const alice = { authorization: `Bearer ${await apiKeyOf('alice@example.com', 'UALICE', ['editor'])}` };
    const mallory = { authorization: `Bearer ${await apiKeyOf('mallory@example.com', 'UMALLORY', ['editor'])}` };
    const ops = { authorization: `Bearer ${await apiKeyOf('ops2@example.com', 'UOPS2', ['admin'])}` };
    const created = await api(
      '/api/v1/assets',
      { kind: 'token', name: 'Warehouse', externalId: 'wh-1', transferable: false },
      alice,
    );
    expect(created.status).toBe(201);
    const before = await h.roster.prisma.asset.findFirstOrThrow({ where: { externalId: 'wh-1' } });

    const takeover = await api(
      '/api/v1/assets',
      { kind: 'token', name: 'Mine now', externalId: 'wh-1', transferable: true },
      mallory,
    );
    expect(takeover.status).toBe(403);
    expect(takeover.json).toMatchObject({ error: 'forbidden', field: 'externalId' });
    const after = await h.roster.prisma.asset.findFirstOrThrow({ where: { externalId: 'wh-1' } });
    expect(after).toMatchObject({ ownerId: before.ownerId, name: 'Warehouse', transferable: false });

    const renamed = await api(
      '/api/v1/assets',
      { kind: 'token', name: 'Warehouse (prod)', externalId: 'wh-1', transferable: false },
      alice,
    );
    expect(renamed.status).toBe(201);
    expect(renamed.json).toMatchObject({ id: before.id, name: 'Warehouse (prod)', ownerId: before.ownerId });

    const moved = await api(
      '/api/v1/assets',
      { kind: 'token', name: 'Warehouse', externalId: 'wh-1', ownerEmail: 'mallory@example.com' },
      ops,
    );
    expect(moved.status).toBe(201);
    expect(moved.json.id).toBe(before.id);
    const mallorysId = (await h.roster.prisma.user.findFirstOrThrow({ where: { email: 'mallory@example.com' } })).id;
    expect(moved.json.ownerId).toBe(mallorysId);
    expect(await h.roster.prisma.asset.count({ where: { externalId: 'wh-1' } })).toBe(1);
  });

  it('SCIM cannot hand the owner’s record to a workspace member by re-addressing it; the owner stays who they were', async () => {
    h.fake.addUser({ id: 'UMEMBER', email: 'member@example.com', name: 'Mel Member' });
    const token = await issueScimToken(h);
    const owner = await h.roster.prisma.user.findFirstOrThrow({ where: { email: OWNER.email } });
    const patch = await fetch(`${h.baseUrl}/scim/v2/Users/${owner.id}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' },
      body: JSON.stringify({
        schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
        Operations: [{ op: 'replace', path: 'emails[type eq "work"].value', value: 'member@example.com' }],
      }),
    });
    expect(patch.status).toBe(403);
    expect(await h.roster.prisma.user.findUniqueOrThrow({ where: { id: owner.id } })).toMatchObject({
      email: OWNER.email,
      slackUserId: OWNER.slackId,
      version: owner.version,
    });
    // userName is the identity provider's name for the owner, never their address: renaming it moves nothing.
    const renamed = await fetch(`${h.baseUrl}/scim/v2/Users/${owner.id}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' },
      body: JSON.stringify({
        schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
        Operations: [{ op: 'replace', path: 'userName', value: 'member@example.com' }],
      }),
    });
    expect(renamed.status).toBe(200);
    expect(await h.roster.prisma.user.findUniqueOrThrow({ where: { id: owner.id } })).toMatchObject({
      email: OWNER.email,
      slackUserId: OWNER.slackId,
      userName: 'member@example.com',
    });

    // Even a record that carries the member's address is not theirs while another Slack user holds it.
    await h.roster.prisma.user.update({ where: { id: owner.id }, data: { email: 'member@example.com' } });
    try {
      const member = await h.slack.commandAndWait('UMEMBER', 'list');
      expect(JSON.stringify(member)).toContain('linked to another Slack account');
      expect((await h.roster.prisma.user.findUniqueOrThrow({ where: { id: owner.id } })).slackUserId).toBe(OWNER.slackId);
      const real = await h.slack.commandAndWait(OWNER.slackId, 'seats');
      expect(JSON.stringify(real)).toMatch(/seats/i);
    } finally {
      await h.roster.prisma.user.update({ where: { id: owner.id }, data: { email: OWNER.email } });
    }
  });

  it('never links a Slack Connect guest or a stranger by the address in their profile', async () => {
    await seedUser(h.roster, { email: 'guest-admin@example.com', roles: ['admin'] });
    h.fake.addUser({ id: 'UGUEST', email: 'guest-admin@example.com', teamId: 'TOTHERORG', sharedWith: [h.fake.teamId] });
    const guest = await h.slack.commandAndWait('UGUEST', 'list');
    expect(JSON.stringify(guest)).toContain('members of this Slack workspace');
    await seedUser(h.roster, { email: 'stranger@example.com', roles: ['admin'] });
    h.fake.addUser({ id: 'USTRANGER', email: 'stranger@example.com', stranger: true });
    const stranger = await h.slack.commandAndWait('USTRANGER', 'list');
    expect(JSON.stringify(stranger)).toContain('members of this Slack workspace');
    const rows = await h.roster.prisma.user.findMany({
      where: { email: { in: ['guest-admin@example.com', 'stranger@example.com'] } },
    });
    expect(rows.map((r) => r.slackUserId)).toEqual([null, null]);
  });

  it('exports names that look like formulas so a spreadsheet shows them as text', async () => {
    const names = ['=HYPERLINK("http://evil.test","click")', '+1+2', '-2+3', '@SUM(A1)', '\tTab', '\rCR'];
    for (const [i, name] of names.entries()) await seedUser(h.roster, { email: `f${i}@example.com`, name });
    await h.slack.commandAndWait(OWNER.slackId, 'export', 30_000);
    const bytes = h.fake.uploads.at(-1)?.bytes as Buffer;
    const rows = parse(bytes, { columns: true }) as Record<string, string>[];
    for (const [i, name] of names.entries()) {
      const row = rows.find((r) => r.email === `f${i}@example.com`);
      expect(row?.name).toBe(`'${name}`);
    }
    expect(rows.find((r) => r.email === OWNER.email)?.name).not.toMatch(/^'/);
  });

  it('answers oversized and wrongly typed API bodies as JSON without a stack trace', async () => {
    const big = await fetch(`${h.baseUrl}/api/v1/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'a@b.c', password: 'x'.repeat(40_000) }),
    });
    expect(big.status).toBe(413);
    expect(big.headers.get('content-type')).toMatch(/application\/json/);
    const bigText = await big.text();
    expect(JSON.parse(bigText)).toMatchObject({ error: 'too_large', field: 'body' });
    expect(bigText).not.toMatch(/node_modules|at \w+ \(|Error:/);

    const charset = await fetch(`${h.baseUrl}/api/v1/auth/verify`, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=latin-9' },
      body: '{"apiKey":"rk_x"}',
    });
    expect(charset.status).toBe(415);
    const charsetText = await charset.text();
    expect(JSON.parse(charsetText)).toMatchObject({ error: 'unsupported_media_type' });
    expect(charsetText).not.toMatch(/node_modules|at \w+ \(|Error:/);

    const form = await fetch(`${h.baseUrl}/invite/${'a'.repeat(43)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `name=${'n'.repeat(20_000)}`,
    });
    expect(form.status).toBe(413);
    const formText = await form.text();
    expect(formText).toContain('<!doctype html>');
    expect(formText).not.toMatch(/node_modules|at \w+ \(|Error:/);

    const unknown = await fetch(`${h.baseUrl}/api/v1/nothing-here`, { method: 'POST' });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: 'not_found' });
  });
});
