/**
 * The link-authorised kinds (accept-invite, set-password, password-reset) and the hand-off follow-ups
 * (credential-activate, scim-token-end) on a real store, both stores: each goes through
 * `changes.submit` with the audit entries, version bumps and refusals it had before it was a kind; a
 * link works once, also when used twice at once; none waits for approval, and no secret reaches the
 * audit trail.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import type { Services } from '../../src/create-services';
import { requiredApproval } from '../../src/domain/changes/approval-policy';
import { linkHolder } from '../../src/domain/changes/sign-in-changes';
import { APPROVAL_ACTIONS, loadCatalog } from '../../src/domain/roles/catalog';
import { hashToken, verifyPassword } from '../../src/domain/secrets';
import { isRosterError } from '../../src/errors';
import { type DomainHarness, domainStore } from '../support/domain-harness';
import { testTargets } from '../support/test-database';

const PASSWORD = 'a long and unusual passphrase';
const NEW_PASSWORD = 'another long unusual passphrase';
const EVERY_APPROVAL = Object.fromEntries(APPROVAL_ACTIONS.map((action) => [action, { approvals: 1 }]));

/** The token at the end of the last link of `kind` sent to `email`. */
function tokenSent(h: DomainHarness, kind: string, email: string): string {
  const link = h.sent.filter((m) => m.kind === kind && m.email === email).at(-1)?.link;
  if (!link) throw new Error(`no ${kind} link was sent to ${email}`);
  return link.slice(link.lastIndexOf('/') + 1);
}

async function invited(h: DomainHarness, services: Services, email: string): Promise<string> {
  await services.changes.submit(h.owner, { kind: 'invite', emails: [email], role: 'viewer' });
  return tokenSent(h, 'invite', email);
}

async function activeUser(h: DomainHarness, services: Services, email: string) {
  await services.signIn.acceptInvite(await invited(h, services, email), { name: 'Pat', password: PASSWORD, google: false });
  return h.db.prisma.user.findFirstOrThrow({ where: { email } });
}

async function passwordLinkFor(h: DomainHarness, services: Services, email: string): Promise<string> {
  await services.changes.submit(h.owner, { kind: 'password-link', user: { email } });
  return tokenSent(h, 'password-link', email);
}

/** The whole audit trail as text, to look for secrets in. */
async function trailText(h: DomainHarness): Promise<string> {
  const events = await h.db.prisma.auditEvent.findMany();
  return JSON.stringify(events, (_, value) => (typeof value === 'bigint' ? String(value) : value));
}

/** Rejects with a RosterError of `code` whose message matches `message`. */
async function refused(promise: Promise<unknown>, code: string, message: RegExp): Promise<void> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(isRosterError(error), String(error)).toBe(true);
  expect(error).toMatchObject({ code, message: expect.stringMatching(message) });
}

