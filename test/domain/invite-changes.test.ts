/**
 * Invites, resends, new links and re-invites (invite-changes.ts) through the change layer (issue 21,
 * item 4): users:manage, and roles:manage when the invite grants access; every address or none; the
 * seat rule; grantableTo; the approval an invite granting admin power asks for; versions and the trail.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { Services } from '../../src/create-services';
import type { Actor } from '../../src/domain/access/actor';
import { changeKit, type DomainHarness, domainStore } from '../support/domain-harness';
import { testTargets } from '../support/test-database';

type Change = Parameters<Services['changes']['submit']>[1];

describe.each(testTargets())('invite changes (%s store)', (target) => {
  const store = domainStore(target);
  afterAll(() => store.close());

  async function setup(options: Parameters<DomainHarness['services']>[0] = {}) {
    const h = await store.fresh();
    const { services, prisma, addUser, events, actor, submit } = changeKit(h, options);
    const read = (email: string) =>
      prisma.user.findFirstOrThrow({
        where: { accountId: h.accountId, email },
        include: { roles: { include: { role: true } }, invites: { orderBy: { createdAt: 'asc' } } },
      });
    const rolesOf = async (email: string) => (await read(email)).roles.map((r) => r.role.key).sort();
    const emails = async () =>
      (await prisma.user.findMany({ where: { accountId: h.accountId }, orderBy: { email: 'asc' } })).map((u) => u.email);
    /** A real user who holds only `permissions` (as a custom catalog role would give). */
    const holding = async (email: string, permissions: string[]): Promise<Actor> => ({
      ...(await actor(await addUser(email, ['editor']))),
      permissions: new Set(permissions),
    });
    return { h, services, prisma, addUser, read, rolesOf, emails, events, actor, submit, holding };
  }

  it('needs users:manage, and roles:manage too when the invite grants access, before anything is looked up', async () => {
    const { h, addUser, submit, holding, emails, prisma } = await setup();
    const editor = await holding('editor@example.com', ['content:read']);
    const manager = await holding('manager@example.com', ['users:manage']);
    await addUser('r@example.com', ['viewer'], 'revoked');
    const nobody = { email: 'nobody@example.com' };
    for (const change of [
      { kind: 'invite', emails: ['new@example.com'] },
      { kind: 'resend', user: nobody },
      { kind: 'invite-link', user: nobody },
      { kind: 'reinvite', user: nobody },
    ] satisfies Change[]) {
      await expect(submit(change, editor)).rejects.toMatchObject({ code: 'forbidden' });
    }
    for (const change of [
      { kind: 'invite', emails: ['new@example.com'], role: 'viewer' },
      { kind: 'invite', emails: ['new@example.com'], perms: ['users:view'] },
      { kind: 'invite', emails: [], people: [{ email: 'new@example.com', access: ['editor'] }] },
    ] satisfies Change[]) {
      await expect(submit(change, manager)).rejects.toMatchObject({ code: 'forbidden' });
    }
    expect(await emails()).toEqual(['editor@example.com', 'manager@example.com', 'owner@example.com', 'r@example.com']);
    expect(await prisma.invite.count()).toBe(0);
    expect(h.sent).toEqual([]);
    // Without a role the invite gives the default one (Viewer), which users:manage alone may do.
    await expect(submit({ kind: 'invite', emails: ['new@example.com'] }, manager)).resolves.toMatchObject({ status: 'done' });
  });

  it('invites every address with its link, roles and audit entry, delivered after the commit', async () => {
    const { h, prisma, read, rolesOf, events, submit } = await setup();
    const seatsBefore = (await prisma.account.findUniqueOrThrow({ where: { id: h.accountId } })).seatsUsed;
    const done = await submit({
      kind: 'invite',
      emails: [' A@example.com', 'b@example.com'],
      role: 'editor',
      groups: ['Default'],
    });
    expect(done).toMatchObject({
      status: 'done',
      result: {
        invited: [
          { email: 'a@example.com', reinvited: false },
          { email: 'b@example.com', reinvited: false },
        ],
      },
    });
    for (const email of ['a@example.com', 'b@example.com']) {
      const user = await read(email);
      expect(user).toMatchObject({ status: 'invited', invitedById: h.owner.userId, version: 1 });
      expect(user.invites.map((i) => i.status)).toEqual(['pending']);
      expect(await rolesOf(email)).toEqual(['editor']);
    }
    expect((await prisma.account.findUniqueOrThrow({ where: { id: h.accountId } })).seatsUsed).toBe(seatsBefore + 2);
    expect(h.sent.map((m) => [m.kind, m.email])).toEqual([
      ['invite', 'a@example.com'],
      ['invite', 'b@example.com'],
    ]);
    expect((await events('user.invited')).map((e) => [e.targetEmail, e.before, e.after])).toMatchObject([
      ['a@example.com', null, { status: 'invited', roles: ['editor'], groups: ['Default'], perms: [] }],
      ['b@example.com', null, { status: 'invited', roles: ['editor'], groups: ['Default'], perms: [] }],
    ]);
  });

  it('invites nobody while any address has a problem, naming each', async () => {
    const { h, addUser, emails, submit } = await setup();
    await addUser('active@example.com', ['viewer']);
    await submit({ kind: 'invite', emails: ['pending@example.com'] });
    await expect(submit({ kind: 'invite', emails: [' ', ''] })).rejects.toMatchObject({ code: 'bad_input', field: 'emails' });
    const tooMany = Array.from({ length: 51 }, (_, i) => `u${i}@example.com`);
    await expect(submit({ kind: 'invite', emails: tooMany })).rejects.toMatchObject({
      code: 'bad_input',
      message: expect.stringContaining('at most 50 addresses; this one has 51'),
    });
    const refused = submit({
      kind: 'invite',
      emails: [
        'ok@example.com',
        'not-an-address',
        'dup@example.com',
        'DUP@example.com',
        'active@example.com',
        'pending@example.com',
      ],
    });
    await expect(refused).rejects.toMatchObject({
      code: 'bad_input',
      field: 'emails',
      message: 'Nobody was invited. Fix these addresses and try again:',
      problems: [
        { subject: 'not-an-address', reason: 'is not a valid e-mail address' },
        { subject: 'dup@example.com', reason: 'is listed more than once' },
        { subject: 'active@example.com', reason: 'is already in the directory (active)' },
        { subject: 'pending@example.com', reason: expect.stringContaining('is already invited') },
      ],
    });
    expect(await emails()).toEqual(['active@example.com', 'owner@example.com', 'pending@example.com']);
    expect(h.sent).toHaveLength(1);
  });

  it('keeps to the seat limit and to what extras the role may receive', async () => {
    const { h, emails } = await setup();
    const full = h.services({ seatLimit: 2 });
    await expect(
      full.changes.submit(h.owner, { kind: 'invite', emails: ['a@example.com', 'b@example.com'] }),
    ).rejects.toMatchObject({ code: 'seat_limit', field: 'emails' });
    await expect(
      full.changes.submit(h.owner, { kind: 'invite', emails: ['a@example.com'], role: 'viewer', perms: ['audit:view'] }),
    ).rejects.toMatchObject({ code: 'not_grantable', field: 'perms' });
    await expect(
      full.changes.submit(h.owner, { kind: 'invite', emails: ['a@example.com'], role: 'wizard' }),
    ).rejects.toMatchObject({
      code: 'not_found',
    });
    expect(await emails()).toEqual(['owner@example.com']);
    await expect(full.changes.submit(h.owner, { kind: 'invite', emails: ['a@example.com'] })).resolves.toMatchObject({
      status: 'done',
    });
  });

  it('an invite granting admin power waits for grant-admin approval and creates nobody', async () => {
    const { h, prisma, addUser, emails, events } = await setup();
    await addUser('admin2@example.com', ['admin']);
    const approving = h.services({ approvals: { 'grant-admin': { approvals: 1 } } });
    await expect(
      approving.changes.submit(h.owner, { kind: 'invite', emails: ['boss@example.com'], role: 'admin' }),
    ).resolves.toMatchObject({ status: 'awaiting', request: { action: 'grant-admin' } });
    await expect(
      approving.changes.submit(h.owner, { kind: 'invite', emails: ['v@example.com'], role: 'viewer', perms: ['users:view'] }),
    ).resolves.toMatchObject({ status: 'awaiting', request: { action: 'grant-admin' } });
    expect(await emails()).toEqual(['admin2@example.com', 'owner@example.com']);
    expect(await prisma.invite.count()).toBe(0);
    expect(await events('user.invited')).toHaveLength(0);
    expect(h.sent).toEqual([]);
    await expect(
      approving.changes.submit(h.owner, { kind: 'invite', emails: ['plain@example.com'], role: 'editor' }),
    ).resolves.toMatchObject({ status: 'done' });
    // With approvals off the same grant is done at once.
    await expect(
      h.services().changes.submit(h.owner, { kind: 'invite', emails: ['boss@example.com'], role: 'admin' }),
    ).resolves.toMatchObject({ status: 'done' });
  });

  it('brings a revoked user back by inviting them again, bumping their version', async () => {
    const { read, rolesOf, events, addUser, submit } = await setup();
    await addUser('r@example.com', ['editor'], 'revoked');
    await expect(submit({ kind: 'invite', emails: ['r@example.com'], role: 'viewer' })).resolves.toMatchObject({
      status: 'done',
      result: { invited: [{ email: 'r@example.com', reinvited: true }] },
    });
    expect(await read('r@example.com')).toMatchObject({ status: 'invited', version: 2 });
    expect(await rolesOf('r@example.com')).toEqual(['viewer']);
    expect(await events('user.reinvited')).toMatchObject([
      { before: { status: 'revoked' }, after: { status: 'invited', roles: ['viewer'] } },
    ]);
  });

  it('resends the live link unchanged, and refuses anyone past inviting', async () => {
    const { h, read, events, addUser, submit } = await setup();
    await submit({ kind: 'invite', emails: ['i@example.com'] });
    await addUser('active@example.com', ['viewer']);
    await expect(submit({ kind: 'resend', user: { email: 'i@example.com' } })).resolves.toMatchObject({
      status: 'done',
      result: { email: 'i@example.com', fresh: false, delivery: { mail: 'sent' } },
    });
    expect(h.sent.map((m) => m.email)).toEqual(['i@example.com', 'i@example.com']);
    expect(h.sent[1]?.link).toBe(h.sent[0]?.link);
    const user = await read('i@example.com');
    expect(user.version).toBe(1);
    expect(user.invites.map((i) => i.status)).toEqual(['pending']);
    expect(await events('invite.resent')).toMatchObject([{ targetEmail: 'i@example.com' }]);
    for (const kind of ['resend', 'invite-link', 'reinvite'] as const) {
      await expect(submit({ kind, user: { email: 'active@example.com' } })).rejects.toMatchObject({
        code: 'invalid_state',
        message: expect.stringContaining('active@example.com is active; invites are only for'),
      });
    }
  });

  it('issues a new link for the admin to pass on: the old one is superseded and nothing is sent', async () => {
    const { h, services, read, events, submit } = await setup();
    await submit({ kind: 'invite', emails: ['i@example.com'] });
    const done = await services.changes.submit(h.owner, { kind: 'invite-link', user: { email: 'i@example.com' } });
    expect(done).toMatchObject({
      status: 'done',
      result: { email: 'i@example.com', link: expect.stringMatching(/^http:\/\/roster\.test\//) },
    });
    expect(done.status === 'done' && done.result.link).not.toBe(h.sent[0]?.link);
    expect(h.sent).toHaveLength(1);
    const user = await read('i@example.com');
    expect(user.version).toBe(2);
    expect(user.invites.map((i) => i.status).sort()).toEqual(['pending', 'superseded']);
    expect(await events('invite.link-reissued')).toMatchObject([{ before: { status: 'invited' }, after: { status: 'invited' } }]);
  });

  it('re-inviting a revoked user who held more than the default role needs roles:manage and a free seat', async () => {
    const { h, read, events, addUser, submit, holding } = await setup();
    await addUser('r@example.com', ['editor'], 'revoked');
    const manager = await holding('manager@example.com', ['users:manage']);
    await expect(submit({ kind: 'reinvite', user: { email: 'r@example.com' } }, manager)).rejects.toMatchObject({
      code: 'forbidden',
      message: expect.stringContaining('needs the `roles:manage` permission'),
    });
    const full = h.services({ seatLimit: 2 });
    await expect(full.changes.submit(h.owner, { kind: 'reinvite', user: { email: 'r@example.com' } })).rejects.toMatchObject({
      code: 'seat_limit',
      field: 'emails',
    });
    expect(await read('r@example.com')).toMatchObject({ status: 'revoked', version: 1 });
    await expect(submit({ kind: 'reinvite', user: { email: 'r@example.com' } })).resolves.toMatchObject({
      status: 'done',
      result: { email: 'r@example.com', fresh: true, delivery: { mail: 'sent' } },
    });
    expect(await read('r@example.com')).toMatchObject({ status: 'invited', version: 2 });
    expect(h.sent.map((m) => [m.kind, m.email])).toEqual([['invite', 'r@example.com']]);
    expect(await events('user.reinvited')).toMatchObject([{ before: { status: 'revoked' }, after: { status: 'invited' } }]);
  });
});
