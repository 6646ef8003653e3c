/**
 * Several roles: the catalog's `multipleRoles` policy decides which are in force (issue 16, item 6),
 * for what the API returns, what the card shows, what an admin may do and what needs approval.
 * Also role descriptions in the roles modal and `/users help roles` (item 10).
 */
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { loadCatalog, presetPath } from '../../src/domain/roles/catalog';
import { type ListenerHarness, OWNER, startListenerHarness } from '../support/listener-harness';
import { seedUser } from '../support/seed';
import { testTargets } from '../support/test-database';
import { postJson } from '../support/web-client';

const CHANNEL = 'C0APPROVALS';
type View = { callback_id: string; private_metadata: string; blocks: Record<string, unknown>[] };

/** The standard preset plus an Auditor (precedence 5, `audit:view`), under `policy`. */
async function catalogFile(multipleRoles: 'highest' | 'union' | undefined, extra: Record<string, unknown>[] = []) {
  const catalog = parse(readFileSync(presetPath('standard'), 'utf8'));
  catalog.roles.push(
    { key: 'auditor', name: 'Auditor', description: 'Reads the audit log.', precedence: 5, permissions: ['audit:view'] },
    ...extra,
  );
  if (multipleRoles) catalog.policy = { ...(catalog.policy ?? {}), multipleRoles };
  const file = path.join(tmpdir(), `roster-precedence-${multipleRoles}-${process.pid}-${Math.random()}.yaml`);
  await writeFile(file, stringify(catalog));
  return file;
}

