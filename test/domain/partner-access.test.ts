/**
 * Partner access as the partner network has it (issue 22, item 1), over the change layer and a
 * migrated store: partners granted to a Normal user add data scope (verify/login answer them as
 * `partners`, never as overridden roles), a Partner user sees one partner, Admin sees all; partners
 * are renamed (grants follow) and deleted (refused while held, naming the holders, or reassigned).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/domain/clock';
import { createHolderReader } from '../../src/domain/credentials/verified-holder';
import { changeKit, domainStore } from '../support/domain-harness';
import { testTargets } from '../support/test-database';

describe.each(testTargets())('partner access (%s store)', (target) => {
  const store = domainStore(target);
  afterAll(() => store.close());

  /** A fresh account on the partners preset with Acme, Globex and Initech. */
  async function setup(preset: 'partners' | 'standard' = 'partners') {
    const h = await store.fresh();
    if (preset === 'partners') await h.settings().update(h.owner, { version: 1, catalogPreset: 'partners' });
    const kit = changeKit(h);
    const holder = createHolderReader({ prisma: h.db.prisma, multipleRoles: 'highest', clock: systemClock });
    if (preset === 'partners') {
      for (const name of ['Acme', 'Globex', 'Initech']) await kit.submit({ kind: 'partner-add', name });
    }
    const grant = (email: string, ...add: string[]) => kit.submit({ kind: 'change-roles', user: { email }, add, remove: [] });
    const scopes = async (email: string) =>
      (await kit.prisma.userRole.findMany({ where: { user: { email } }, include: { role: true } }))
        .map((r) => (r.scope ? `${r.role.key}=${r.scope}` : r.role.key))
        .sort();
    const partners = async () => (await kit.prisma.partner.findMany({ orderBy: { nameKey: 'asc' } })).map((p) => p.name);
    return { h, ...kit, holder, grant, scopes, partners };
  }

  it('a Normal user sees no partner until granted, then exactly the partners granted, nothing overridden', async () => {
    const { addUser, grant, holder } = await setup();
    const nora = await addUser('nora@example.com', ['normal']);
    expect(await holder(nora)).toMatchObject({ roles: [{ key: 'normal', scope: null }], overriddenRoles: [], partners: [] });

    await grant('nora@example.com', 'partner=acme', 'partner=Globex');
    const answer = await holder(nora);
    expect(answer.roles).toEqual([{ key: 'normal', scope: null }]);
    expect(answer.overriddenRoles).toEqual([]);
    expect(answer.partners).toEqual(['Acme', 'Globex']);
    expect(answer.permissions).toEqual([]);
  });

  it('a Partner user sees the one partner, as their role; Admin sees every partner and holds the three permissions', async () => {
    const { h, addUser, submit, holder } = await setup();
    const pat = await addUser('pat@example.com', ['normal']);
    await submit({ kind: 'set-roles', user: { email: 'pat@example.com' }, role: 'partner=initech' });
    expect(await holder(pat)).toMatchObject({
      roles: [{ key: 'partner', scope: 'Initech' }],
      overriddenRoles: [],
      partners: ['Initech'],
      permissions: [],
    });
    const owner = await holder(h.owner.userId as string);
    expect(owner.partners).toBe('all');
    expect(owner.permissions).toEqual(
      expect.arrayContaining(['integrations:access', 'issue-comments:access', 'messages:reprocess']),
    );
  });

  it('grants the extra permissions only to the roles the product names', async () => {
    const { addUser, submit, grant, holder } = await setup();
    const nora = await addUser('nora@example.com', ['normal']);
    await grant('nora@example.com', 'partner=acme');
    await submit({
      kind: 'perms',
      user: { email: 'nora@example.com' },
      add: ['integrations:access', 'issue-comments:access', 'messages:reprocess'],
      remove: [],
    });
    expect((await holder(nora)).permissions).toEqual(['integrations:access', 'issue-comments:access', 'messages:reprocess']);
    await addUser('pat@example.com', ['normal']);
    await submit({ kind: 'set-roles', user: { email: 'pat@example.com' }, role: 'partner=acme' });
    const perms = (add: string) => submit({ kind: 'perms', user: { email: 'pat@example.com' }, add: [add], remove: [] });
    await expect(perms('issue-comments:access')).resolves.toMatchObject({ status: 'done' });
    await expect(perms('integrations:access')).rejects.toMatchObject({ code: 'not_grantable' });
    await expect(perms('messages:reprocess')).rejects.toMatchObject({ code: 'not_grantable' });
    await expect(perms('data:export')).rejects.toMatchObject({ code: 'not_found' });
  });

  it('answers without `partners` where the catalog has none', async () => {
    const { addUser, holder } = await setup('standard');
    expect(await holder(await addUser('ed@example.com', ['editor']))).not.toHaveProperty('partners');
  });

  it('renames a partner: grants follow, the old name is gone, audited; clashes and unknown names are refused', async () => {
    const { addUser, grant, submit, scopes, partners, holder, events, prisma } = await setup();
    const nora = await addUser('nora@example.com', ['normal']);
    await grant('nora@example.com', 'partner=acme', 'partner=globex');
    const version = async () => (await prisma.user.findUniqueOrThrow({ where: { id: nora } })).version;
    const before = await version();

    await expect(submit({ kind: 'partner-rename', name: 'ACME', to: '  Acme   Corp ' })).resolves.toEqual({
      status: 'done',
      result: { from: 'Acme', to: 'Acme Corp', holders: 1 },
    });
    expect(await partners()).toEqual(['Acme Corp', 'Globex', 'Initech']);
    expect(await scopes('nora@example.com')).toEqual(['normal', 'partner=Acme Corp', 'partner=Globex']);
    expect((await holder(nora)).partners).toEqual(['Acme Corp', 'Globex']);
    expect(await version()).toBe(before + 1);
    expect((await events('partner.renamed')).map((e) => [e.before, e.after])).toEqual([
      [{ name: 'Acme' }, { name: 'Acme Corp', users: 1 }],
    ]);
    // A change of case only is a rename too.
    await expect(submit({ kind: 'partner-rename', name: 'initech', to: 'INITECH' })).resolves.toMatchObject({ status: 'done' });

    await expect(submit({ kind: 'partner-rename', name: 'Globex', to: 'acme corp' })).rejects.toMatchObject({
      code: 'conflict',
      field: 'to',
      message: 'The partner Acme Corp already exists; choose another name.',
    });
    await expect(submit({ kind: 'partner-rename', name: 'Hooli', to: 'Pied Piper' })).rejects.toMatchObject({
      code: 'not_found',
      field: 'name',
    });
    await expect(submit({ kind: 'partner-rename', name: 'Globex', to: 'x'.repeat(61) })).rejects.toMatchObject({
      code: 'bad_input',
      field: 'to',
    });
    expect(await partners()).toEqual(['Acme Corp', 'Globex', 'INITECH']);
  });

  it('refuses to delete a partner anyone holds, naming them, and deletes it with --reassign', async () => {
    const { addUser, grant, submit, scopes, partners, events, prisma } = await setup();
    await addUser('nora@example.com', ['normal']);
    await addUser('sam@example.com', ['normal']);
    await addUser('pat@example.com', ['normal']);
    await grant('nora@example.com', 'partner=acme', 'partner=globex');
    await grant('sam@example.com', 'partner=acme');
    await submit({ kind: 'set-roles', user: { email: 'pat@example.com' }, role: 'partner=acme' });
    const state = async () =>
      JSON.stringify([await partners(), await prisma.userRole.findMany({ orderBy: [{ userId: 'asc' }] })]);
    const before = await state();

    const refused = submit({ kind: 'partner-delete', name: 'acme' });
    await expect(refused).rejects.toMatchObject({ code: 'conflict', field: 'name' });
    await expect(refused).rejects.toThrow(/^Acme is held by nora@example.com, pat@example.com, sam@example.com\. /);
    await expect(refused).rejects.toThrow(/--reassign <partner>/);
    await expect(submit({ kind: 'partner-delete', name: 'acme', reassign: 'ACME' })).rejects.toMatchObject({
      code: 'bad_input',
      field: 'reassign',
    });
    await expect(submit({ kind: 'partner-delete', name: 'acme', reassign: 'Hooli' })).rejects.toMatchObject({
      code: 'not_found',
      field: 'reassign',
    });
    expect(await state()).toBe(before);

    await expect(submit({ kind: 'partner-delete', name: 'Acme', reassign: 'globex' })).resolves.toEqual({
      status: 'done',
      result: {
        name: 'Acme',
        reassignedTo: 'Globex',
        holders: ['nora@example.com', 'pat@example.com', 'sam@example.com'],
      },
    });
    expect(await partners()).toEqual(['Globex', 'Initech']);
    // Nora already held Globex: she keeps the one holding.
    expect(await scopes('nora@example.com')).toEqual(['normal', 'partner=Globex']);
    expect(await scopes('sam@example.com')).toEqual(['normal', 'partner=Globex']);
    expect(await scopes('pat@example.com')).toEqual(['partner=Globex']);
    expect((await events('partner.deleted')).map((e) => [e.before, e.after])).toEqual([
      [{ name: 'Acme', users: ['nora@example.com', 'pat@example.com', 'sam@example.com'] }, { reassignedTo: 'Globex' }],
    ]);

    // Nobody holds Initech: it goes without --reassign.
    await expect(submit({ kind: 'partner-delete', name: 'Initech' })).resolves.toMatchObject({
      result: { name: 'Initech', reassignedTo: null, holders: [] },
    });
    await expect(submit({ kind: 'partner-delete', name: 'Initech' })).rejects.toMatchObject({ code: 'not_found' });
    expect(await partners()).toEqual(['Globex']);
  });

  it('needs roles:manage to rename or delete a partner', async () => {
    const { addUser, actor, submit, partners } = await setup();
    const nora = await actor(await addUser('nora@example.com', ['normal']));
    const manager = { ...nora, permissions: new Set(['users:manage']) };
    await expect(submit({ kind: 'partner-rename', name: 'Acme', to: 'Acme Corp' }, manager)).rejects.toMatchObject({
      code: 'forbidden',
    });
    await expect(submit({ kind: 'partner-delete', name: 'Acme' }, manager)).rejects.toMatchObject({ code: 'forbidden' });
    expect(await partners()).toEqual(['Acme', 'Globex', 'Initech']);
  });
});
