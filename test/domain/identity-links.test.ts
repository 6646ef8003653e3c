/**
 * Issue 20, item 1: who a Slack user is in the directory. A link is by Slack user ID for good; only
 * members of the account's own workspace or organisation are linked by their profile's e-mail; the
 * identity provider cannot re-address the owner or an Admin, nor bring back a revoked Admin; and
 * re-addressing an Admin invitee in Slack needs the approval granting Admin needs.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { SlackProfiles } from '../../src/domain/access/access-service';
import { scimActor } from '../../src/domain/access/actor';
import type { SlackProfile } from '../../src/domain/access/workspace-member';
import { type DomainHarness, domainStore } from '../support/domain-harness';
import { directoryState } from '../support/seed';
import { testTargets } from '../support/test-database';

const TEAM = 'TROSTER01';

/** Slack as these tests need it: profiles by Slack user ID. */
function profiles(people: Record<string, Partial<SlackProfile> & { email: string }>): SlackProfiles {
  return {
    async profileOf(id) {
      const person = people[id];
      return person ? { teamIds: [TEAM], enterpriseId: null, stranger: false, ...person } : null;
    },
    inWorkspace: async () => true,
  };
}

async function addUser(
  h: DomainHarness,
  email: string,
  role: string,
  extra: { status?: 'active' | 'invited' | 'revoked'; slackUserId?: string } = {},
) {
  const created = await h.db.prisma.user.create({
    data: {
      accountId: h.accountId,
      email,
      status: extra.status ?? 'active',
      slackUserId: extra.slackUserId,
      roles: { create: { role: { connect: { accountId_key: { accountId: h.accountId, key: role } } } } },
    },
  });
  return created.id;
}

const scimUpdate = (id: string, attributes: { email: string; active?: boolean }) => ({
  kind: 'scim-user' as const,
  user: { id },
  attributes: { email: attributes.email, name: null, externalId: null, active: attributes.active ?? true },
});

