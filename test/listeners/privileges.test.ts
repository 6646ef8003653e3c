/**
 * Privilege gaps (issue 14, items 1, 2 and 8) and the approved change being the submitted one
 * (issue 15): each through the real app with signed Slack requests, on a real store.
 */

import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { presetPath } from '../../src/domain/roles/catalog';
import { APPROVALS_CHANNEL, decide, latestRequestButton } from '../support/approvals';
import { type ListenerHarness, OWNER, startListenerHarness } from '../support/listener-harness';
import { seedUser } from '../support/seed';

const CHANNEL = APPROVALS_CHANNEL;
const latestRequest = (h: ListenerHarness) => latestRequestButton(h);
const approve = (h: ListenerHarness, slackUserId: string, id: string) => decide(h, slackUserId, id, true);
type View = { callback_id: string; private_metadata: string };
const select = (value: string) => ({ type: 'static_select', selected_option: { value } });
const input = (value: string) => ({ type: 'plain_text_input', value });

async function rolesOf(h: ListenerHarness, email: string): Promise<string[]> {
  const held = await h.roster.prisma.userRole.findMany({ where: { user: { email } }, include: { role: true } });
  return held.map((r) => r.role.key).sort();
}

describe('privileges: what granting needs, on every path (embedded store)', () => {
  let h: ListenerHarness;
  beforeAll(async () => {
    h = await startListenerHarness('embedded', { APPROVALS_CHANNEL: CHANNEL });
    const people = [
      { email: 'ada@example.com', roles: ['admin'], slackUserId: 'UADA' },
      { email: 'manny@example.com', roles: ['viewer'], slackUserId: 'UMANNY', extraPermissions: ['users:manage'] },
      { email: 'rita@example.com', roles: ['editor'], slackUserId: 'URITA', extraPermissions: ['roles:manage'] },
      { email: 'ed@example.com', roles: ['editor'], slackUserId: 'UED', extraPermissions: ['approvals:approve'] },
      { email: 'vic@example.com', roles: ['viewer'], slackUserId: 'UVIC' },
      { email: 'tess@example.com', roles: ['viewer'] },
      { email: 'gone@example.com', roles: ['viewer'], status: 'revoked' as const },
    ];
    for (const person of people) {
      await seedUser(h.roster, person);
      if (person.slackUserId) h.fake.addUser({ id: person.slackUserId, email: person.email });
    }
  });
  afterAll(async () => {
    await h?.close();
  });

  it('an invite as Admin waits for grant-admin approval instead of creating an Admin', async () => {
    const answer = await h.slack.commandAndWait(OWNER.slackId, 'invite boss@example.com --role admin');
    expect(answer.text).toContain('This needs approval');
    expect(await h.roster.prisma.user.count({ where: { email: 'boss@example.com' } })).toBe(0);
    const request = await h.roster.prisma.approvalRequest.findFirstOrThrow({ where: { id: latestRequest(h) } });
    expect(request.action).toBe('grant-admin');
  });

  it('the invite modal waits for approval too', async () => {
    await h.slack.command(OWNER.slackId, 'invite');
    const view = await h.fake.waitFor(() =>
      h.fake
        .callsTo('views.open')
        .map((c) => c.args.view as View)
        .find((v) => v.callback_id === 'invite.modal'),
    );
    const submitted = await h.slack.viewSubmission(OWNER.slackId, {
      callbackId: 'invite.modal',
      privateMetadata: view.private_metadata,
      values: {
        'invite.emails': { 'invite.emails': input('boss2@example.com') },
        'invite.role': { 'invite.role': select('admin') },
      },
    });
    expect(submitted.status).toBe(200);
    await h.fake.waitFor(() =>
      h.fake.callsTo('chat.postEphemeral').find((c) => String(c.args.text).includes('This needs approval')),
    );
    expect(await h.roster.prisma.user.count({ where: { email: 'boss2@example.com' } })).toBe(0);
  });

  it('re-inviting a revoked user as Admin waits for approval and leaves them revoked', async () => {
    const answer = await h.slack.commandAndWait(OWNER.slackId, 'invite gone@example.com --role admin');
    expect(answer.text).toContain('This needs approval');
    const gone = await h.roster.prisma.user.findFirstOrThrow({ where: { email: 'gone@example.com' } });
    expect(gone.status).toBe('revoked');
    expect(await rolesOf(h, 'gone@example.com')).toEqual(['viewer']);
  });

  it('an invite that grants a role or extra permissions needs roles:manage; the default role does not', async () => {
    const refused = await h.slack.commandAndWait('UMANNY', 'invite new@example.com --role editor');
    expect(refused.text).toContain('roles:manage');
    const perms = await h.slack.commandAndWait('UMANNY', 'invite new@example.com --perm users:view');
    expect(perms.text).toContain('roles:manage');
    expect(await h.roster.prisma.user.count({ where: { email: 'new@example.com' } })).toBe(0);
    const plain = await h.slack.commandAndWait('UMANNY', 'invite new@example.com');
    expect(plain.text).toContain('Invited');
    expect(await rolesOf(h, 'new@example.com')).toEqual(['viewer']);
  });

  it('admin-plane permissions the catalog does not list cannot be granted as extras', async () => {
    const answer = await h.slack.commandAndWait('URITA', 'perms tess@example.com +users:manage +approvals:approve');
    expect(answer.text).toMatch(/cannot be granted as an extra permission/);
    const tess = await h.roster.prisma.user.findFirstOrThrow({ where: { email: 'tess@example.com' } });
    expect(tess.extraPermissions).toEqual([]);
  });

  it('nobody grants admin-plane permissions to themselves', async () => {
    const answer = await h.slack.commandAndWait('URITA', 'perms rita@example.com +users:view');
    expect(answer.text).toContain('You cannot give yourself');
    const rita = await h.roster.prisma.user.findFirstOrThrow({ where: { email: 'rita@example.com' } });
    expect(rita.extraPermissions).toEqual(['roles:manage']);
    const roles = await h.slack.commandAndWait('URITA', 'roles rita@example.com +admin');
    expect(roles.text).toContain('You cannot give yourself');
    expect(await rolesOf(h, 'rita@example.com')).toEqual(['editor']);
  });

  it('granting an admin-plane extra waits for grant-admin approval, and its target may not approve it', async () => {
    const answer = await h.slack.commandAndWait(OWNER.slackId, 'perms ed@example.com +audit:view');
    expect(answer.text).toContain('This needs approval');
    const id = latestRequest(h);
    expect((await h.roster.prisma.approvalRequest.findUniqueOrThrow({ where: { id } })).action).toBe('grant-admin');
    await h.slack.blockAction('UED', { actionId: 'approval.approve', value: id });
    const refused = await h.fake.waitFor(() => h.fake.callsTo('chat.postEphemeral').find((c) => c.args.user === 'UED'));
    expect(String(refused.args.text)).toContain('someone else must decide');
    await approve(h, 'UED', id);
    await h.fake.waitFor(() => h.fake.callsTo('chat.postMessage').find((c) => c.args.channel === 'DUED'));
    const ed = await h.roster.prisma.user.findFirstOrThrow({ where: { email: 'ed@example.com' } });
    expect(ed.extraPermissions).toEqual(['approvals:approve']);
    expect((await h.roster.prisma.approvalRequest.findUniqueOrThrow({ where: { id } })).status).toBe('pending');
  });

  it('checks the permission before looking the target up, so a Viewer learns nothing', async () => {
    for (const [text, permission] of [
      ['revoke nobody@example.com', 'users:manage'],
      ['revoke tess@example.com', 'users:manage'],
      ['roles nobody@example.com', 'roles:manage'],
      ['roles nobody@example.com +admin', 'roles:manage'],
      ['edit nobody@example.com', 'users:manage'],
      ['passcode reset nobody@example.com', 'credentials:manage'],
    ] as const) {
      const answer = await h.slack.commandAndWait('UVIC', text);
      expect(answer.text, text).toContain(permission);
      expect(answer.text, text).not.toContain('No user');
    }
  });

  it('the roles modal with approval runs exactly the change submitted: Viewer replaced by Admin', async () => {
    await h.slack.command(OWNER.slackId, 'roles tess@example.com');
    const view = await h.fake.waitFor(() =>
      h.fake
        .callsTo('views.open')
        .map((c) => c.args.view as View)
        .find((v) => v.callback_id === 'roles.modal'),
    );
    await h.slack.viewSubmission(OWNER.slackId, {
      callbackId: 'roles.modal',
      privateMetadata: view.private_metadata,
      values: { 'roles.general': { 'roles.general': select('admin') } },
    });
    await h.fake.waitFor(() =>
      h.fake
        .callsTo('chat.postMessage')
        .find((c) => c.args.channel === CHANNEL && JSON.stringify(c.args.blocks).includes('tess@example.com')),
    );
    const id = latestRequest(h);
    expect(await rolesOf(h, 'tess@example.com')).toEqual(['viewer']);
    await approve(h, 'UADA', id);
    await h.fake.waitFor(() => h.fake.callsTo('chat.update').find((c) => JSON.stringify(c.args.blocks).includes('Approved')));
    expect(await rolesOf(h, 'tess@example.com')).toEqual(['admin']);
  });
});

describe('privileges: any role holding every permission counts as Admin (embedded store)', () => {
  let h: ListenerHarness;
  beforeAll(async () => {
    const catalog = parse(readFileSync(presetPath('standard'), 'utf8'));
    catalog.roles.push({ key: 'root', name: 'Root', precedence: 90, permissions: ['*'] });
    const file = path.join(tmpdir(), `roster-root-${process.pid}.yaml`);
    await writeFile(file, stringify(catalog));
    h = await startListenerHarness('embedded', { APPROVALS_CHANNEL: CHANNEL, ROSTER_CONFIG: file });
    await seedUser(h.roster, { email: 'ada@example.com', roles: ['admin'], slackUserId: 'UADA' });
    await seedUser(h.roster, { email: 'tess@example.com', roles: ['viewer'] });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('granting a role with `*` waits for grant-admin approval', async () => {
    const answer = await h.slack.commandAndWait(OWNER.slackId, 'roles tess@example.com +root');
    expect(answer.text).toContain('This needs approval');
    expect(await rolesOf(h, 'tess@example.com')).toEqual(['viewer']);
    const request = await h.roster.prisma.approvalRequest.findFirstOrThrow({ where: { id: latestRequest(h) } });
    expect(request.action).toBe('grant-admin');
  });
});
