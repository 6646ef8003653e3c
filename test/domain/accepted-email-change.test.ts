/**
 * An accepted user's new e-mail (issue 22, item 2; accepted-email-change.ts): what stays with the person
 * (Slack link, password, passcode), what ends (unused password links), the clashes and states refused,
 * and the approval a holder of admin powers needs.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { hashPassword, hashToken } from '../../src/domain/secrets';
import { changeKit, type DomainHarness, domainStore } from '../support/domain-harness';
import { testTargets } from '../support/test-database';

describe.each(testTargets())('an accepted user’s e-mail (%s store)', (target) => {
  const store = domainStore(target);
  afterAll(() => store.close());

  async function setup(options: Parameters<DomainHarness['services']>[0] = {}) {
    const h = await store.fresh();
    return { h, ...changeKit(h, options) };
  }

  it('moves a password user to the new address, keeping their Slack link, password and passcode', async () => {
    const { h, prisma, addUser, submit, services, events } = await setup();
    const id = await addUser('amy@example.com', ['viewer']);
    await prisma.user.update({
      where: { id },
      data: { slackUserId: 'UAMY', passwordHash: await hashPassword('correct horse battery'), name: 'Amy' },
    });
    const now = h.clock.now();
    const later = new Date(now.getTime() + 3_600_000);
    await prisma.passwordLink.createMany({
      data: [
        { accountId: h.accountId, userId: id, tokenHash: hashToken('unused'), expiresAt: later },
        { accountId: h.accountId, userId: id, tokenHash: hashToken('used'), expiresAt: later, usedAt: now },
      ],
    });
    await prisma.passcode.create({
      data: { accountId: h.accountId, userId: id, codeHash: hashToken('rp_amy'), tenureDays: 7, expiresAt: later },
    });

    await expect(
      submit({ kind: 'edit', user: { email: 'amy@example.com' }, email: ' Amy.New@Example.com ' }),
    ).resolves.toMatchObject({
      status: 'done',
      result: { email: 'amy.new@example.com', told: [{ email: 'amy@example.com' }, { email: 'amy.new@example.com' }] },
    });
    const user = await prisma.user.findUniqueOrThrow({ where: { id }, include: { passwordLinks: true, passcode: true } });
    expect(user).toMatchObject({ email: 'amy.new@example.com', slackUserId: 'UAMY', status: 'active', version: 2 });
    // The link sent to the old mailbox ends; the used one stays for the record.
    expect(user.passwordLinks.map((l) => l.tokenHash)).toEqual([hashToken('used')]);
    expect(user.passcode?.status).toBe('active');
    const login = (email: string) => services.signIn.login(email, 'correct horse battery', '10.0.0.1');
    await expect(login('amy.new@example.com')).resolves.toMatchObject({ ok: true, holder: { user: { id } } });
    await expect(login('amy@example.com')).resolves.toMatchObject({ ok: false });
    await expect(services.signIn.verifyPasscodeFor('amy.new@example.com', 'rp_amy', '10.0.0.1')).resolves.toMatchObject({
      ok: true,
    });
    expect(await events('user.edited')).toMatchObject([
      { targetEmail: 'amy.new@example.com', before: { email: 'amy@example.com' }, after: { email: 'amy.new@example.com' } },
    ]);
  });

  it('moves a disabled user too, and changes a name with it', async () => {
    const { prisma, addUser, submit } = await setup();
    const id = await addUser('dee@example.com', ['viewer'], 'disabled');
    await submit({ kind: 'edit', user: { id }, email: 'dee2@example.com', name: 'Dee' });
    expect(await prisma.user.findUniqueOrThrow({ where: { id } })).toMatchObject({
      email: 'dee2@example.com',
      name: 'Dee',
      status: 'disabled',
    });
  });

  it('refuses an address another user has, as e-mail or SCIM userName, and one that is not an address', async () => {
    const { prisma, addUser, submit } = await setup();
    const id = await addUser('amy@example.com', ['viewer']);
    await addUser('bob@example.com', ['viewer']);
    const scim = await addUser('carl@example.com', ['viewer']);
    await prisma.user.update({
      where: { id: scim },
      data: { userName: 'Carl.X@example.com', userNameKey: 'carl.x@example.com' },
    });
    const before = await prisma.auditEvent.count();
    await expect(submit({ kind: 'edit', user: { id }, email: 'BOB@example.com' })).rejects.toMatchObject({
      code: 'conflict',
      field: 'email',
      message: 'bob@example.com is already in use by another user.',
    });
    await expect(submit({ kind: 'edit', user: { id }, email: 'carl.x@example.com' })).rejects.toMatchObject({
      code: 'conflict',
      field: 'email',
      message: 'carl.x@example.com is the SCIM userName of carl@example.com.',
    });
    await expect(submit({ kind: 'edit', user: { id }, email: 'not-an-address' })).rejects.toMatchObject({
      code: 'bad_input',
      field: 'email',
    });
    expect(await prisma.user.findUniqueOrThrow({ where: { id } })).toMatchObject({ email: 'amy@example.com', version: 1 });
    expect(await prisma.auditEvent.count()).toBe(before);
  });

  it('refuses a revoked user and one the identity provider manages', async () => {
    const { prisma, addUser, submit } = await setup();
    await addUser('rex@example.com', ['viewer'], 'revoked');
    const sso = await addUser('sam@example.com', ['viewer']);
    await prisma.user.update({ where: { id: sso }, data: { signInMethod: 'sso', userName: 'sam', userNameKey: 'sam' } });
    await expect(submit({ kind: 'edit', user: { email: 'rex@example.com' }, email: 'rex2@example.com' })).rejects.toMatchObject({
      code: 'invalid_state',
      field: 'email',
    });
    await expect(submit({ kind: 'edit', user: { id: sso }, email: 'sam2@example.com' })).rejects.toMatchObject({
      code: 'invalid_state',
      message: expect.stringContaining('identity provider'),
    });
  });

  it('re-addressing a holder of admin powers is a grant: it waits for approval, and nobody does it to themselves', async () => {
    const { h, prisma, addUser, actor } = await setup({ approvals: { 'grant-admin': { approvals: 1 } } });
    const ed = await addUser('ed@example.com', ['editor']);
    await prisma.user.update({ where: { id: ed }, data: { extraPermissions: ['users:manage'] } });
    const admin2 = await actor(await addUser('admin2@example.com', ['admin']));
    await addUser('admin3@example.com', ['admin']);
    const approving = h.services({ approvals: { 'grant-admin': { approvals: 1 } } });
    const waiting = await approving.changes.submit(h.owner, { kind: 'edit', user: { id: ed }, email: 'ed2@example.com' });
    expect(waiting).toMatchObject({ status: 'awaiting', request: { action: 'grant-admin' } });
    expect(waiting.status === 'awaiting' && waiting.request.summary).toContain(
      'Change the e-mail of ed@example.com to ed2@example.com',
    );
    expect(await prisma.user.findUniqueOrThrow({ where: { id: ed } })).toMatchObject({ email: 'ed@example.com', version: 1 });
    // The owner is re-addressed only by another admin, through the same approval.
    await expect(
      approving.changes.submit(h.owner, { kind: 'edit', user: { email: 'owner@example.com' }, email: 'me@example.com' }),
    ).rejects.toMatchObject({ code: 'forbidden', message: expect.stringContaining('another admin must change your e-mail') });
    await expect(
      approving.changes.submit(admin2, { kind: 'edit', user: { email: 'owner@example.com' }, email: 'boss@example.com' }),
    ).resolves.toMatchObject({ status: 'awaiting', request: { action: 'grant-admin' } });
    // A user without admin powers needs no approver.
    await addUser('vi@example.com', ['viewer']);
    await expect(
      approving.changes.submit(h.owner, { kind: 'edit', user: { email: 'vi@example.com' }, email: 'vi2@example.com' }),
    ).resolves.toMatchObject({ status: 'done' });
  });
});
