/**
 * Changes the identity provider makes over SCIM (src/scim/), and the SCIM bearer token an admin
 * issues for it. A SCIM user change carries the user's whole provisioned state (e-mail, name,
 * externalId, active, optionally roles): the edge works out that state from POST, PUT or PATCH, and
 * this handler writes the difference under the account lock, so the directory's rules, the version
 * bump and the audit trail are the same as for a change typed in Slack.
 */

import { fail, RosterError } from '../../errors';
import { deleteUnusedPasswordLinks } from '../../store/credentials/password-link-writes';
import { supersedePendingInvites } from '../../store/invites/invite-writes';
import type { Json, User } from '../../store/records';
import { findAccountScimToken } from '../../store/sign-in/scim-token-reads';
import { deleteScimTokenById, replaceScimToken } from '../../store/sign-in/scim-token-writes';
import { createProvisionedUser, updateProvisionedUser, writeProvisionedProperties } from '../../store/users/scim-user-writes';
import { type ClashRow, findUserClashes, getUserRecord, type UserRecord } from '../../store/users/user-reads';
import { isValidEmail, normaliseEmail } from '../email';
import { defaultRole } from '../roles/resolve-access';
import { desiredHoldings, type Holding } from '../roles/role-grants';
import { hashToken, randomToken } from '../secrets';
import type { Applied, ChangeContext, ChangeHandler } from './change-handler';
import type { ChangeOf } from './directory-change';
import { endGrantsWithUser } from './grants-ended-with-user';
import { type HeldRow, heldRows, writeHoldings } from './role-changes';
import { applyCreatesTogether } from './scim-user-batch';
import { refusePermanentTimeBound } from './time-bound-only';
import { adminPowerAt, diff, powerGain, snapshot } from './user-change';

/** SCIM bearer tokens look like `rs_…`. */
export const SCIM_TOKEN_PREFIX = 'rs_';

/** A SCIM token as issued: delivered to the admin who asked, or ended again when that failed. */
export interface ScimTokenResult {
  prefix: string;
  rotated: boolean;
  delivered: boolean;
}

/** Creates the account's SCIM token, or replaces the current one (which stops working at once). */
export const scimToken: ChangeHandler<'scim-token', ScimTokenResult> = {
  // The token changes users, roles and groups without waiting for approval: only someone who holds
  // all of those powers and may approve such changes can issue it (an Admin, in the presets).
  permissions: () => ['users:manage', 'roles:manage', 'groups:manage', 'approvals:approve'],
  async apply(context, change) {
    const { tx, accountId, actor } = context;
    const token = randomToken(SCIM_TOKEN_PREFIX);
    const tokenHash = hashToken(token);
    const prefix = token.slice(0, SCIM_TOKEN_PREFIX.length + 6);
    const previous = await findAccountScimToken(tx, accountId);
    await replaceScimToken(tx, accountId, { prefix, tokenHash, createdById: actor.userId });
    const rotated = previous !== null;
    return {
      result: { prefix, rotated, delivered: false },
      stored: change,
      summary: rotated ? 'Replace the SCIM token.' : 'Create a SCIM token.',
      outcome: rotated ? 'SCIM token replaced.' : 'SCIM token created.',
      touched: [],
      targets: [],
      gains: [],
      facts: { users: 0 },
      audit: [
        {
          action: rotated ? 'scim-token.rotated' : 'scim-token.created',
          before: { prefix: previous?.prefix ?? null },
          after: { prefix },
        },
      ],
      // Shown once, to the admin who asked, by DM; a token nobody received is ended rather than left working.
      deliver: async (result) => {
        // Every replica forgets the account's services, and with them the token they found current.
        context.settingsChanged(accountId);
        const text = `The SCIM bearer token for your identity provider${rotated ? ' (the previous one no longer works)' : ''}. It is shown only this once:\n\`${token}\``;
        const sent = await context.messenger
          .send({ email: actor.email, slackUserId: actor.slackUserId ?? null }, text)
          .catch(() => false);
        if (!sent) await context.endScimToken(tokenHash);
        return { ...result, delivered: sent };
      },
    };
  },
};