/** Polls `check` until it holds (the fake's waitFor takes only synchronous predicates). */
async function until(check: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function rolesOf(h: ListenerHarness, email: string): Promise<string[]> {
  const held = await h.roster.prisma.userRole.findMany({ where: { user: { email } }, include: { role: true } });
  return held.map((r) => r.role.key).sort();
}

/** Issues an API key for a seeded user with a Slack ID and returns it, as the holder's DM shows it. */
async function apiKeyOf(h: ListenerHarness, email: string, slackUserId: string): Promise<string> {
  await h.slack.commandAndWait(OWNER.slackId, `apikey ${email}`);
  const dm = await h.fake.waitFor(() =>
    h.fake
      .callsTo('chat.postMessage')
      .filter((c) => c.args.channel === `D${slackUserId}` && String(c.args.text).includes('rk_'))
      .at(-1),
  );
  return (/(rk_[A-Za-z0-9_-]+)/.exec(String(dm.args.text)) as RegExpExecArray)[1] as string;
}

describe.each(testTargets())('several roles: the highest precedence wins (%s store)', (target) => {
  let h: ListenerHarness;
  const ask = (text: string, user = OWNER.slackId) => h.slack.commandAndWait(user, text);

  beforeAll(async () => {
    h = await startListenerHarness(target, { APPROVALS_CHANNEL: CHANNEL, ROSTER_CONFIG: await catalogFile(undefined) });
    await seedUser(h.roster, { email: 'ada@example.com', roles: ['admin', 'viewer'], slackUserId: 'UADA' });
    await seedUser(h.roster, { email: 'kim@example.com', roles: ['editor', 'viewer'], slackUserId: 'UKIM' });
    await seedUser(h.roster, { email: 'aud@example.com', roles: ['editor', 'auditor'], slackUserId: 'UAUD' });
    await seedUser(h.roster, { email: 'eve@example.com', roles: ['editor'] });
    for (const [id, email] of [
      ['UADA', 'ada@example.com'],
      ['UKIM', 'kim@example.com'],
      ['UAUD', 'aud@example.com'],
    ] as const) {
      h.fake.addUser({ id, email });
    }
  });
  afterAll(async () => {
    await h?.close();
  });

  it('the API returns the role in force and its permissions, and names the overridden role', async () => {
    const key = await apiKeyOf(h, 'kim@example.com', 'UKIM');
    const verified = await postJson(`${h.baseUrl}/api/v1/auth/verify`, { apiKey: key }, {}, h.fetch);
    expect(verified.status).toBe(200);
    expect(verified.json.roles).toEqual([{ key: 'editor', scope: null }]);
    expect(verified.json.overriddenRoles).toEqual([{ key: 'viewer', scope: null }]);
    expect(verified.json.permissions).toEqual(['content:publish', 'content:read', 'content:write']);
  });

  it('the card shows the role in force and notes the overridden one', async () => {
    const card = JSON.stringify((await ask('show kim@example.com')).blocks);
    expect(card).toContain('*Roles*\\nEditor\\n_also holds Viewer (overridden by higher precedence)_');
    const single = JSON.stringify((await ask('show eve@example.com')).blocks);
    expect(single).toContain('*Roles*\\nEditor"');
    expect(single).not.toContain('overridden');
  });

  it('an overridden role gives no admin permission: Editor + Auditor may not read the audit log', async () => {
    const answer = await ask('audit', 'UAUD');
    expect(answer.text).toContain('You need the `audit:view` permission');
  });

  it('adding a role that stays overridden grants nothing, so it needs no approval', async () => {
    const answer = await ask('roles eve@example.com +auditor');
    expect(answer.text).toContain('Roles of eve@example.com changed');
    expect(await rolesOf(h, 'eve@example.com')).toEqual(['auditor', 'editor']);
  });

  it('removing the role that outranks an admin-plane role is a grant of admin power: it waits for approval', async () => {
    const answer = await ask('roles eve@example.com -editor');
    expect(answer.text).toContain('This needs approval');
    expect(await rolesOf(h, 'eve@example.com')).toEqual(['auditor', 'editor']);
    const request = await h.roster.prisma.approvalRequest.findFirstOrThrow({ orderBy: { createdAt: 'desc' } });
    expect(request.action).toBe('grant-admin');
  });

  it('Admin plus a lower role is still an Admin: granting it needs approval, and its holder may act and approve', async () => {
    await seedUser(h.roster, { email: 'tess@example.com', roles: ['viewer'] });
    const grant = await ask('roles tess@example.com +admin');
    expect(grant.text).toContain('This needs approval');
    expect(grant.text).toContain('<@UADA>');
    expect(await rolesOf(h, 'tess@example.com')).toEqual(['viewer']);
    expect((await ask('list --role viewer', 'UADA')).text).not.toContain(':warning:');
  });

  it('the last-Admin rule counts an Admin who also holds a lower role', async () => {
    const answer = await ask('roles ada@example.com -viewer');
    expect(answer.text).toContain('Roles of ada@example.com changed');
    expect(await rolesOf(h, 'ada@example.com')).toEqual(['admin']);
  });

  it('invites with several roles, by command', async () => {
    const answer = await ask('invite multi@example.com --role editor --role viewer');
    expect(answer.text).toContain('Invited multi@example.com');
    expect(await rolesOf(h, 'multi@example.com')).toEqual(['editor', 'viewer']);
  });

  it('invites with several roles, by the modal', async () => {
    await h.slack.command(OWNER.slackId, 'invite');
    const view = await h.fake.waitFor(() =>
      h.fake
        .callsTo('views.open')
        .map((c) => c.args.view as View)
        .find((v) => v.callback_id === 'invite.modal'),
    );
    expect(JSON.stringify(view.blocks)).toContain('multi_static_select');
    await h.slack.viewSubmission(OWNER.slackId, {
      callbackId: 'invite.modal',
      privateMetadata: view.private_metadata,
      values: {
        'invite.emails': { 'invite.emails': { type: 'plain_text_input', value: 'modal-multi@example.com' } },
        'invite.role': {
          'invite.role': { type: 'multi_static_select', selected_options: [{ value: 'contributor' }, { value: 'viewer' }] },
        },
      },
    });
    await until(async () => (await rolesOf(h, 'modal-multi@example.com')).length === 2);
    expect(await rolesOf(h, 'modal-multi@example.com')).toEqual(['contributor', 'viewer']);
  });

  it('the roles modal offers several roles with their descriptions and saves them', async () => {
    await h.slack.command(OWNER.slackId, 'roles kim@example.com');
    const view = await h.fake.waitFor(() =>
      h.fake
        .callsTo('views.open')
        .map((c) => c.args.view as View)
        .find((v) => v.callback_id === 'roles.modal'),
    );
    const blocks = JSON.stringify(view.blocks);
    expect(blocks).toContain('multi_static_select');
    expect(blocks).toContain('Creates and changes content.');
    expect(blocks).toContain('Reads the audit log.');
    expect(blocks).toContain('the one of highest precedence is in force');
    await h.slack.viewSubmission(OWNER.slackId, {
      callbackId: 'roles.modal',
      privateMetadata: view.private_metadata,
      values: {
        'roles.general': {
          'roles.general': { type: 'multi_static_select', selected_options: [{ value: 'contributor' }, { value: 'viewer' }] },
        },
      },
    });
    await until(async () => (await rolesOf(h, 'kim@example.com')).join() === 'contributor,viewer');
  });

  it('`/users help roles` lists every role with its precedence and description', async () => {
    const answer = await ask('help roles');
    expect(answer.text).toContain('/users roles');
    expect(answer.text).toContain('*Editor* (`editor`, precedence 50) — Creates and changes content.');
    expect(answer.text).toContain('*Auditor* (`auditor`, precedence 5) — Reads the audit log.');
    expect(answer.text).toContain('the one of highest precedence is in force');
  });
});

describe('several roles under `multipleRoles: union` (embedded store)', () => {
  let h: ListenerHarness;
  beforeAll(async () => {
    h = await startListenerHarness('embedded', { APPROVALS_CHANNEL: CHANNEL, ROSTER_CONFIG: await catalogFile('union') });
    await seedUser(h.roster, { email: 'ada@example.com', roles: ['admin'], slackUserId: 'UADA' });
    await seedUser(h.roster, { email: 'kim@example.com', roles: ['editor', 'viewer'], slackUserId: 'UKIM' });
    await seedUser(h.roster, { email: 'eve@example.com', roles: ['editor'] });
    h.fake.addUser({ id: 'UKIM', email: 'kim@example.com' });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('every role is in force: the API and the card show them all', async () => {
    const key = await apiKeyOf(h, 'kim@example.com', 'UKIM');
    const verified = await postJson(`${h.baseUrl}/api/v1/auth/verify`, { apiKey: key }, {}, h.fetch);
    expect(verified.json.roles).toEqual([
      { key: 'editor', scope: null },
      { key: 'viewer', scope: null },
    ]);
    expect(verified.json.overriddenRoles).toEqual([]);
    const card = JSON.stringify((await h.slack.commandAndWait(OWNER.slackId, 'show kim@example.com')).blocks);
    expect(card).toContain('*Roles*\\nEditor, Viewer"');
  });

  it('adding a role with an admin-plane permission is a grant of admin power, whatever it sits beside', async () => {
    const answer = await h.slack.commandAndWait(OWNER.slackId, 'roles eve@example.com +auditor');
    expect(answer.text).toContain('This needs approval');
    expect(await rolesOf(h, 'eve@example.com')).toEqual(['editor']);
  });
});

describe('the catalog keeps Admin on top', () => {
  it('refuses a directory-wide role that outranks Admin', async () => {
    const file = await catalogFile('highest', [{ key: 'root', name: 'Root', precedence: 200, permissions: [] }]);
    expect(() => loadCatalog(file)).toThrow(/"root" outranks "admin" \(200 > 100\)/);
  });
});
