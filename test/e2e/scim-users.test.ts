/**
 * SCIM 2.0 Users (issue 11) over real HTTP against the real Roster: the token from `/users
 * scim-token`, discovery, filters, paging, Okta's and Entra ID's sequences, errors in SCIM's schema,
 * the directory's rules (seats, owner, versions) and concurrency.
 */
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRoster } from '../../src/main';
import { inProcessFetch } from '../support/in-process-http';
import { type Harness, OWNER, startHarness } from '../support/roster-harness';
import { issueScimToken, type Json, scimRequests } from '../support/scim-client';
import { seedUser } from '../support/seed';
import { testTargets } from '../support/test-database';

const ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const SEATS = 40;

describe.each(testTargets())('SCIM 2.0 Users (%s store)', (target) => {
  let h: Harness;
  let token = '';
  const issued: string[] = [];

  const scim = scimRequests(
    () => h,
    () => token,
  );

  async function issueToken(): Promise<string> {
    const found = await issueScimToken(h);
    issued.push(found);
    return found;
  }

  const newUser = (userName: string, extra: Json = {}) => ({
    schemas: [USER],
    userName,
    name: { givenName: 'Test', familyName: 'Person' },
    emails: [{ value: userName, type: 'work', primary: true }],
    active: true,
    ...extra,
  });

  beforeAll(async () => {
    h = await startHarness(target, { SEAT_LIMIT: String(SEATS), APPROVALS_CHANNEL: 'C0APPROVALS', LOG_LEVEL: 'trace' });
    await seedUser(h.roster, { email: 'second@example.com', roles: ['admin'], slackUserId: 'USECOND' });
    token = await issueToken();
  });
  afterAll(async () => {
    await h?.close();
  });

  describe('tokens', () => {
    it('refuses a missing or wrong token with 401 in SCIM’s error schema', async () => {
      const saved = token;
      token = '';
      const none = await scim('GET', '/Users');
      token = 'rs_not-the-token';
      const wrong = await scim('GET', '/Users');
      token = saved;
      for (const res of [none, wrong]) {
        expect(res.status).toBe(401);
        expect(res.headers.get('content-type')).toContain('application/scim+json');
        expect(res.json).toMatchObject({ schemas: [ERROR], status: '401' });
      }
      expect((await scim('GET', '/Users')).status).toBe(200);
    });

    it('stores only a hash, records the audit trail, and rotating ends the old token', async () => {
      const stored = await h.roster.prisma.scimToken.findFirstOrThrow();
      expect(stored.tokenHash).not.toContain(token);
      expect(token.startsWith(stored.prefix)).toBe(true);
      const old = token;
      token = await issueToken();
      expect(token).not.toBe(old);
      expect((await scim('GET', '/Users')).status).toBe(200);
      const saved = token;
      token = old;
      expect((await scim('GET', '/Users')).status).toBe(401);
      token = saved;
      const actions = (await h.roster.prisma.auditEvent.findMany({ where: { action: { startsWith: 'scim-token.' } } })).map(
        (e) => e.action,
      );
      expect(actions).toEqual(expect.arrayContaining(['scim-token.created', 'scim-token.rotated']));
    });

    it('needs users:manage to issue, and `revoke` ends it', async () => {
      await seedUser(h.roster, { email: 'viewer@example.com', roles: ['viewer'], slackUserId: 'UVIEWER' });
      h.fake.addUser({ id: 'UVIEWER', email: 'viewer@example.com' });
      const refused = await h.slack.commandAndWait('UVIEWER', 'scim-token');
      expect(JSON.stringify(refused)).toContain('users:manage');
      // It acts without approvals, so users:manage alone is not enough to issue it.
      await seedUser(h.roster, { email: 'manager@example.com', extraPermissions: ['users:manage'], slackUserId: 'UMANAGER' });
      h.fake.addUser({ id: 'UMANAGER', email: 'manager@example.com' });
      const manager = await h.slack.commandAndWait('UMANAGER', 'scim-token');
      expect(JSON.stringify(manager)).toContain('roles:manage');
      await h.slack.commandAndWait(OWNER.slackId, 'scim-token revoke');
      expect((await scim('GET', '/Users')).status).toBe(401);
      token = await issueToken();
      expect((await scim('GET', '/Users')).status).toBe(200);
    });

    it.runIf(target === 'postgres')('a token revoked on one replica stops at once on another that had just used it', async () => {
      const replica = await buildRoster(h.roster.config, { clock: h.clock, logger: pino({ level: 'silent' }) });
      try {
        const onReplica = inProcessFetch(replica.http, 'http://replica.in-process');
        const list = () =>
          onReplica('http://replica.in-process/scim/v2/Users', { headers: { authorization: `Bearer ${token}` } });
        // The replica finds the token current and remembers it.
        expect((await list()).status).toBe(200);
        expect((await list()).status).toBe(200);
        await h.slack.commandAndWait(OWNER.slackId, 'scim-token revoke');
        // The revoke tells every replica (LISTEN/NOTIFY) after its commit: the replica forgets what it remembered.
        await expect.poll(async () => (await list()).status, { timeout: 2000, interval: 20 }).toBe(401);
      } finally {
        await replica.stop();
      }
      token = await issueToken();
      expect((await scim('GET', '/Users')).status).toBe(200);
    });

    it('ends a new token at once when its DM cannot be delivered', async () => {
      h.fake.failNext('chat.postMessage', { error: 'channel_not_found' });
      const reply = await h.slack.commandAndWait(OWNER.slackId, 'scim-token');
      expect(JSON.stringify(reply)).toContain('could not be sent');
      expect(await h.roster.prisma.scimToken.count()).toBe(0);
      expect((await scim('GET', '/Users')).status).toBe(401);
      token = await issueToken();
      expect((await scim('GET', '/Users')).status).toBe(200);
    });

    it('rate-limits failed attempts per client address', async () => {
      // A fresh window, whatever the tests before failed.
      h.clock.advanceHours(61 / 3600);
      const saved = token;
      token = 'rs_guess';
      const statuses: number[] = [];
      for (let i = 0; i < 12; i++) statuses.push((await scim('GET', '/Users')).status);
      token = saved;
      expect(statuses.slice(0, 10).every((s) => s === 401)).toBe(true);
      expect(statuses.slice(10)).toEqual([429, 429]);
      // The window is per minute: move past it for the other tests.
      h.clock.advanceHours(61 / 3600);
      expect((await scim('GET', '/Users')).status).toBe(200);
    });
  });

  it('answers discovery: ServiceProviderConfig, ResourceTypes, Schemas', async () => {
    const config = await scim('GET', '/ServiceProviderConfig');
    expect(config.status).toBe(200);
    expect(config.json).toMatchObject({ patch: { supported: true }, filter: { supported: true }, etag: { supported: true } });
    const types = await scim('GET', '/ResourceTypes');
    expect(types.json.Resources[0]).toMatchObject({ id: 'User', endpoint: '/Users', schema: USER });
    const schemas = await scim('GET', '/Schemas');
    expect(schemas.json.Resources[0].id).toBe(USER);
    expect((await scim('GET', `/Schemas/${USER}`)).json.attributes.map((a: Json) => a.name)).toContain('userName');
    const missing = await scim('GET', '/Nothing');
    expect(missing.status).toBe(404);
    expect(missing.json.schemas).toEqual([ERROR]);
  });

  it('never grants Admin powers: a POST or PATCH with the admin role is refused and changes nothing', async () => {
    const created = await scim('POST', '/Users', newUser('would.be.admin@example.com', { roles: [{ value: 'admin' }] }));
    expect(created.status).toBe(403);
    expect(created.json).toMatchObject({ schemas: [ERROR], status: '403' });
    expect(await h.roster.prisma.user.count({ where: { email: 'would.be.admin@example.com' } })).toBe(0);
    const plain = await scim('POST', '/Users', newUser('plain.user@example.com'));
    const id = plain.json.id as string;
    const patched = await scim('PATCH', `/Users/${id}`, {
      schemas: [PATCH],
      Operations: [{ op: 'replace', path: 'roles', value: [{ value: 'admin' }] }],
    });
    expect(patched.status).toBe(403);
    const roles = await h.roster.prisma.userRole.findMany({ where: { userId: id }, include: { role: true } });
    expect(roles.map((r) => r.role.key)).not.toContain('admin');
  });

  it('moves a user to sign-in through the identity provider when it changes their address: the old password and links end', async () => {
    await seedUser(h.roster, { email: 'pw.user@example.com', roles: ['viewer'] });
    const user = await h.roster.prisma.user.findFirstOrThrow({ where: { email: 'pw.user@example.com' } });
    await h.roster.prisma.user.update({
      where: { id: user.id },
      data: { signInMethod: 'password', passwordHash: 'not-a-real-hash' },
    });
    await h.roster.prisma.passwordLink.create({
      data: {
        accountId: user.accountId,
        userId: user.id,
        tokenHash: 'unused-link-hash',
        expiresAt: new Date(Date.now() + 3_600_000),
      },
    });
    const moved = await scim('PATCH', `/Users/${user.id}`, {
      schemas: [PATCH],
      Operations: [{ op: 'replace', path: 'emails[type eq "work"].value', value: 'pw.user.new@example.com' }],
    });
    expect(moved.status).toBe(200);
    expect(await h.roster.prisma.user.findUniqueOrThrow({ where: { id: user.id } })).toMatchObject({
      email: 'pw.user.new@example.com',
      signInMethod: 'sso',
      passwordHash: null,
    });
    expect(await h.roster.prisma.passwordLink.count({ where: { userId: user.id } })).toBe(0);
  });

  it('follows Okta’s sequence: GET userName eq, POST, PATCH replace with a value object, PUT', async () => {
    const email = 'okta.user@example.com';
    const lookup = await scim('GET', `/Users?filter=${encodeURIComponent(`userName eq "${email}"`)}`);
    expect(lookup.json).toMatchObject({ totalResults: 0, Resources: [] });
    const created = await scim('POST', '/Users', newUser(email, { externalId: '00u1okta', roles: [{ value: 'editor' }] }));
    expect(created.status).toBe(201);
    expect(created.headers.get('content-type')).toContain('application/scim+json');
    const id = created.json.id as string;
    expect(created.json).toMatchObject({
      userName: email,
      externalId: '00u1okta',
      active: true,
      name: { givenName: 'Test', familyName: 'Person' },
      roles: [{ value: 'editor' }],
      meta: { resourceType: 'User', location: `http://roster.test/scim/v2/Users/${id}` },
    });
    const stored = await h.roster.prisma.user.findUniqueOrThrow({ where: { id } });
    // The answer is the stored user, though it is not read back after the commit.
    expect(created.json.meta.version).toBe(`W/"${stored.version}"`);
    expect(created.json.meta.lastModified).toBe(stored.updatedAt.toISOString());
    expect(created.headers.get('etag')).toBe(created.json.meta.version);
    const row = await h.roster.prisma.user.findUniqueOrThrow({ where: { id } });
    expect(row).toMatchObject({ status: 'active', signInMethod: 'sso', externalId: '00u1okta', name: 'Test Person' });
    expect(await h.roster.prisma.invite.count({ where: { userId: id } })).toBe(0);
    const link = await h.slack.commandAndWait(OWNER.slackId, `password-link ${email}`);
    expect(JSON.stringify(link)).toContain('identity provider');
    const again = await scim('GET', `/Users?filter=${encodeURIComponent(`userName eq "${email.toUpperCase()}"`)}`);
    expect(again.json.totalResults).toBe(1);

    // The ETag a change answers with is the stored version: If-Match with it succeeds.
    const off = await scim(
      'PATCH',
      `/Users/${id}`,
      { schemas: [PATCH], Operations: [{ op: 'replace', value: { active: false } }] },
      { 'If-Match': created.headers.get('etag') as string },
    );
    expect(off.status).toBe(200);
    expect(off.json.active).toBe(false);
    expect((await h.roster.prisma.user.findUniqueOrThrow({ where: { id } })).status).toBe('disabled');
    const on = await scim('PATCH', `/Users/${id}`, {
      schemas: [PATCH],
      Operations: [{ op: 'replace', value: { active: true } }],
    });
    expect(on.json.active).toBe(true);
    const given = await scim('PATCH', `/Users/${id}`, {
      schemas: [PATCH],
      Operations: [{ op: 'replace', path: 'name.givenName', value: 'Olga' }],
    });
    expect(given.json.name).toMatchObject({ givenName: 'Olga', familyName: 'Person' });

    const put = await scim(
      'PUT',
      `/Users/${id}`,
      newUser(email, { externalId: '00u1okta', name: { givenName: 'Olga', familyName: 'Katz' } }),
    );
    expect(put.status).toBe(200);
    expect(put.json.displayName).toBe('Olga Katz');
    expect(put.json.meta.version).toBe(`W/"${(await h.roster.prisma.user.findUniqueOrThrow({ where: { id } })).version}"`);
    const audit = await h.roster.prisma.auditEvent.findMany({ where: { targetUserId: id }, orderBy: { at: 'asc' } });
    expect(audit.map((e) => e.source)).toEqual(['scim', 'scim', 'scim', 'scim', 'scim']);
    expect(audit[0]?.action).toBe('user.provisioned');
    expect((await scim('GET', `/Users/${id}`)).json.displayName).toBe('Olga Katz');
  });

  it('follows Entra ID’s sequence: capitalised ops, string booleans, filtered paths, PATCH without path', async () => {
    const created = await scim('POST', '/Users', {
      schemas: [USER],
      userName: 'entra.user@contoso.example',
      externalId: 'e-1',
      displayName: 'Entra User',
      emails: [{ value: 'entra.user@contoso.example', type: 'work', primary: true }],
      active: 'True',
    });
    expect(created.status).toBe(201);
    const id = created.json.id as string;
    const patched = await scim('PATCH', `/Users/${id}`, {
      schemas: [PATCH],
      Operations: [
        { op: 'Replace', path: 'emails[type eq "work"].value', value: 'entra.renamed@contoso.example' },
        { op: 'Replace', path: 'userName', value: 'entra.renamed@contoso.example' },
        { op: 'Add', path: 'externalId', value: 'e-2' },
        { op: 'Replace', value: { displayName: 'Entra Renamed' } },
      ],
    });
    expect(patched.status).toBe(200);
    expect(patched.json).toMatchObject({
      userName: 'entra.renamed@contoso.example',
      externalId: 'e-2',
      displayName: 'Entra Renamed',
    });
    const off = await scim('PATCH', `/Users/${id}`, {
      schemas: [PATCH],
      Operations: [{ op: 'Replace', path: 'active', value: 'False' }],
    });
    expect(off.json.active).toBe(false);
    const byExternal = await scim('GET', `/Users?filter=${encodeURIComponent('externalId eq "e-2"')}`);
    expect(byExternal.json.Resources.map((r: Json) => r.id)).toEqual([id]);
  });

  describe('what identity providers and conformance suites send (issue 23)', () => {
    const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
    const stored = (id: string) =>
      h.roster.prisma.user.findUniqueOrThrow({ where: { id }, include: { properties: { orderBy: { key: 'asc' } } } });

    it('keeps a userName that is no address apart from the e-mail, unique whatever its case', async () => {
      const made = await scim('POST', '/Users', {
        schemas: [USER],
        userName: 'OMalley',
        name: { givenName: 'Jean', familyName: 'Van Damme' },
        emails: [
          { value: 'home@omalley.example', type: 'home' },
          { value: 'Pat.OMalley@Example.com', type: 'work' },
        ],
      });
      expect(made.status).toBe(201);
      expect(made.json).toMatchObject({
        userName: 'OMalley',
        name: { givenName: 'Jean', familyName: 'Van Damme' },
        emails: [{ value: 'pat.omalley@example.com', primary: true }],
      });
      expect(await stored(made.json.id)).toMatchObject({ email: 'pat.omalley@example.com', userName: 'OMalley' });
      const again = await scim('POST', '/Users', newUser('other.omalley@example.com', { userName: 'OMALLEY' }));
      expect(again).toMatchObject({ status: 409, json: { scimType: 'uniqueness' } });
      expect(again.json.detail).toContain('OMALLEY');
      // An Entra ID userPrincipalName that is no mailbox: the address comes from emails.
      const upn = await scim('POST', '/Users', {
        schemas: [USER],
        userName: 'ann@contoso.onmicrosoft.example',
        emails: [{ value: 'ann@contoso.example', type: 'work', primary: 'True' }],
      });
      expect(upn.json).toMatchObject({ userName: 'ann@contoso.onmicrosoft.example', emails: [{ value: 'ann@contoso.example' }] });
      const found = await scim('GET', `/Users?filter=${encodeURIComponent('userName eq "omalley"')}`);
      expect(found.json.Resources.map((r: Json) => r.id)).toEqual([made.json.id]);
      // Renaming keeps the address; a GUID is a userName too.
      const renamed = await scim('PATCH', `/Users/${made.json.id}`, {
        schemas: [PATCH],
        Operations: [{ op: 'replace', path: 'userName', value: '0f8fad5b-d9cb-469f-a165-70867728950e' }],
      });
      expect(renamed.json).toMatchObject({
        userName: '0f8fad5b-d9cb-469f-a165-70867728950e',
        emails: [{ value: 'pat.omalley@example.com' }],
      });
    });

    it('refuses a user with no address at all, naming emails', async () => {
      const none = await scim('POST', '/Users', { schemas: [USER], userName: 'jdoe' });
      expect(none).toMatchObject({ status: 400, json: { scimType: 'invalidValue' } });
      expect(none.json.detail).toContain('emails');
      expect(await h.roster.prisma.user.count({ where: { userName: 'jdoe' } })).toBe(0);
    });

    it('creates a disabled user when active is false, as Entra ID does', async () => {
      const made = await scim('POST', '/Users', newUser('not.yet@example.com', { active: false }));
      expect(made).toMatchObject({ status: 201, json: { active: false } });
      expect(await stored(made.json.id)).toMatchObject({ status: 'disabled', signInMethod: 'sso' });
      const on = await scim('PATCH', `/Users/${made.json.id}`, {
        schemas: [PATCH],
        Operations: [{ op: 'replace', path: 'active', value: true }],
      });
      expect(on.json.active).toBe(true);
    });

    it('keeps title, phones, the work address and the enterprise extension as properties, declared in /Schemas', async () => {
      const boss = await scim('POST', '/Users', newUser('boss@example.com'));
      const made = await scim('POST', '/Users', {
        ...newUser('staff@example.com'),
        schemas: [USER, ENTERPRISE],
        title: 'Engineer',
        preferredLanguage: 'en-NZ',
        phoneNumbers: [
          { value: '+64 9 000', type: 'work' },
          { value: '+64 21 000', type: 'mobile' },
        ],
        addresses: [{ type: 'work', locality: 'Auckland', country: 'NZ', primary: true }],
        [ENTERPRISE]: { employeeNumber: '701984', department: 'Tour Operations', manager: { value: boss.json.id } },
      });
      expect(made.status).toBe(201);
      expect(made.json).toMatchObject({
        schemas: [USER, ENTERPRISE],
        title: 'Engineer',
        phoneNumbers: [
          { value: '+64 9 000', type: 'work' },
          { value: '+64 21 000', type: 'mobile' },
        ],
        addresses: [{ type: 'work', locality: 'Auckland', country: 'NZ' }],
        [ENTERPRISE]: {
          employeeNumber: '701984',
          department: 'Tour Operations',
          manager: { value: boss.json.id, $ref: `http://roster.test/scim/v2/Users/${boss.json.id}` },
        },
      });
      const props = (await stored(made.json.id)).properties.map((p) => [p.key, p.value]);
      expect(Object.fromEntries(props)).toEqual({
        country: 'NZ',
        department: 'Tour Operations',
        employeeNumber: '701984',
        locality: 'Auckland',
        manager: boss.json.id,
        mobilePhone: '+64 21 000',
        preferredLanguage: 'en-NZ',
        title: 'Engineer',
        workPhone: '+64 9 000',
      });
      // Entra ID's PATCH: the extension by path, the manager by id alone, a filtered address part.
      const patched = await scim('PATCH', `/Users/${made.json.id}`, {
        schemas: [PATCH],
        Operations: [
          { op: 'Replace', path: `${ENTERPRISE}:department`, value: 'Finance' },
          { op: 'Remove', path: `${ENTERPRISE}:manager` },
          { op: 'Add', path: 'addresses[type eq "work"].country', value: 'AU' },
          { op: 'Remove', path: 'phoneNumbers[type eq "mobile"]' },
        ],
      });
      expect(patched.status).toBe(200);
      expect(patched.json[ENTERPRISE]).toEqual({ employeeNumber: '701984', department: 'Finance' });
      expect(patched.json.addresses).toMatchObject([{ country: 'AU', locality: 'Auckland' }]);
      expect(patched.json.phoneNumbers).toEqual([{ value: '+64 9 000', type: 'work' }]);
      const keys = (await stored(made.json.id)).properties.map((p) => p.key);
      expect(keys).not.toContain('manager');
      expect(keys).not.toContain('mobilePhone');
      // A PUT replaces: what it leaves out is gone.
      const put = await scim('PUT', `/Users/${made.json.id}`, newUser('staff@example.com', { title: 'Lead' }));
      expect(put.json).toMatchObject({ schemas: [USER], title: 'Lead' });
      expect(put.json).not.toHaveProperty(ENTERPRISE);
      expect((await stored(made.json.id)).properties.map((p) => p.key)).toEqual(['title']);

      const types = await scim('GET', '/ResourceTypes/User');
      expect(types.json.schemaExtensions).toEqual([{ schema: ENTERPRISE, required: false }]);
      const schema = await scim('GET', `/Schemas/${ENTERPRISE}`);
      expect(schema.json.attributes.map((a: Json) => a.name)).toEqual(
        expect.arrayContaining(['employeeNumber', 'costCenter', 'organization', 'division', 'department', 'manager']),
      );
    });

    it('reads attribute names in any case: PATCH paths and ops, attributes and excludedAttributes', async () => {
      const made = await scim('POST', '/Users', newUser('cases@example.com', { title: 'T' }));
      const patched = await scim('PATCH', `/Users/${made.json.id}`, {
        schemas: [PATCH],
        Operations: [
          { op: 'REPLACE', path: 'NAME.GIVENNAME', value: 'Casey' },
          { op: 'add', path: 'urn:ietf:params:scim:schemas:core:2.0:User:TITLE', value: 'Chief' },
        ],
      });
      expect(patched.json).toMatchObject({ name: { givenName: 'Casey' }, title: 'Chief' });
      const only = await scim('GET', `/Users/${made.json.id}?attributes=USERNAME,Name.FamilyName`);
      expect(Object.keys(only.json).sort()).toEqual(['id', 'name', 'schemas', 'userName']);
      expect(only.json.name).toEqual({ familyName: 'Person' });
      const without = await scim(
        'GET',
        `/Users/${made.json.id}?excludedAttributes=EMAILS,urn:ietf:params:scim:schemas:core:2.0:User:Title`,
      );
      expect(without.json).not.toHaveProperty('emails');
      expect(without.json).not.toHaveProperty('title');
      expect(without.json).toHaveProperty('userName');
    });

    it('answers a PATCH whose filtered path names no value with 400 noTarget, changing nothing', async () => {
      const made = await scim('POST', '/Users', newUser('target@example.com'));
      const missed = await scim('PATCH', `/Users/${made.json.id}`, {
        schemas: [PATCH],
        Operations: [
          { op: 'replace', path: 'displayName', value: 'Changed' },
          { op: 'replace', path: 'emails[type eq "home"].value', value: 'x@example.com' },
        ],
      });
      expect(missed).toMatchObject({ status: 400, json: { scimType: 'noTarget' } });
      expect((await scim('GET', `/Users/${made.json.id}`)).json.displayName).toBe('Test Person');
    });
  });

  describe('lists', () => {
    beforeAll(async () => {
      for (let i = 0; i < 7; i++) {
        const res = await scim(
          'POST',
          '/Users',
          newUser(`page${i}@paging.example`, { externalId: `p-${i}`, displayName: `Pager ${i}` }),
        );
        expect(res.status).toBe(201);
      }
    });
    const list = async (query: string) => (await scim('GET', `/Users?${query}`)).json;
    const filter = (f: string) => `filter=${encodeURIComponent(f)}`;

    it('filters with every operator, and/or/not and parentheses, in the database', async () => {
      expect((await list(filter('userName sw "page" and userName ew "@paging.example"'))).totalResults).toBe(7);
      expect((await list(filter('emails.value co "paging"'))).totalResults).toBe(7);
      expect((await list(filter('emails[type eq "work" and value co "page3"]'))).totalResults).toBe(1);
      expect((await list(filter('displayName eq "pager 2" or externalId eq "p-4"'))).totalResults).toBe(2);
      expect((await list(filter('userName co "paging" and not (externalId eq "p-1" or externalId eq "p-2")'))).totalResults).toBe(
        5,
      );
      expect((await list(filter('externalId ne "p-0" and userName co "@paging"'))).totalResults).toBe(6);
      expect((await list(filter('externalId pr and userName co "@paging"'))).totalResults).toBe(7);
      expect((await list(filter('externalId gt "p-4" and externalId lt "p-9"'))).totalResults).toBe(2);
      expect((await list(filter('externalId ge "p-4" and externalId le "p-5"'))).totalResults).toBe(2);
      expect((await list(filter('active eq false and userName co "@paging"'))).totalResults).toBe(0);
      const past = new Date(h.clock.now().getTime() - 3_600_000).toISOString();
      expect((await list(filter(`meta.lastModified gt "${past}" and userName co "@paging"`))).totalResults).toBe(7);
      expect((await list(filter(`meta.lastModified lt "${past}" and userName co "@paging"`))).totalResults).toBe(0);
    });

    it('refuses a filter it cannot parse or an attribute it cannot filter on (invalidFilter)', async () => {
      for (const bad of ['userName eq', 'shoeSize eq "x"', 'userName xx "y"']) {
        const res = await scim('GET', `/Users?${filter(bad)}`);
        expect(res.status).toBe(400);
        expect(res.json).toMatchObject({ schemas: [ERROR], status: '400', scimType: 'invalidFilter' });
      }
    });

    it('pages with startIndex and count, and reports totalResults', async () => {
      const all = filter('userName co "@paging.example"');
      const first = await list(`${all}&startIndex=1&count=3`);
      const second = await list(`${all}&startIndex=4&count=3`);
      const third = await list(`${all}&startIndex=7&count=3`);
      expect([first.itemsPerPage, second.itemsPerPage, third.itemsPerPage]).toEqual([3, 3, 1]);
      expect(first).toMatchObject({ totalResults: 7, startIndex: 1 });
      const ids = [...first.Resources, ...second.Resources, ...third.Resources].map((r: Json) => r.id);
      expect(new Set(ids).size).toBe(7);
      expect(await list(`${all}&startIndex=50`)).toMatchObject({ totalResults: 7, itemsPerPage: 0, Resources: [] });
      expect(await list(`${all}&count=0`)).toMatchObject({ totalResults: 7, Resources: [] });
      expect((await list(`${all}&startIndex=0&count=2`)).startIndex).toBe(1);
      expect((await list(`${all}&count=-5`)).Resources).toEqual([]);
      expect((await list('count=100000')).itemsPerPage).toBeLessThanOrEqual(200);
      const bad = await scim('GET', '/Users?count=ten');
      expect(bad.json).toMatchObject({ status: '400', scimType: 'invalidValue' });
    });

    it('returns only the attributes asked for, or all but the excluded ones', async () => {
      const only = await list(`${filter('externalId eq "p-3"')}&attributes=userName,name.givenName`);
      expect(Object.keys(only.Resources[0]).sort()).toEqual(['id', 'name', 'schemas', 'userName']);
      expect(only.Resources[0].name).toEqual({ givenName: 'Test' });
      const without = await list(`${filter('externalId eq "p-3"')}&excludedAttributes=emails,meta`);
      expect(without.Resources[0]).not.toHaveProperty('emails');
      expect(without.Resources[0]).not.toHaveProperty('meta');
      expect(without.Resources[0]).toHaveProperty('userName');
    });
  });

  describe('errors', () => {
    it('answers unknown users with 404, and bad bodies with 400 in SCIM’s schema, never a stack', async () => {
      const missing = await scim('GET', '/Users/00000000-0000-4000-8000-000000000000');
      expect(missing).toMatchObject({ status: 404, json: { schemas: [ERROR], status: '404' } });
      expect((await scim('GET', '/Users/not-a-uuid')).status).toBe(404);
      const syntax = await scim('POST', '/Users', '{"userName": ');
      expect(syntax.json).toMatchObject({ status: '400', scimType: 'invalidSyntax' });
      const noName = await scim('POST', '/Users', { schemas: [USER], active: true });
      expect(noName.json).toMatchObject({ status: '400', scimType: 'invalidValue' });
      const badEmail = await scim('POST', '/Users', newUser('not an address'));
      expect(badEmail.json).toMatchObject({ status: '400', scimType: 'invalidValue' });
      const badRole = await scim('POST', '/Users', newUser('role@example.com', { roles: [{ value: 'emperor' }] }));
      expect(badRole.json).toMatchObject({ status: '400', scimType: 'invalidValue' });
      const badPatch = await scim('PATCH', `/Users/${(await scim('GET', '/Users?count=1')).json.Resources[0].id}`, {
        Operations: 'x',
      });
      expect(badPatch.json).toMatchObject({ status: '400', scimType: 'invalidSyntax' });
      for (const res of [missing, syntax, noName, badEmail, badRole, badPatch]) {
        expect(res.text).not.toMatch(/at .*\.ts:\d+|node_modules/);
      }
      expect(await h.roster.prisma.user.count({ where: { email: 'role@example.com' } })).toBe(0);
    });

    it('refuses a second user with the same userName (uniqueness)', async () => {
      await scim('POST', '/Users', newUser('dup@example.com'));
      const second = await scim('POST', '/Users', newUser('DUP@example.com'));
      expect(second.json).toMatchObject({ status: '409', scimType: 'uniqueness' });
    });

    it('protects the owner and the last Admin (mutability)', async () => {
      const owner = (await scim('GET', `/Users?filter=${encodeURIComponent(`userName eq "${OWNER.email}"`)}`)).json.Resources[0];
      const off = await scim('PATCH', `/Users/${owner.id}`, {
        schemas: [PATCH],
        Operations: [{ op: 'replace', path: 'active', value: false }],
      });
      expect(off.json).toMatchObject({ status: '400', scimType: 'mutability' });
      const del = await scim('DELETE', `/Users/${owner.id}`);
      expect(del.json).toMatchObject({ status: '400', scimType: 'mutability' });
      expect((await h.roster.prisma.user.findUniqueOrThrow({ where: { id: owner.id } })).status).toBe('active');
    });

    it('refuses a user beyond the seat limit and writes nothing', async () => {
      const used = await h.roster.prisma.user.count({ where: { status: { not: 'revoked' } } });
      const accountId = h.roster.accountId;
      await h.roster.prisma.user.createMany({
        data: Array.from({ length: SEATS - used }, (_, i) => ({
          accountId,
          email: `filler${i}@seats.example`,
          status: 'active' as const,
        })),
      });
      const events = await h.roster.prisma.auditEvent.count();
      const refused = await scim('POST', '/Users', newUser('one.too.many@example.com'));
      expect(refused.status).toBe(409);
      expect(refused.json).toMatchObject({ schemas: [ERROR], status: '409' });
      expect(refused.json.detail).toContain('seats');
      expect(await h.roster.prisma.user.count({ where: { email: 'one.too.many@example.com' } })).toBe(0);
      expect(await h.roster.prisma.auditEvent.count()).toBe(events);
      await h.roster.prisma.user.deleteMany({ where: { email: { endsWith: '@seats.example' } } });
    });
  });

  it('deletes with the asset rules, at once even with approvals on', async () => {
    const created = await scim('POST', '/Users', newUser('leaver@example.com'));
    const id = created.json.id as string;
    const asset = await h.roster.prisma.asset.create({
      data: { accountId: h.roster.accountId, ownerId: id, kind: 'dashboard', name: 'Q3', transferable: false },
    });
    const stale = await scim('DELETE', `/Users/${id}`, undefined, { 'If-Match': 'W/"7"' });
    expect(stale.status).toBe(412);
    const gone = await scim('DELETE', `/Users/${id}`);
    expect(gone.status).toBe(204);
    expect(await h.roster.prisma.user.count({ where: { id } })).toBe(0);
    const owner = await h.roster.prisma.user.findFirstOrThrow({ where: { email: OWNER.email } });
    expect(await h.roster.prisma.asset.findUniqueOrThrow({ where: { id: asset.id } })).toMatchObject({
      ownerId: owner.id,
      needsReconfiguration: true,
    });
    expect(await h.roster.prisma.approvalRequest.count()).toBe(0);
    const event = await h.roster.prisma.auditEvent.findFirstOrThrow({ where: { action: 'user.deleted', targetUserId: id } });
    expect(event.source).toBe('scim');
    expect((await scim('DELETE', `/Users/${id}`)).status).toBe(404);
  });

  describe('concurrency', () => {
    it('two POSTs of one userName at once make one user', async () => {
      const results = await Promise.all([
        scim('POST', '/Users', newUser('race@example.com')),
        scim('POST', '/Users', newUser('race@example.com')),
      ]);
      expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
      expect(await h.roster.prisma.user.count({ where: { email: 'race@example.com' } })).toBe(1);
    });

    it('a PATCH racing a Slack change is decided by the version (If-Match 412)', async () => {
      const created = await scim('POST', '/Users', newUser('versioned@example.com'));
      const id = created.json.id as string;
      const read = await scim('GET', `/Users/${id}`);
      expect(read.headers.get('etag')).toBe(read.json.meta.version);
      await h.slack.commandAndWait(OWNER.slackId, 'edit versioned@example.com --name "Set In Slack"');
      const late = await scim(
        'PATCH',
        `/Users/${id}`,
        { schemas: [PATCH], Operations: [{ op: 'replace', path: 'displayName', value: 'Set By IdP' }] },
        { 'If-Match': read.json.meta.version },
      );
      expect(late.status).toBe(412);
      expect(late.json).toMatchObject({ schemas: [ERROR], status: '412' });
      expect((await h.roster.prisma.user.findUniqueOrThrow({ where: { id } })).name).toBe('Set In Slack');
      const current = await scim('GET', `/Users/${id}`);
      const onTime = await scim('PUT', `/Users/${id}`, newUser('versioned@example.com', { displayName: 'Set By IdP' }), {
        'If-Match': current.json.meta.version,
      });
      expect(onTime.status).toBe(200);
      expect(onTime.json.displayName).toBe('Set By IdP');
      // Without If-Match, PATCH and PUT apply to the user as they are now.
      await h.slack.commandAndWait(OWNER.slackId, 'edit versioned@example.com --name "Slack Again"');
      const patched = await scim('PATCH', `/Users/${id}`, {
        schemas: [PATCH],
        Operations: [{ op: 'replace', path: 'displayName', value: 'IdP Again' }],
      });
      expect(patched.json.displayName).toBe('IdP Again');
      await h.slack.commandAndWait(OWNER.slackId, 'edit versioned@example.com --name "Slack Third"');
      const put = await scim('PUT', `/Users/${id}`, newUser('versioned@example.com', { displayName: 'IdP Third' }));
      expect(put.json.displayName).toBe('IdP Third');
    });
  });

  it('never logs a SCIM token', async () => {
    const logs = h.logs();
    expect(logs.length).toBeGreaterThan(1000);
    for (const secret of issued) expect(logs).not.toContain(secret);
  });
});