/** Ends the account's SCIM token: the identity provider's requests get 401 from now on. */
export const scimTokenRevoke: ChangeHandler<'scim-token-revoke', { prefix: string }> = {
  permissions: () => ['users:manage'],
  async apply(context, change) {
    const { tx, accountId } = context;
    const current = await findAccountScimToken(tx, accountId);
    if (!current) throw fail.invalidState('There is no SCIM token to revoke; create one with `/users scim-token`.');
    await deleteScimTokenById(tx, current.id);
    return {
      result: { prefix: current.prefix },
      stored: change,
      summary: 'Revoke the SCIM token.',
      outcome: 'SCIM token revoked.',
      touched: [],
      targets: [],
      gains: [],
      facts: { users: 0 },
      audit: [{ action: 'scim-token.revoked', before: { prefix: current.prefix } }],
      // Every replica forgets the account's services, and with them the token they found current.
      deliver: async (done) => {
        context.settingsChanged(accountId);
        return done;
      },
    };
  },
};

/** A provisioned user after a SCIM change, and whether it was created by it. */
export interface ScimUserResult {
  /** As read inside the change, before the change layer closed it (see `closedAt`). */
  user: UserRecord;
  created: boolean;
  /** When the change was closed: the user's stored `updatedAt`; their stored `version` is `user.version + 1`. */
  closedAt?: Date;
}

function refuseStale(user: UserRecord, ifVersion: number | undefined): void {
  if (ifVersion !== undefined && user.version !== ifVersion) {
    throw new RosterError('stale', `${user.email} changed since version ${ifVersion}; read it again.`);
  }
}

/**
 * The identity provider re-addresses and reactivates ordinary users, not the owner or a holder of
 * admin-plane power: a new address would hand their powers to whoever holds that address (their
 * Slack profile, their mailbox), and reactivating a revoked Admin would restore powers an Admin took
 * away. Like granting admin power, those happen in Slack, where the approval policy applies.
 */
async function refuseIdentityMove(context: ChangeContext, before: UserRecord, next: { email: string; active: boolean }) {
  const owner = (await context.directory.ownerId(context.tx)) === before.id;
  if (!owner && adminPowerAt(before, context.multipleRoles, context.clock.now()).size === 0) return;
  const who = owner ? 'is the account owner' : 'holds admin powers';
  if (next.email !== before.email) {
    throw fail.forbidden(
      `${before.email} ${who}, so their e-mail cannot be changed over SCIM: the new address would get those powers. An Admin takes the powers away in Slack first.`,
      { field: 'userName' },
    );
  }
  if (next.active && before.status === 'revoked') {
    throw fail.forbidden(
      `${before.email} was revoked while holding admin powers, so SCIM cannot make them active again: an Admin invites them again in Slack.`,
      { field: 'active' },
    );
  }
}

export async function holdingsFor(
  context: ChangeContext,
  current: Holding[],
  keys: string[] | undefined,
): Promise<Holding[] | null> {
  const roles = await context.roles();
  if (keys === undefined) {
    if (current.length > 0) return null;
    const fallback = defaultRole(roles);
    return fallback ? [{ role: fallback, scope: null }] : [];
  }
  if (keys.length === 0) throw fail.badInput('A user needs at least one role.', { field: 'roles' });
  return desiredHoldings(roles, current, { roles: keys });
}

/** The properties that differ from what the user holds: a new value, or null for one to remove. */
function changedProperties(
  held: ReadonlyArray<{ key: string; value: string }>,
  wanted: Record<string, string | null> | undefined,
): Record<string, string | null> {
  const now = new Map(held.map((p) => [p.key, p.value]));
  return Object.fromEntries(
    Object.entries(wanted ?? {}).filter(([key, value]) => (value === null ? now.has(key) : now.get(key) !== value)),
  );
}

