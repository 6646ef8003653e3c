/**
 * Credential changes (credential-changes.ts) through the change layer (issue 21, item 4): API keys,
 * passcodes, password links and the sign-in method; credentials:manage first, active holders only,
 * the tenures, the approval a long passcode asks for, versions and the audit trail.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { Services } from '../../src/create-services';
import { changeKit, type DomainHarness, domainStore } from '../support/domain-harness';
import { testTargets } from '../support/test-database';

type Change = Parameters<Services['changes']['submit']>[1];

describe.each(testTargets())('credential changes (%s store)', (target) => {
  const store = domainStore(target);
  afterAll(() => store.close());

  async function setup(options: Parameters<DomainHarness['services']>[0] = {}) {
    const h = await store.fresh();
    const { services, prisma, addUser, events, actor, submit } = changeKit(h, options);
    const read = (email: string) => prisma.user.findFirstOrThrow({ where: { accountId: h.accountId, email } });
    return { h, services, prisma, addUser, read, events, actor, submit };
  }

  it('needs credentials:manage, refused before anyone is looked up, and issues nothing', async () => {
    const { h, addUser, actor, submit, prisma } = await setup();
    const editor = await actor(await addUser('editor@example.com', ['editor']));
    const nobody = { email: 'nobody@example.com' };
    const audited = await prisma.auditEvent.count();
    for (const change of [
      { kind: 'api-key', user: nobody },
      { kind: 'grant-passcode', user: nobody, tenureDays: 7 },
      { kind: 'reset-passcode', user: nobody },
      { kind: 'password-link', user: nobody },
      { kind: 'sign-in', user: nobody, method: 'google' },
    ] satisfies Change[]) {
      await expect(submit(change, editor)).rejects.toMatchObject({ code: 'forbidden' });
    }
    expect(await prisma.auditEvent.count()).toBe(audited);
    expect(await prisma.pendingCredential.count()).toBe(0);
    expect(h.sent).toEqual([]);
  });

  it('issues an API key to an active user only, replacing the previous one', async () => {
    const { h, services, prisma, read, events, addUser, submit } = await setup();
    const id = await addUser('v@example.com', ['viewer']);
    await addUser('i@example.com', ['viewer'], 'invited');
    await addUser('d@example.com', ['viewer'], 'disabled');
    for (const email of ['i@example.com', 'd@example.com']) {
      await expect(submit({ kind: 'api-key', user: { email } })).rejects.toMatchObject({
        code: 'invalid_state',
        message: expect.stringContaining('only active users get credentials'),
      });
    }
    const first = await services.changes.submit(h.owner, { kind: 'api-key', user: { email: 'v@example.com' } });
    expect(first).toMatchObject({ status: 'done', result: { email: 'v@example.com', delivered: true, via: 'email' } });
    const firstKey = await prisma.apiKey.findUniqueOrThrow({ where: { userId: id } });
    expect(first.status === 'done' && first.result.prefix).toBe(firstKey.prefix);
    const second = await services.changes.submit(h.owner, { kind: 'api-key', user: { email: 'v@example.com' } });
    const secondKey = await prisma.apiKey.findUniqueOrThrow({ where: { userId: id } });
    expect(secondKey.keyHash).not.toBe(firstKey.keyHash);
    expect(second.status === 'done' && second.result.prefix).toBe(secondKey.prefix);
    expect((await read('v@example.com')).version).toBe(3);
    expect((await events('apikey.generated')).map((e) => [e.targetEmail, e.before, e.after])).toEqual([
      ['v@example.com', { prefix: null }, { prefix: firstKey.prefix }],
      ['v@example.com', { prefix: firstKey.prefix }, { prefix: secondKey.prefix }],
    ]);
    expect(h.sent.map((m) => [m.kind, m.email])).toEqual([
      ['credential-reveal', 'v@example.com'],
      ['credential-reveal', 'v@example.com'],
    ]);
  });

  it('grants passcodes of 1, 7, 30 or 90 days only, and resets one with the same tenure', async () => {
    const { prisma, read, events, addUser, submit } = await setup();
    const id = await addUser('v@example.com', ['viewer']);
    await expect(submit({ kind: 'reset-passcode', user: { email: 'v@example.com' } })).rejects.toMatchObject({
      code: 'invalid_state',
      message: expect.stringContaining('has no passcode to reset'),
    });
    await expect(submit({ kind: 'grant-passcode', user: { email: 'v@example.com' }, tenureDays: 5 })).rejects.toMatchObject({
      code: 'bad_input',
      field: 'tenure',
      message: 'The tenure must be 1d, 7d, 30d or 90d.',
    });
    expect(await prisma.pendingCredential.count()).toBe(0);
    await expect(submit({ kind: 'grant-passcode', user: { email: 'v@example.com' }, tenureDays: 7 })).resolves.toMatchObject({
      status: 'done',
      result: { email: 'v@example.com', delivered: true },
    });
    const granted = await prisma.passcode.findUniqueOrThrow({ where: { userId: id } });
    expect(granted).toMatchObject({ tenureDays: 7, status: 'active' });
    await submit({ kind: 'reset-passcode', user: { email: 'v@example.com' } });
    const reset = await prisma.passcode.findUniqueOrThrow({ where: { userId: id } });
    expect(reset).toMatchObject({ tenureDays: 7, status: 'active' });
    expect(reset.codeHash).not.toBe(granted.codeHash);
    expect((await read('v@example.com')).version).toBe(3);
    expect((await events('passcode.granted')).map((e) => (e.after as { tenureDays: number }).tenureDays)).toEqual([7]);
    expect((await events('passcode.reset')).map((e) => (e.after as { tenureDays: number }).tenureDays)).toEqual([7]);
  });

  it('a passcode longer than passcodeMaxDays waits for the passcode-long approval and issues nothing', async () => {
    const { prisma, read, events, addUser, submit, services, h } = await setup({
      approvals: { 'passcode-long': { approvals: 1 } },
    });
    await addUser('admin2@example.com', ['admin']);
    const id = await addUser('v@example.com', ['viewer']);
    await expect(
      services.changes.preview(h.owner, { kind: 'grant-passcode', user: { email: 'v@example.com' }, tenureDays: 90 }),
    ).resolves.toMatchObject({ approval: { action: 'passcode-long', approvals: 1 } });
    await expect(submit({ kind: 'grant-passcode', user: { email: 'v@example.com' }, tenureDays: 90 })).resolves.toMatchObject({
      status: 'awaiting',
      request: { action: 'passcode-long' },
    });
    expect(await prisma.passcode.count({ where: { userId: id } })).toBe(0);
    expect(await prisma.pendingCredential.count()).toBe(0);
    expect((await read('v@example.com')).version).toBe(1);
    expect(await events('passcode.granted')).toHaveLength(0);
    await expect(submit({ kind: 'grant-passcode', user: { email: 'v@example.com' }, tenureDays: 30 })).resolves.toMatchObject({
      status: 'done',
    });
    expect((await prisma.passcode.findUniqueOrThrow({ where: { userId: id } })).tenureDays).toBe(30);
  });

  it('sends a password link, ending the current password only when asked', async () => {
    const { h, prisma, read, events, addUser, submit } = await setup();
    const id = await addUser('v@example.com', ['viewer']);
    await prisma.user.update({ where: { id }, data: { passwordHash: 'scrypt$test' } });
    await expect(submit({ kind: 'password-link', user: { email: 'v@example.com' } })).resolves.toMatchObject({
      status: 'done',
      result: { email: 'v@example.com', passwordEnded: false, delivery: { mail: 'sent' } },
    });
    // A link alone changes nothing about the user, so their version stays.
    expect(await read('v@example.com')).toMatchObject({ passwordHash: 'scrypt$test', version: 1 });
    await expect(submit({ kind: 'password-link', user: { email: 'v@example.com' }, endPassword: true })).resolves.toMatchObject({
      status: 'done',
      result: { passwordEnded: true },
    });
    expect(await read('v@example.com')).toMatchObject({ passwordHash: null, version: 2 });
    // The newer link replaces the unused older one.
    expect(await prisma.passwordLink.count({ where: { userId: id } })).toBe(1);
    expect(h.sent.map((m) => [m.kind, m.email])).toEqual([
      ['password-link', 'v@example.com'],
      ['password-link', 'v@example.com'],
    ]);
    expect(await events('password-link.sent')).toHaveLength(2);
    expect(await events('password.ended')).toMatchObject([{ before: { password: 'set' }, after: { password: 'none' } }]);
  });

  it('switches to Google sign-in (no password, no links) and back (a link is sent)', async () => {
    const { h, prisma, read, events, addUser, submit } = await setup();
    const id = await addUser('v@example.com', ['viewer']);
    await prisma.user.update({ where: { id }, data: { passwordHash: 'scrypt$test' } });
    await submit({ kind: 'password-link', user: { email: 'v@example.com' } });
    await expect(submit({ kind: 'sign-in', user: { email: 'v@example.com' }, method: 'password' })).rejects.toMatchObject({
      code: 'invalid_state',
      message: 'v@example.com already signs in with a password.',
    });
    await expect(submit({ kind: 'sign-in', user: { email: 'v@example.com' }, method: 'google' })).resolves.toMatchObject({
      status: 'done',
      result: { email: 'v@example.com', method: 'google', link: null },
    });
    expect(await read('v@example.com')).toMatchObject({ signInMethod: 'google', passwordHash: null, version: 2 });
    expect(await prisma.passwordLink.count({ where: { userId: id } })).toBe(0);
    await expect(submit({ kind: 'password-link', user: { email: 'v@example.com' } })).rejects.toMatchObject({
      code: 'invalid_state',
      message: expect.stringContaining('signs in with Google, so password links are refused'),
    });
    await expect(submit({ kind: 'sign-in', user: { email: 'v@example.com' }, method: 'password' })).resolves.toMatchObject({
      status: 'done',
      result: { method: 'password', link: { email: 'v@example.com', delivery: { mail: 'sent' } } },
    });
    expect(await read('v@example.com')).toMatchObject({ signInMethod: 'password', version: 3 });
    expect(h.sent.map((m) => m.kind)).toEqual(['password-link', 'password-link']);
    expect((await events('user.signin-changed')).map((e) => [e.before, e.after])).toEqual([
      [{ signIn: 'password' }, { signIn: 'google' }],
      [{ signIn: 'google' }, { signIn: 'password' }],
    ]);
  });
});
