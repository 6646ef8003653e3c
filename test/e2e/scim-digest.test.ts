/**
 * The scheduler's digest of SCIM changes (issue 11): the identity provider changes users and groups
 * over HTTP, and each scheduler pass posts what changed since the last digest to the notices channel,
 * once, even when two passes (two replicas) run at the same moment.
 */
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRoster } from '../../src/main';
import { blockProblems } from '../support/block-kit-limits';
import { type Harness, OWNER, startHarness } from '../support/roster-harness';
import { issueScimToken } from '../support/scim-client';
import { testTargets } from '../support/test-database';

const NOTICES = 'C0NOTICES';
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';

// biome-ignore lint/suspicious/noExplicitAny: assertions read SCIM bodies freely
type Json = Record<string, any>;

describe.each(testTargets())('the SCIM digest (%s store)', (target) => {
  let h: Harness;
  let token = '';
  const posts = () => h.fake.callsTo('chat.postMessage').filter((c) => c.args.channel === NOTICES);
  const text = (post: { args: Record<string, unknown> } | undefined) => JSON.stringify(post?.args.blocks ?? null);

  async function scim(method: string, path: string, body?: unknown): Promise<Json> {
    const response = await fetch(`${h.baseUrl}/scim/v2${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/scim+json' } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    expect(response.status).toBeLessThan(300);
    const raw = await response.text();
    return raw ? (JSON.parse(raw) as Json) : {};
  }
  const createUser = (email: string) => scim('POST', '/Users', { schemas: [USER], userName: email, active: true });

  beforeAll(async () => {
    h = await startHarness(target, { NOTICES_CHANNEL: NOTICES, APPROVALS_CHANNEL: 'C0APPROVALS', SEAT_LIMIT: '100' });
    token = await issueScimToken(h);
  });
  afterAll(async () => {
    await h?.close();
  });

  it('posts what the identity provider changed once, and nothing on the next pass', async () => {
    const before = posts().length;
    const ann = await createUser('ann@example.com');
    const bob = await createUser('bob@example.com');
    const sales = await scim('POST', '/Groups', {
      schemas: [GROUP],
      displayName: 'Sales',
      members: [{ value: ann.id }, { value: bob.id }],
    });
    await scim('PATCH', `/Users/${bob.id}`, { schemas: [PATCH], Operations: [{ op: 'replace', value: { active: false } }] });
    await scim('PATCH', `/Groups/${sales.id}`, {
      schemas: [PATCH],
      Operations: [{ op: 'remove', path: `members[value eq "${bob.id}"]` }],
    });
    // A change typed in Slack is not the identity provider's.
    await h.slack.commandAndWait(OWNER.slackId, 'invite cat@example.com');

    const report = await h.roster.scheduler.runOnce();
    expect(report.scimDigests).toBe(1);
    expect(posts()).toHaveLength(before + 1);
    const post = posts().at(-1);
    expect(String(post?.args.text)).toContain('6 changes through SCIM');
    const blocks = text(post);
    for (const line of [
      'created ann@example.com',
      'created bob@example.com',
      'created group Sales',
      'added to Sales: ann@example.com, bob@example.com',
      'deactivated bob@example.com',
      'removed from Sales: bob@example.com',
      'users created: *2*',
      'users deactivated: *1*',
      'group membership changes: *2*',
    ])
      expect(blocks).toContain(line);
    expect(blocks).not.toContain('cat@example.com');
    expect(blocks).not.toContain('more');
    expect(blockProblems(post?.args.blocks, 'message')).toEqual([]);

    expect((await h.roster.scheduler.runOnce()).scimDigests).toBe(0);
    expect(posts()).toHaveLength(before + 1);
  });

  it('spells out 20 lines and counts the rest, within Block Kit limits', async () => {
    const before = posts().length;
    for (let i = 0; i < 30; i++) await createUser(`many${String(i).padStart(2, '0')}@example.com`);
    await h.roster.scheduler.runOnce();
    expect(posts()).toHaveLength(before + 1);
    const blocks = text(posts().at(-1));
    expect(blocks).toContain('created many19@example.com');
    expect(blocks).not.toContain('many20@example.com');
    expect(blocks).toContain('and 10 more');
    expect(blocks).toContain('users created: *30*');
    expect(blockProblems(posts().at(-1)?.args.blocks, 'message')).toEqual([]);
  });

  it('posts once when two passes run at the same moment', async () => {
    const before = posts().length;
    await createUser('dan@example.com');
    // On PostgreSQL a second Roster on the same database is a second replica; the embedded store has
    // one owner, so there the second pass is another call into the same process.
    const replica =
      target === 'postgres' ? await buildRoster(h.roster.config, { clock: h.clock, logger: pino({ level: 'silent' }) }) : null;
    try {
      const reports = await Promise.all([h.roster.scheduler.runOnce(), (replica ?? h.roster).scheduler.runOnce()]);
      if (replica) expect(reports.map((r) => r.scimDigests).sort()).toEqual([0, 1]);
    } finally {
      await replica?.stop();
    }
    expect(posts()).toHaveLength(before + 1);
    expect(text(posts().at(-1))).toContain('created dan@example.com');
    await h.roster.scheduler.runOnce();
    expect(posts()).toHaveLength(before + 1);
  });

  it('posts nothing without a notices channel', async () => {
    const quiet = await startHarness(target, { APPROVALS_CHANNEL: 'C0APPROVALS' });
    try {
      const quietToken = await issueScimToken(quiet);
      const created = await fetch(`${quiet.baseUrl}/scim/v2/Users`, {
        method: 'POST',
        headers: { authorization: `Bearer ${quietToken}`, 'content-type': 'application/scim+json' },
        body: JSON.stringify({ schemas: [USER], userName: 'eve@example.com', active: true }),
      });
      expect(created.status).toBe(201);
      const calls = quiet.fake.callsTo('chat.postMessage').length;
      expect((await quiet.roster.scheduler.runOnce()).scimDigests).toBe(0);
      expect(quiet.fake.callsTo('chat.postMessage')).toHaveLength(calls);
    } finally {
      await quiet.close();
    }
  });
});