/**
 * Refuses a userName or e-mail another user has (`rows`, the users named either way; `self`, the user
 * changed, who may keep theirs): the userName first (a user the identity provider never named is named
 * by their e-mail), then the e-mail.
 */
function refuseClashes(rows: readonly ClashRow[], change: ChangeOf<'scim-user'>, email: string, self?: string): void {
  const key = change.attributes.userName?.toLowerCase();
  if (key !== undefined) {
    const named = rows.find((r) => r.userNameKey === key) ?? rows.find((r) => r.userNameKey === null && r.email === key);
    if (named && named.id !== self)
      throw fail.conflict(`A user with the userName ${change.attributes.userName} already exists.`, { field: 'userName' });
  }
  const clash = rows.find((r) => r.email === email);
  if (clash && clash.id !== self) throw fail.conflict(`${email} is already in use by another user.`, { field: 'emails' });
}

/**
 * Creates or updates a provisioned user to the state the identity provider sent. A new user is
 * active (or disabled, when the identity provider says `active: false`) at once and signs in through
 * the identity provider (`sso`); nobody is invited. `userName` is unique per account, ignoring case.
 */
export const scimUser: ChangeHandler<'scim-user', ScimUserResult> = {
  permissions: (change) => (change.attributes.roles === undefined ? ['users:manage'] : ['users:manage', 'roles:manage']),
  async apply(context, change) {
    const { tx, accountId } = context;
    const attrs = change.attributes;
    const email = normaliseEmail(attrs.email);
    if (!isValidEmail(email)) throw fail.badInput(`${attrs.email} is not a valid e-mail address.`, { field: 'emails' });
    const name = attrs.name?.trim() || null;
    if (name && name.length > 200) throw fail.badInput('A name is at most 200 characters.', { field: 'name' });
    // A create checks its clashes in the statement that inserts the user (one round trip under the lock).
    if (!change.user) return create(context, change, { email, name });
    const before = await context.directory.findUser(change.user, tx);
    const key = attrs.userName?.toLowerCase();
    refuseClashes(await findUserClashes(tx, accountId, { userNameKey: key, email }), change, email, before.id);
    refuseStale(before, change.ifVersion);
    await refuseIdentityMove(context, before, { email, active: attrs.active });
    let status = before.status;
    if (attrs.active && status !== 'active') {
      status = 'active';
    } else if (!attrs.active && status === 'active') status = 'disabled';
    await updateProvisionedUser(tx, before.id, {
      email,
      name,
      externalId: attrs.externalId ?? null,
      userName: attrs.userName,
      givenName: attrs.givenName,
      familyName: attrs.familyName,
      status,
      // A new address from the identity provider: the person signs in through it from now on. A password
      // (and any unused password link) stays with the old address, so a changed address cannot be used
      // to take over the account with "forgot password". The Slack link stays: it is by Slack user ID,
      // and the person behind it has not changed.
      ssoOnly: email !== before.email,
      ...(status === 'active' && before.status !== 'active' && !before.acceptedAt ? { acceptedAt: context.clock.now() } : {}),
    });
    if (email !== before.email) await deleteUnusedPasswordLinks(tx, before.id);
    const ended = status === 'disabled' && before.status === 'active' ? await endGrantsWithUser(context, before, 'disabled') : [];
    if (status === 'active' && (before.status === 'invited' || before.status === 'expired')) {
      // Provisioned users sign in through the identity provider; a pending invite link is no longer needed.
      await supersedePendingInvites(tx, before.id);
    }
    const properties = changedProperties(before.properties, attrs.properties);
    if (Object.keys(properties).length > 0) await writeProvisionedProperties(tx, before.id, properties);
    const wanted = await holdingsFor(context, before.roles, attrs.roles);
    if (wanted) await writeHoldings(context, before, wanted, 'scim');
    const after = await getUserRecord(tx, before.id);
    const done = await applied(context, change, before, after, 'user.updated');
    done.audit.push(...ended);
    return done;
  },
  // A run of plain creates (SCIM /Bulk) goes together; anything else throws, and the batch applies them one by one.
  applyMany: (context, changes) =>
    applyCreatesTogether(context, changes, (change, after) => applied(context, change, null, after, 'user.provisioned')),
};

