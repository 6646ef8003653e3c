/**
 * Deleting a user moves their API keys to the owner (issue 22, item 3): the key keeps working and now
 * answers as the owner, the audit trail says so, passcodes end with the user, the preview names what
 * moves, and the inherited key ends through `inherited-key-revoke` (its heir, or users:manage).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { hashToken } from '../../src/domain/secrets';
import { changeKit, domainStore } from '../support/domain-harness';
import { testTargets } from '../support/test-database';

describe.each(testTargets())('inherited API keys (%s store)', (target) => {
  const store = domainStore(target);
  afterAll(() => store.close());

  async function setup() {
    const h = await store.fresh();
    const kit = changeKit(h);
    const giveKey = (userId: string, secret: string) =>
      kit.prisma.apiKey.create({
        data: { accountId: h.accountId, userId, prefix: secret.slice(0, 8), keyHash: hashToken(secret) },
      });
    return { h, ...kit, giveKey };
  }

  it('moves the key to the owner: it verifies as the owner, is audited, and passcodes do not move', async () => {
    const { h, prisma, addUser, giveKey, submit, services, events } = await setup();
    const cara = await addUser('cara@example.com', ['editor']);
    await giveKey(cara, 'rk_cara_secret_1');
    await giveKey(h.owner.userId as string, 'rk_owner_secret');
    await prisma.passcode.create({
      data: {
        accountId: h.accountId,
        userId: cara,
        codeHash: hashToken('123456789'),
        tenureDays: 30,
        expiresAt: new Date(Date.now() + 86_400_000),
      },
    });
    const before = await services.signIn.verify({ apiKey: 'rk_cara_secret_1' });
    const preview = await services.deletion.preview(h.owner, [{ email: 'cara@example.com' }]);
    expect(preview).toMatchObject({ apiKeys: [{ prefix: 'rk_cara_', email: 'cara@example.com' }], apiKeyCount: 1, passcodes: 1 });

    const done = await submit({ kind: 'delete', users: [{ email: 'cara@example.com' }], reason: null });
    expect(done).toMatchObject({
      status: 'done',
      // The domain harness's messenger reaches nobody: the result says the owner was not told.
      result: { apiKeys: [{ prefix: 'rk_cara_', fromEmail: 'cara@example.com' }], ownerTold: false },
    });
    const holder = await services.signIn.verify({ apiKey: 'rk_cara_secret_1' });
    expect(holder?.user.email).toBe('owner@example.com');
    // In the owner's name, with no more than Cara's access: her roles and permissions, not the owner's.
    expect(holder).toMatchObject({
      roles: [{ key: 'editor', scope: null }],
      overriddenRoles: before?.overriddenRoles,
      permissions: before?.permissions,
      properties: {},
      inheritedFrom: { email: 'cara@example.com' },
    });
    expect(holder?.permissions).not.toContain('users:manage');
    // The owner's own key is untouched and still theirs.
    expect((await services.signIn.verify({ apiKey: 'rk_owner_secret' }))?.user.email).toBe('owner@example.com');
    expect(await services.signIn.verify({ passcode: '123456789' })).toBeNull();
    const card = await services.directory.card(h.owner, { email: 'owner@example.com' });
    expect(card.inheritedKeys).toMatchObject([{ prefix: 'rk_cara_', fromEmail: 'cara@example.com' }]);
    const audited = await events('apikey.inherited');
    expect(audited.map((e) => [e.targetEmail, e.before, e.after])).toEqual([
      [
        'owner@example.com',
        { prefix: 'rk_cara_', holder: 'cara@example.com' },
        { prefix: 'rk_cara_', holder: 'owner@example.com', inheritedFrom: 'cara@example.com' },
      ],
    ]);
  });

  it('says nothing of keys when none move, and counts none in the preview', async () => {
    const { h, addUser, submit, services } = await setup();
    await addUser('dee@example.com', ['viewer']);
    const preview = await services.deletion.preview(h.owner, [{ email: 'dee@example.com' }]);
    expect(preview).toMatchObject({ apiKeys: [], apiKeyCount: 0, passcodes: 0 });
    const done = await submit({ kind: 'delete', users: [{ email: 'dee@example.com' }], reason: null });
    expect(done.status === 'done' && done.result).not.toHaveProperty('apiKeys');
  });

  it('ends an inherited key: refused without users:manage, allowed to its heir, gone afterwards', async () => {
    const { h, prisma, addUser, giveKey, submit, services, actor, events } = await setup();
    const cara = await addUser('cara@example.com', ['editor']);
    const viewer = await actor(await addUser('vic@example.com', ['viewer']));
    await giveKey(cara, 'rk_cara_secret_2');
    await submit({ kind: 'delete', users: [{ id: cara }], reason: null });
    const key = await prisma.apiKey.findFirstOrThrow({ where: { heirId: h.owner.userId } });
    await expect(submit({ kind: 'inherited-key-revoke', key: key.id }, viewer)).rejects.toMatchObject({ code: 'forbidden' });
    expect(await services.signIn.verify({ apiKey: 'rk_cara_secret_2' })).not.toBeNull();
    expect(await submit({ kind: 'inherited-key-revoke', key: key.id })).toMatchObject({
      status: 'done',
      result: { prefix: 'rk_cara_', fromEmail: 'cara@example.com' },
    });
    expect(await services.signIn.verify({ apiKey: 'rk_cara_secret_2' })).toBeNull();
    expect((await events('apikey.inherited-revoked')).map((e) => e.before)).toEqual([
      { prefix: 'rk_cara_', inheritedFrom: 'cara@example.com' },
    ]);
    await expect(submit({ kind: 'inherited-key-revoke', key: key.id })).rejects.toMatchObject({ code: 'not_found' });
  });

  it('refuses to end a key that was never inherited, even for users:manage', async () => {
    const { prisma, addUser, giveKey, submit, services } = await setup();
    const cara = await addUser('cara@example.com', ['editor']);
    const own = await giveKey(cara, 'rk_cara_secret_3');
    await expect(submit({ kind: 'inherited-key-revoke', key: own.id })).rejects.toMatchObject({ code: 'not_found' });
    expect(await prisma.apiKey.count({ where: { id: own.id } })).toBe(1);
    expect(await services.signIn.verify({ apiKey: 'rk_cara_secret_3' })).not.toBeNull();
  });

  it('passes a deleted heir’s inherited keys on to the new owner, still naming whom they were issued to', async () => {
    const { h, prisma, addUser, giveKey, submit, services, actor } = await setup();
    const cara = await addUser('cara@example.com', ['editor']);
    const ada = await addUser('ada@example.com', ['admin']);
    await giveKey(cara, 'rk_cara_secret_4');
    await submit({ kind: 'delete', users: [{ id: cara }], reason: null });
    await submit({ kind: 'owner', user: { id: ada } });
    // The old owner keeps what they inherited until they are deleted; then it moves on to the new owner.
    const adaActor = await actor(ada);
    await submit({ kind: 'delete', users: [{ email: 'owner@example.com' }], reason: 'handed over' }, adaActor);
    const key = await prisma.apiKey.findFirstOrThrow({ where: { prefix: 'rk_cara_' } });
    expect(key).toMatchObject({ heirId: ada, userId: null, inheritedFromEmail: 'cara@example.com' });
    expect((await services.signIn.verify({ apiKey: 'rk_cara_secret_4' }))?.user.email).toBe('ada@example.com');
    expect(await prisma.user.count({ where: { id: h.owner.userId as string } })).toBe(0);
  });

  it('lets the heir end their inherited key without users:manage', async () => {
    const { h, prisma, addUser, giveKey, submit, services, actor } = await setup();
    const cara = await addUser('cara@example.com', ['editor']);
    const ada = await addUser('ada@example.com', ['admin']);
    await giveKey(cara, 'rk_cara_secret_5');
    await submit({ kind: 'delete', users: [{ id: cara }], reason: null });
    await submit({ kind: 'owner', user: { id: ada } });
    const oldOwner = h.owner.userId as string;
    await submit({ kind: 'set-roles', user: { id: oldOwner }, roles: ['viewer'] }, await actor(ada));
    const heir = await actor(oldOwner);
    expect(heir.permissions.has('users:manage')).toBe(false);
    const key = await prisma.apiKey.findFirstOrThrow({ where: { heirId: oldOwner } });
    expect(await submit({ kind: 'inherited-key-revoke', key: key.id }, heir)).toMatchObject({ status: 'done' });
    expect(await services.signIn.verify({ apiKey: 'rk_cara_secret_5' })).toBeNull();
  });
});