describe.each(testTargets())('link-authorised changes (%s store)', (target) => {
  let h: DomainHarness;
  const store = domainStore(target);
  afterAll(() => store.close());

  it('accepting an invite activates the invitee, audited as them, with one version bump and no secret in the trail', async () => {
    h = await store.fresh();
    const services = h.services({ approvals: EVERY_APPROVAL });
    const token = await invited(h, services, 'ann@example.com');
    const before = await h.db.prisma.user.findFirstOrThrow({ where: { email: 'ann@example.com' } });

    const done = await services.signIn.acceptInvite(token, { name: '  Ann  ', password: PASSWORD, google: false }, '192.0.2.7');
    expect(done).toEqual({ email: 'ann@example.com' });

    const after = await h.db.prisma.user.findFirstOrThrow({ where: { email: 'ann@example.com' } });
    expect(after).toMatchObject({ status: 'active', name: 'Ann', signInMethod: 'password', version: before.version + 1 });
    expect(after.acceptedAt).toEqual(h.clock.now());
    expect(after.lastLoginAt).toEqual(h.clock.now());
    expect(await verifyPassword(PASSWORD, after.passwordHash ?? '')).toBe(true);
    expect((await h.db.prisma.invite.findFirstOrThrow({ where: { userId: after.id } })).status).toBe('accepted');
    const accepted = await h.db.prisma.auditEvent.findMany({ where: { action: 'invite.accepted' } });
    expect(accepted).toHaveLength(1);
    expect(accepted[0]).toMatchObject({
      actorUserId: after.id,
      actorEmail: 'ann@example.com',
      source: 'web',
      targetUserId: after.id,
      targetName: 'Ann',
      clientAddress: '192.0.2.7',
      before: { status: 'invited' },
      after: { status: 'active', signIn: 'password' },
    });
    // Approvals are on for every action, yet nothing waited; and nothing secret was written down.
    expect(await h.db.prisma.approvalRequest.count()).toBe(0);
    const trail = await trailText(h);
    for (const secret of [token, hashToken(token), PASSWORD, after.passwordHash ?? '']) expect(trail).not.toContain(secret);

    await refused(
      services.signIn.acceptInvite(token, { name: 'Ann', password: PASSWORD, google: false }),
      'invalid_state',
      /already been used/,
    );
    expect((await h.db.prisma.user.findUniqueOrThrow({ where: { id: after.id } })).version).toBe(after.version);
  });

  it('accepting with Google sets no password', async () => {
    h = await store.fresh();
    const services = h.services();
    await services.signIn.acceptInvite(await invited(h, services, 'gus@example.com'), { name: 'Gus', google: true });
    const gus = await h.db.prisma.user.findFirstOrThrow({ where: { email: 'gus@example.com' } });
    expect(gus).toMatchObject({ status: 'active', signInMethod: 'google', passwordHash: null });
    expect((await h.db.prisma.auditEvent.findFirstOrThrow({ where: { action: 'invite.accepted' } })).after).toEqual({
      status: 'active',
      signIn: 'google',
    });
  });

  it('refuses an unknown, expired or superseded invite link, a weak password, and a holder who is not the invitee', async () => {
    h = await store.fresh();
    const services = h.services();
    const answer = { name: 'Bea', password: PASSWORD, google: false };
    await refused(services.signIn.acceptInvite('x'.repeat(43), answer), 'not_found', /not valid/);

    const token = await invited(h, services, 'bea@example.com');
    await refused(services.signIn.acceptInvite(token, { ...answer, password: 'short' }), 'bad_input', /at least 12 characters/);
    await refused(services.signIn.acceptInvite(token, { ...answer, name: ' ' }), 'bad_input', /Give your name/);
    // Submitted by anyone but the invitee, the link is not valid (the link names who acts).
    const bea = await h.db.prisma.user.findFirstOrThrow({ where: { email: 'bea@example.com' } });
    const stranger = linkHolder({ id: h.owner.userId as string, email: h.owner.email, name: null });
    await refused(
      services.changes.submit(stranger, {
        kind: 'accept-invite',
        invite: hashToken(token),
        name: 'Bea',
        signIn: { method: 'google' },
      }),
      'not_found',
      /not valid/,
    );
    expect((await h.db.prisma.user.findUniqueOrThrow({ where: { id: bea.id } })).status).toBe('invited');

    h.clock.advanceHours(49);
    await refused(services.signIn.acceptInvite(token, answer), 'invalid_state', /expired/);
    h.clock.advanceHours(-49);

    await services.changes.submit(h.owner, { kind: 'invite-link', user: { email: 'bea@example.com' } });
    await refused(services.signIn.acceptInvite(token, answer), 'invalid_state', /replaced by a newer one/);
    expect(await h.db.prisma.auditEvent.count({ where: { action: 'invite.accepted' } })).toBe(0);
  });

  it('two accepts of one invite at once: exactly one succeeds, the other is told it is used', async () => {
    h = await store.fresh();
    const services = h.services();
    const token = await invited(h, services, 'race@example.com');
    const before = await h.db.prisma.user.findFirstOrThrow({ where: { email: 'race@example.com' } });
    const results = await Promise.allSettled([
      services.signIn.acceptInvite(token, { name: 'First', password: PASSWORD, google: false }),
      services.signIn.acceptInvite(token, { name: 'Second', google: true }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(lost).toHaveLength(1);
    expect(lost[0]?.reason).toMatchObject({ code: 'invalid_state', message: expect.stringMatching(/already been used/) });
    const after = await h.db.prisma.user.findUniqueOrThrow({ where: { id: before.id } });
    expect(after.version).toBe(before.version + 1);
    expect(await h.db.prisma.auditEvent.count({ where: { action: 'invite.accepted' } })).toBe(1);
  });

  it('a password link sets the password once, as its holder; the other live links stop working', async () => {
    h = await store.fresh();
    const services = h.services({ approvals: EVERY_APPROVAL });
    const pat = await activeUser(h, services, 'pat@example.com');
    const token = await passwordLinkFor(h, services, 'pat@example.com');
    await services.passwordReset.request('pat@example.com', '192.0.2.1');
    const other = tokenSent(h, 'password-reset', 'pat@example.com');
    const before = await h.db.prisma.user.findUniqueOrThrow({ where: { id: pat.id } });

    await refused(services.signIn.setPassword(token, 'password1234'), 'bad_input', /common passwords/);
    expect(await services.signIn.setPassword(token, NEW_PASSWORD, '192.0.2.9')).toEqual({ email: 'pat@example.com' });

    const after = await h.db.prisma.user.findUniqueOrThrow({ where: { id: pat.id } });
    expect(after.version).toBe(before.version + 1);
    expect(await verifyPassword(NEW_PASSWORD, after.passwordHash ?? '')).toBe(true);
    expect(await h.db.prisma.passwordLink.findMany({ where: { userId: pat.id } })).toEqual([
      expect.objectContaining({ tokenHash: hashToken(token), usedAt: h.clock.now() }),
    ]);
    expect(await h.db.prisma.auditEvent.findFirstOrThrow({ where: { action: 'password.set' } })).toMatchObject({
      actorUserId: pat.id,
      source: 'web',
      targetUserId: pat.id,
      clientAddress: '192.0.2.9',
      before: null,
      after: null,
    });
    expect(await h.db.prisma.approvalRequest.count()).toBe(0);
    const trail = await trailText(h);
    for (const secret of [token, other, NEW_PASSWORD, after.passwordHash ?? '']) expect(trail).not.toContain(secret);

    await refused(services.signIn.setPassword(token, NEW_PASSWORD), 'invalid_state', /already been used/);
    await refused(services.signIn.setPassword(other, NEW_PASSWORD), 'not_found', /not valid/);
  });

  it('refuses an expired password link, and one submitted by anyone but its holder', async () => {
    h = await store.fresh();
    const services = h.services();
    const pat = await activeUser(h, services, 'pat@example.com');
    const token = await passwordLinkFor(h, services, 'pat@example.com');
    const passwordHash = pat.passwordHash as string;
    await refused(
      services.changes.submit(h.owner, { kind: 'set-password', link: hashToken(token), passwordHash }),
      'not_found',
      /not valid/,
    );
    h.clock.advanceHours(24 * 30);
    await refused(services.signIn.setPassword(token, NEW_PASSWORD), 'invalid_state', /expired/);
    expect(await h.db.prisma.auditEvent.count({ where: { action: 'password.set' } })).toBe(0);
  });

  it('two live links used at once: exactly one sets the password', async () => {
    h = await store.fresh();
    const services = h.services();
    const pat = await activeUser(h, services, 'pat@example.com');
    await services.passwordReset.request('pat@example.com', '192.0.2.1');
    const first = tokenSent(h, 'password-reset', 'pat@example.com');
    await services.passwordReset.request('pat@example.com', '192.0.2.1');
    const second = tokenSent(h, 'password-reset', 'pat@example.com');
    expect(second).not.toBe(first);
    const results = await Promise.allSettled([
      services.signIn.setPassword(first, NEW_PASSWORD),
      services.signIn.setPassword(second, `${NEW_PASSWORD} too`),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'rejected')).toHaveLength(1);
    expect(await h.db.prisma.auditEvent.count({ where: { action: 'password.set', targetUserId: pat.id } })).toBe(1);
  });

  it('a forgot-password request adds a link for an active password user, as them, up to three, and nothing otherwise', async () => {
    h = await store.fresh();
    const services = h.services({ approvals: EVERY_APPROVAL });
    const pat = await activeUser(h, services, 'pat@example.com');
    await services.signIn.acceptInvite(await invited(h, services, 'gus@example.com'), { name: 'Gus', google: true });
    const version = (await h.db.prisma.user.findUniqueOrThrow({ where: { id: pat.id } })).version;

    const outcome = await services.passwordReset.request(' Pat@Example.com ', '192.0.2.3');
    expect(outcome).toMatchObject({ email: 'pat@example.com', mail: 'sent' });
    const sent = h.sent.at(-1);
    expect(sent).toMatchObject({ kind: 'password-reset', email: 'pat@example.com', name: 'Pat' });
    const requested = await h.db.prisma.auditEvent.findFirstOrThrow({ where: { action: 'password-link.requested' } });
    expect(requested).toMatchObject({ actorUserId: pat.id, source: 'web', targetUserId: pat.id, clientAddress: '192.0.2.3' });
    expect(requested.after).toEqual({ expiresAt: sent?.expiresAt.toISOString() });
    // A link is not the user: no version bump.
    expect((await h.db.prisma.user.findUniqueOrThrow({ where: { id: pat.id } })).version).toBe(version);

    expect(await services.passwordReset.request('pat@example.com', '192.0.2.3')).not.toBeNull();
    expect(await services.passwordReset.request('pat@example.com', '192.0.2.3')).not.toBeNull();
    expect(await services.passwordReset.request('pat@example.com', '192.0.2.3')).toBeNull();
    expect(await h.db.prisma.passwordLink.count({ where: { userId: pat.id } })).toBe(3);

    const sentBefore = h.sent.length;
    expect(await services.passwordReset.request('gus@example.com', '192.0.2.3')).toBeNull();
    expect(await services.passwordReset.request('nobody@example.com', '192.0.2.3')).toBeNull();
    expect(h.sent.length).toBe(sentBefore);
    expect(await h.db.prisma.auditEvent.count({ where: { action: 'password-link.requested' } })).toBe(3);
    expect(await h.db.prisma.approvalRequest.count()).toBe(0);
  });

  it('forgot-password requests at once never go past three live links', async () => {
    h = await store.fresh();
    const services = h.services();
    const pat = await activeUser(h, services, 'pat@example.com');
    const outcomes = await Promise.all(
      Array.from({ length: 6 }, (_, i) => services.passwordReset.request('pat@example.com', `192.0.2.${i + 1}`)),
    );
    expect(outcomes.filter((o) => o !== null)).toHaveLength(3);
    expect(await h.db.prisma.passwordLink.count({ where: { userId: pat.id } })).toBe(3);
  });

  it('a delivered API key is switched on by credential-activate, with no version bump or audit entry of its own', async () => {
    h = await store.fresh();
    const services = h.services({ approvals: EVERY_APPROVAL });
    const pat = await activeUser(h, services, 'pat@example.com');
    const audited = await h.db.prisma.auditEvent.count();
    const issued = await services.changes.submit(h.owner, { kind: 'api-key', user: { email: 'pat@example.com' } });
    // The harness's messenger reaches nobody in Slack, so it went as an e-mailed reveal link.
    expect(issued).toMatchObject({ status: 'done', result: { delivered: true, via: 'email' } });
    const key = await h.db.prisma.apiKey.findUniqueOrThrow({ where: { userId: pat.id } });
    expect(issued.status === 'done' && issued.result.prefix).toBe(key.prefix);
    expect(await h.db.prisma.pendingCredential.count()).toBe(0);
    expect(await h.db.prisma.secretReveal.count({ where: { userId: pat.id } })).toBe(1);
    expect((await h.db.prisma.user.findUniqueOrThrow({ where: { id: pat.id } })).version).toBe(pat.version + 1);
    expect(await h.db.prisma.auditEvent.count()).toBe(audited + 1);
    expect(await h.db.prisma.auditEvent.count({ where: { action: 'apikey.generated' } })).toBe(1);

    // A pending credential that is gone (revoked, or claimed by another delivery) switches nothing on.
    const gone = await services.changes.submit(h.owner, { kind: 'credential-activate', pending: randomUUID() });
    expect(gone).toEqual({ status: 'done', result: false });
  });

  it('a SCIM token nobody received is ended by scim-token-end', async () => {
    h = await store.fresh();
    const services = h.services();
    const issued = await services.changes.submit(h.owner, { kind: 'scim-token' });
    expect(issued).toMatchObject({ status: 'done', result: { delivered: false, rotated: false } });
    expect(await h.db.prisma.scimToken.count()).toBe(0);
    expect(await h.db.prisma.auditEvent.count({ where: { action: { startsWith: 'scim-token' } } })).toBe(1);
    const none = await services.changes.submit(h.owner, { kind: 'scim-token-end', tokenHash: hashToken('rs_unknown') });
    expect(none).toEqual({ status: 'done', result: { ended: false } });
  });

  it('an approval request can never hold one of these kinds', async () => {
    h = await store.fresh();
    const services = h.services({ approvals: EVERY_APPROVAL });
    const payload = { kind: 'scim-token-end', tokenHash: hashToken('rs_x') };
    await refused(
      h.db.prisma.$transaction((tx) => services.changes.runApproved(tx, h.owner.userId as string, payload)),
      'invalid_state',
      /never waits for approval/,
    );
  });
});

describe('the approval policy for link-authorised kinds and follow-ups', () => {
  it('asks for no approval, whatever the change does and the catalog says', () => {
    const policy = { ...loadCatalog().catalog.policy.approvals, actions: EVERY_APPROVAL };
    for (const kind of ['accept-invite', 'set-password', 'password-reset', 'credential-activate', 'scim-token-end'] as const) {
      expect(requiredApproval(policy, { kind, grantsAdmin: true, users: 1000, tenureDays: 90 })).toBeNull();
    }
    expect(requiredApproval(policy, { kind: 'invite', grantsAdmin: true, users: 1 })).not.toBeNull();
  });
});