/** What a create stores of the user (also for a run of creates together, scim-user-batch.ts). */
export function provisionedFields(change: ChangeOf<'scim-user'>, fields: { email: string; name: string | null }) {
  const attrs = change.attributes;
  return {
    email: fields.email,
    name: fields.name,
    externalId: attrs.externalId ?? null,
    userName: attrs.userName,
    givenName: attrs.givenName,
    familyName: attrs.familyName,
    // Entra ID creates accounts that are not yet in use as disabled users.
    status: attrs.active ? ('active' as const) : ('disabled' as const),
    properties: Object.fromEntries(
      Object.entries(attrs.properties ?? {}).filter((entry): entry is [string, string] => entry[1] !== null),
    ),
  };
}

async function create(
  context: ChangeContext,
  change: ChangeOf<'scim-user'>,
  fields: { email: string; name: string | null },
): Promise<Applied<ScimUserResult>> {
  const { tx, accountId } = context;
  const provisioned = provisionedFields(change, fields);
  const held = await heldRows(context, (await holdingsFor(context, [], change.attributes.roles)) ?? [], []);
  await refusePermanentTimeBound(
    context,
    null,
    held.map((h) => h.role),
    'scim',
    fields.email,
  );
  const written = await createProvisionedUser(tx, accountId, provisioned, context.clock.now(), held);
  if (!('created' in written)) {
    refuseClashes(written.clashes, change, fields.email);
    throw new Error('a create that clashed with nobody was not written');
  }
  const { created } = written;
  return applied(context, change, null, newUserRecord(created, held, provisioned.properties), 'user.provisioned');
}

/**
 * A user this change created, as the card reads it, from what was written (the row, its roles, its
 * properties; nothing else yet): no read of it inside the account lock.
 */
function newUserRecord(user: User, held: HeldRow[], properties: Record<string, string>): UserRecord {
  const keys = Object.keys(properties).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return {
    ...user,
    roles: held.map(({ role, ...row }) => ({ ...row, userId: user.id, role })),
    properties: keys.map((key) => ({ userId: user.id, key, value: properties[key] as string })),
    passcode: null,
    groups: [],
    apiKey: null,
    invitedBy: null,
    invites: [],
    timedGrants: [],
  };
}

/** What the trail records of a provisioned user: the directory's snapshot and the identity provider's names for them. */
function scimSnapshot(user: UserRecord) {
  return { ...snapshot(user), externalId: user.externalId, userName: user.userName };
}

async function applied(
  context: ChangeContext,
  change: ChangeOf<'scim-user'>,
  before: UserRecord | null,
  after: UserRecord,
  action: string,
): Promise<Applied<ScimUserResult>> {
  const target = { id: after.id, email: after.email, name: after.name };
  const changed: { before?: Record<string, unknown>; after: Record<string, unknown> } = before
    ? diff(scimSnapshot(before), scimSnapshot(after))
    : { after: scimSnapshot(after) };
  const done: Applied<ScimUserResult> = {
    result: { user: after, created: before === null },
    stored: { ...change, user: { id: after.id } },
    summary: `${before ? 'Update' : 'Provision'} ${after.email} from the identity provider.`,
    outcome: `${before ? 'Updated' : 'Provisioned'} ${after.email}.`,
    touched: [after.id],
    targets: before ? [before.id] : [],
    gains: powerGain(before, after, context.multipleRoles),
    facts: { users: 1 },
    audit: [{ action, target, ...(changed as { before?: Json; after: Json }) }],
    // After the commit, the SCIM edge answers with the stored user without reading it again.
    deliver: async (result) => ({ ...result, closedAt: done.closedAt }),
  };
  return done;
}
