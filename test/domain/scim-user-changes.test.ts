/**
 * The identity provider's user changes and the SCIM token (scim-changes.ts) through the change layer
 * (issue 21, item 4): the permissions, provisioning and updates under the directory's rules, the stale
 * check, admin power never granted or moved over SCIM, no approval ever waited for, and the trail.
 */
import { readFile } from 'node:fs/promises';
import { afterAll, describe, expect, it } from 'vitest';
import type { Services } from '../../src/create-services';
import { type Actor, scimActor } from '../../src/domain/access/actor';
import type { ScimUserResult } from '../../src/domain/changes/scim-changes';
import { userInclude } from '../../src/store/users/user-reads';
import { changeKit, type DomainHarness, domainStore } from '../support/domain-harness';
import { testTargets } from '../support/test-database';

type Change = Parameters<Services['changes']['submit']>[1];

/** Every action the catalog can ask approval for: SCIM changes wait for none of them. */
const EVERY_APPROVAL = {
  'grant-admin': { approvals: 1 },
  revoke: { approvals: 1 },
  delete: { approvals: 1 },
  bulk: { approvals: 1 },
  'passcode-long': { approvals: 1 },
};

describe.each(testTargets())('SCIM user changes (%s store)', (target) => {
  const store = domainStore(target);
  afterAll(() => store.close());

  async function setup(options: Parameters<DomainHarness['services']>[0] = {}) {
    const h = await store.fresh();
    const { services, prisma, addUser, events, actor } = changeKit(h, options);
    const read = (email: string) =>
      prisma.user.findFirstOrThrow({ where: { accountId: h.accountId, email }, include: { roles: { include: { role: true } } } });
    const rolesOf = async (email: string) => (await read(email)).roles.map((r) => r.role.key).sort();
    const submit = (change: Change, as: Actor = scimActor()) => services.changes.submit(as, change);
    const attributes = (
      email: string,
      more: {
        active?: boolean;
        roles?: string[];
        name?: string | null;
        userName?: string;
        properties?: Record<string, string | null>;
      } = {},
    ) => ({
      email,
      ...(more.userName ? { userName: more.userName } : {}),
      ...(more.properties ? { properties: more.properties } : {}),
      name: more.name ?? null,
      externalId: `ext-${email}`,
      active: more.active ?? true,
      ...(more.roles ? { roles: more.roles } : {}),
    });
    return { h, services, prisma, addUser, read, rolesOf, events, actor, submit, attributes };
  }

  it('needs users:manage, roles:manage when roles are sent, and an Admin’s powers for the token', async () => {
    const { h, addUser, actor, submit, attributes, prisma } = await setup();
    const editor = await actor(await addUser('editor@example.com', ['editor']));
    const manager: Actor = { ...editor, permissions: new Set(['users:manage']) };
    for (const change of [
      { kind: 'scim-user', attributes: attributes('new@example.com') },
      { kind: 'scim-token' },
      { kind: 'scim-token-revoke' },
    ] satisfies Change[]) {
      await expect(submit(change, editor)).rejects.toMatchObject({ code: 'forbidden' });
    }
    await expect(
      submit({ kind: 'scim-user', attributes: attributes('new@example.com', { roles: ['viewer'] }) }, manager),
    ).rejects.toMatchObject({ code: 'forbidden' });
    await expect(submit({ kind: 'scim-token' }, manager)).rejects.toMatchObject({ code: 'forbidden' });
    expect(await prisma.user.count({ where: { email: 'new@example.com' } })).toBe(0);
    expect(h.sent).toEqual([]);
  });

  it('provisions an active user who signs in through the identity provider, with the default role', async () => {
    const { read, rolesOf, events, submit, attributes, addUser } = await setup({ approvals: EVERY_APPROVAL });
    await addUser('taken@example.com', ['viewer']);
    await expect(submit({ kind: 'scim-user', attributes: attributes('no-at-sign') })).rejects.toMatchObject({
      code: 'bad_input',
      field: 'emails',
    });
    await expect(submit({ kind: 'scim-user', attributes: attributes('TAKEN@example.com') })).rejects.toMatchObject({
      code: 'conflict',
      field: 'emails',
    });
    // A user made in Slack is named by their e-mail: the identity provider cannot give that name to someone else.
    await expect(
      submit({ kind: 'scim-user', attributes: attributes('other@example.com', { userName: 'Taken@Example.com' }) }),
    ).rejects.toMatchObject({ code: 'conflict', field: 'userName' });
    await expect(
      submit({ kind: 'scim-user', attributes: attributes('New@Example.com', { name: ' Nia ' }) }),
    ).resolves.toMatchObject({ status: 'done', result: { created: true, user: { email: 'new@example.com' } } });
    expect(await read('new@example.com')).toMatchObject({
      status: 'active',
      signInMethod: 'sso',
      name: 'Nia',
      externalId: 'ext-New@Example.com',
      version: 2,
    });
    expect(await rolesOf('new@example.com')).toEqual(['viewer']);
    expect(await events('user.provisioned')).toMatchObject([
      { source: 'scim', targetEmail: 'new@example.com', after: { status: 'active', roles: ['viewer'], signIn: 'sso' } },
    ]);
  });

  it('names users provisioned before userName was kept by their e-mail (migration 20261205100000_scim_identity)', async () => {
    const { read, submit, attributes, addUser, prisma } = await setup({});
    const sql = await readFile(
      new URL('../../prisma/migrations/20261205100000_scim_identity/migration.sql', import.meta.url),
      'utf8',
    );
    const fill = (/^UPDATE "User".*;$/m.exec(sql) as RegExpExecArray)[0];
    await submit({ kind: 'scim-user', attributes: attributes('old.scim@example.com') });
    await prisma.user.updateMany({ where: { email: 'old.scim@example.com' }, data: { userName: null, userNameKey: null } });
    await addUser('slack.made@example.com', ['viewer']);
    await prisma.$executeRawUnsafe(fill);
    expect(await read('old.scim@example.com')).toMatchObject({
      userName: 'old.scim@example.com',
      userNameKey: 'old.scim@example.com',
    });
    expect(await read('slack.made@example.com')).toMatchObject({ userName: null });
    await expect(
      submit({ kind: 'scim-user', attributes: attributes('new@example.com', { userName: 'OLD.SCIM@example.com' }) }),
    ).rejects.toMatchObject({ code: 'conflict', field: 'userName' });
  });

  it('provisions a disabled user when the identity provider says active is false, with its userName and properties', async () => {
    const { read, events, submit, attributes, prisma } = await setup({});
    const done = await submit({
      kind: 'scim-user',
      attributes: attributes('jdoe@example.com', {
        active: false,
        userName: 'JDoe',
        properties: { department: 'Sales', title: null, costCenter: 'CC-1' },
      }),
    });
    expect(done).toMatchObject({ status: 'done', result: { created: true } });
    // The new user's card is built from what the change wrote, not read again: it is the stored one.
    const stored = await prisma.user.findFirstOrThrow({ where: { email: 'jdoe@example.com' }, include: userInclude });
    const answered = (done as { result: ScimUserResult }).result;
    expect({ ...answered.user, version: answered.user.version + 1, updatedAt: answered.closedAt }).toEqual(stored);
    expect(await read('jdoe@example.com')).toMatchObject({ status: 'disabled', userName: 'JDoe', userNameKey: 'jdoe' });
    expect(await events('user.provisioned')).toMatchObject([
      { after: { status: 'disabled', userName: 'JDoe', properties: { department: 'Sales' } } },
    ]);
    await expect(
      submit({ kind: 'scim-user', attributes: attributes('someone@example.com', { userName: 'jdoe' }) }),
    ).rejects.toMatchObject({ code: 'conflict', field: 'userName' });
  });

  it('updates a user to the state sent, refusing a stale version and a user left without a role', async () => {
    const { read, rolesOf, events, submit, attributes, addUser, prisma } = await setup({ approvals: EVERY_APPROVAL });
    const id = await addUser('v@example.com', ['viewer']);
    await prisma.user.update({ where: { id }, data: { passwordHash: 'scrypt$test' } });
    await expect(
      submit({ kind: 'scim-user', user: { id }, ifVersion: 7, attributes: attributes('v@example.com', { active: false }) }),
    ).rejects.toMatchObject({ code: 'stale', message: 'v@example.com changed since version 7; read it again.' });
    await expect(
      submit({ kind: 'scim-user', user: { id }, attributes: attributes('v@example.com', { roles: [] }) }),
    ).rejects.toMatchObject({ code: 'bad_input', field: 'roles' });
    // Deactivating waits for no approval, whatever the catalog asks of Slack.
    await expect(
      submit({ kind: 'scim-user', user: { id }, ifVersion: 1, attributes: attributes('v@example.com', { active: false }) }),
    ).resolves.toMatchObject({ status: 'done', result: { created: false } });
    expect(await read('v@example.com')).toMatchObject({ status: 'disabled', version: 2 });
    await submit({
      kind: 'scim-user',
      user: { id },
      attributes: attributes('w@example.com', { roles: ['editor'] }),
    });
    expect(await read('w@example.com')).toMatchObject({ status: 'active', signInMethod: 'sso', passwordHash: null, version: 3 });
    expect(await rolesOf('w@example.com')).toEqual(['editor']);
    expect((await events('user.updated')).map((e) => [e.before, e.after])).toEqual([
      [
        { status: 'active', externalId: null },
        { status: 'disabled', externalId: 'ext-v@example.com' },
      ],
      [
        { email: 'v@example.com', status: 'disabled', roles: ['viewer'], signIn: 'password', externalId: 'ext-v@example.com' },
        { email: 'w@example.com', status: 'active', roles: ['editor'], signIn: 'sso', externalId: 'ext-w@example.com' },
      ],
    ]);
  });

  it('never grants admin power, re-addresses a holder of it, or brings back a revoked Admin', async () => {
    const { h, read, rolesOf, submit, attributes, addUser } = await setup();
    const v = await addUser('v@example.com', ['viewer']);
    const gone = await addUser('gone-admin@example.com', ['admin'], 'revoked');
    await expect(
      submit({ kind: 'scim-user', user: { id: v }, attributes: attributes('v@example.com', { roles: ['admin'] }) }),
    ).rejects.toMatchObject({ code: 'forbidden', field: 'roles' });
    await expect(
      submit({ kind: 'scim-user', attributes: attributes('boss@example.com', { roles: ['admin'] }) }),
    ).rejects.toMatchObject({ code: 'forbidden', field: 'roles' });
    await expect(
      submit({ kind: 'scim-user', user: { id: h.owner.userId as string }, attributes: attributes('elsewhere@example.com') }),
    ).rejects.toMatchObject({ code: 'forbidden', field: 'userName', message: expect.stringContaining('is the account owner') });
    await expect(
      submit({ kind: 'scim-user', user: { id: gone }, attributes: attributes('gone-admin@example.com') }),
    ).rejects.toMatchObject({ code: 'forbidden', field: 'active' });
    expect(await rolesOf('v@example.com')).toEqual(['viewer']);
    expect(await read('gone-admin@example.com')).toMatchObject({ status: 'revoked', version: 1 });
    expect(await read('owner@example.com')).toMatchObject({ status: 'active', version: 1 });
  });

  it('deactivating the owner over SCIM is refused by the owner rule', async () => {
    const { h, read, submit, attributes } = await setup();
    await expect(
      submit({
        kind: 'scim-user',
        user: { id: h.owner.userId as string },
        attributes: attributes('owner@example.com', { active: false }),
      }),
    ).rejects.toMatchObject({ code: 'owner_protected' });
    expect((await read('owner@example.com')).status).toBe('active');
  });

  it('revokes the SCIM token, and says so when there is none', async () => {
    const { h, prisma, events, submit } = await setup();
    await expect(submit({ kind: 'scim-token-revoke' }, h.owner)).rejects.toMatchObject({ code: 'invalid_state' });
    await prisma.scimToken.create({
      data: { accountId: h.accountId, prefix: 'rs_abcdef', tokenHash: 'a'.repeat(64), createdById: h.owner.userId },
    });
    await expect(submit({ kind: 'scim-token-revoke' }, h.owner)).resolves.toEqual({
      status: 'done',
      result: { prefix: 'rs_abcdef' },
    });
    expect(await prisma.scimToken.count()).toBe(0);
    expect(await events('scim-token.revoked')).toMatchObject([{ before: { prefix: 'rs_abcdef' } }]);
  });
});