describe.each(testTargets())('identity links (%s store)', (target) => {
  let h: DomainHarness;
  const store = domainStore(target);
  afterAll(() => store.close());

  async function start() {
    h = await store.fresh();
    await h.db.prisma.account.update({ where: { id: h.accountId }, data: { slackTeamId: TEAM } });
    await h.db.prisma.user.update({ where: { id: h.owner.userId as string }, data: { slackUserId: 'UOWNER' } });
  }

  it('SCIM cannot re-address the owner or an Admin (403, nothing written); an ordinary user keeps their Slack link', async () => {
    await start();
    const services = h.services();
    const adminId = await addUser(h, 'admin2@example.com', 'admin', { slackUserId: 'UADMIN2' });
    const viewerId = await addUser(h, 'viewer@example.com', 'viewer', { slackUserId: 'UVIEWER' });
    const before = await directoryState({ prisma: h.db.prisma });
    for (const [id, email] of [
      [h.owner.userId as string, 'member@example.com'],
      [adminId, 'member@example.com'],
    ] as const) {
      await expect(services.changes.submit(scimActor(), scimUpdate(id, { email }))).rejects.toMatchObject({
        code: 'forbidden',
        field: 'userName',
      });
    }
    expect(await directoryState({ prisma: h.db.prisma })).toBe(before);

    await services.changes.submit(scimActor(), scimUpdate(viewerId, { email: 'viewer.new@example.com' }));
    const viewer = await h.db.prisma.user.findUniqueOrThrow({ where: { id: viewerId } });
    expect(viewer).toMatchObject({ email: 'viewer.new@example.com', slackUserId: 'UVIEWER' });
  });

  it('SCIM cannot make a revoked Admin active again, but may an ordinary revoked user', async () => {
    await start();
    const services = h.services();
    const adminId = await addUser(h, 'gone-admin@example.com', 'admin', { status: 'revoked' });
    const viewerId = await addUser(h, 'gone-viewer@example.com', 'viewer', { status: 'revoked' });
    await expect(
      services.changes.submit(scimActor(), scimUpdate(adminId, { email: 'gone-admin@example.com' })),
    ).rejects.toMatchObject({ code: 'forbidden', field: 'active' });
    expect((await h.db.prisma.user.findUniqueOrThrow({ where: { id: adminId } })).status).toBe('revoked');
    await services.changes.submit(scimActor(), scimUpdate(viewerId, { email: 'gone-viewer@example.com' }));
    expect((await h.db.prisma.user.findUniqueOrThrow({ where: { id: viewerId } })).status).toBe('active');
  });

  it('a linked user is theirs for good: another Slack user whose profile carries the address is refused', async () => {
    await start();
    // The owner's record now carries the member's address (as a re-addressing would have left it).
    await h.db.prisma.user.update({ where: { id: h.owner.userId as string }, data: { email: 'member@example.com' } });
    const services = h.services({
      profiles: profiles({ UMEMBER: { email: 'member@example.com' }, UOWNER: { email: 'owner@example.com' } }),
    });
    await expect(services.access.actorForSlackUser('UMEMBER', 'command')).rejects.toMatchObject({ code: 'forbidden' });
    expect((await h.db.prisma.user.findUniqueOrThrow({ where: { id: h.owner.userId as string } })).slackUserId).toBe('UOWNER');
    const owner = await services.access.actorForSlackUser('UOWNER', 'command');
    expect(owner.userId).toBe(h.owner.userId);
  });

  it('links by profile e-mail only a member of the account’s own workspace or organisation', async () => {
    await start();
    const people = ['ext', 'stranger', 'grid', 'home'];
    for (const who of people) await addUser(h, `${who}@example.com`, 'viewer');
    const services = h.services({
      profiles: profiles({
        UEXT: { email: 'ext@example.com', teamIds: ['TOTHERORG'] },
        USTRANGER: { email: 'stranger@example.com', stranger: true },
        UHOME: { email: 'home@example.com' },
      }),
    });
    await expect(services.access.actorForSlackUser('UEXT', 'command')).rejects.toMatchObject({ code: 'forbidden' });
    await expect(services.access.actorForSlackUser('USTRANGER', 'command')).rejects.toMatchObject({ code: 'forbidden' });
    expect((await services.access.actorForSlackUser('UHOME', 'command')).email).toBe('home@example.com');
    const links = await h.db.prisma.user.findMany({ where: { email: { in: people.map((p) => `${p}@example.com`) } } });
    expect(Object.fromEntries(links.map((u) => [u.email, u.slackUserId]))).toEqual({
      'ext@example.com': null,
      'stranger@example.com': null,
      'grid@example.com': null,
      'home@example.com': 'UHOME',
    });

    // An org-wide install serves the organisation: a member of any of its workspaces links.
    await h.db.prisma.account.update({ where: { id: h.accountId }, data: { slackTeamId: null, slackEnterpriseId: 'EORG0001' } });
    const grid = h.services({
      profiles: profiles({ UGRID: { email: 'grid@example.com', teamIds: ['TWS2'], enterpriseId: 'EORG0001' } }),
    });
    expect((await grid.access.actorForSlackUser('UGRID', 'command')).email).toBe('grid@example.com');
  });

  it('two first requests from two Slack users with the same address link one of them, and the other is refused', async () => {
    await start();
    await addUser(h, 'twin@example.com', 'viewer');
    const services = h.services({
      profiles: profiles({ UTWIN1: { email: 'twin@example.com' }, UTWIN2: { email: 'twin@example.com' } }),
    });
    const outcomes = await Promise.allSettled([
      services.access.actorForSlackUser('UTWIN1', 'command'),
      services.access.actorForSlackUser('UTWIN2', 'command'),
    ]);
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    const linked = (await h.db.prisma.user.findFirstOrThrow({ where: { email: 'twin@example.com' } })).slackUserId;
    const winner = outcomes.findIndex((o) => o.status === 'fulfilled');
    expect(linked).toBe(winner === 0 ? 'UTWIN1' : 'UTWIN2');
  });

  it('re-addressing an Admin invitee in Slack needs the grant-admin approval; a Viewer invitee does not', async () => {
    await start();
    const services = h.services({ approvals: { 'grant-admin': { approvals: 1 } } });
    await addUser(h, 'approver@example.com', 'admin');
    await addUser(h, 'new-admin@example.com', 'admin', { status: 'invited' });
    await addUser(h, 'new-viewer@example.com', 'viewer', { status: 'invited', slackUserId: 'UOLD' });
    const admin = await services.changes.submit(h.owner, {
      kind: 'edit',
      user: { email: 'new-admin@example.com' },
      email: 'someone-else@example.com',
    });
    expect(admin.status).toBe('awaiting');
    if (admin.status === 'awaiting') expect(admin.request.action).toBe('grant-admin');
    expect(await h.db.prisma.user.count({ where: { email: 'someone-else@example.com' } })).toBe(0);

    const viewer = await services.changes.submit(h.owner, {
      kind: 'edit',
      user: { email: 'new-viewer@example.com' },
      email: 'viewer2@example.com',
    });
    expect(viewer.status).toBe('done');
    // The invite may now reach someone else: the old Slack link goes, and the trail says so.
    expect((await h.db.prisma.user.findFirstOrThrow({ where: { email: 'viewer2@example.com' } })).slackUserId).toBeNull();
    const event = await h.db.prisma.auditEvent.findFirstOrThrow({ where: { action: 'user.edited' }, orderBy: { at: 'desc' } });
    expect(event.before).toMatchObject({ email: 'new-viewer@example.com', slackUserId: 'UOLD' });
    expect(event.after).toMatchObject({ email: 'viewer2@example.com', slackUserId: null });
  });
});
