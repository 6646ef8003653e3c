/**
 * Inviting people: 1–50 addresses validated all-or-nothing, seats checked under the account lock,
 * one random link each (stored as a hash), delivered after the commit; resends, new links and
 * re-invites. The roles and extra permissions an invite grants need what granting them later needs.
 */

import { randomUUID } from 'node:crypto';
import { fail, type Problem, RosterError } from '../../errors';
import type { Group, Role, UserStatus } from '../../store/generated/client';
import { can } from '../access/actor';
import { addHours } from '../clock';
import { type DeliveryOutcome, sendAll } from '../delivery/delivery';
import type { UserRecord } from '../directory/user-view';
import { isValidEmail, normaliseEmail } from '../email';
import { formatWhen } from '../format-when';
import { findGroup } from '../groups/find-group';
import type { InviteResult } from '../invites/invite-service';
import { linkToResend } from '../invites/link-to-resend';
import { checkScopes, scopeKey } from '../partners/partners';
import { addedAdminPower, adminPowerOf } from '../roles/admin-power';
import type { AdminPermission } from '../roles/permissions';
import { holdingsInForce } from '../roles/precedence';
import {
  checkGrantable,
  defaultRole,
  findRole,
  loadRoles,
  NO_ACCESS,
  type ResolvedAccess,
  type RoleGrant,
  requestedRoles,
  resolveAccess,
} from '../roles/resolve-access';
import { holdingLabel, resolveGrant } from '../roles/role-grants';
import type { Applied, ChangeContext, ChangeHandler, PowerGain } from './change-handler';
import type { ChangeOf } from './directory-change';
import { findUser, powerGain, roleLabels } from './user-change';

/** One invite takes at most this many addresses. */
export const MAX_INVITEES = 50;

/** An invite sent again, or a new link delivered. */
export interface ResendResult {
  email: string;
  expiresAt: Date;
  delivery: DeliveryOutcome;
  /** A new link was issued (the previous one had lapsed, expired or been revoked). */
  fresh: boolean;
}

/** A new link for the admin to pass on. */
export interface NewLinkResult {
  email: string;
  link: string;
  expiresAt: Date;
}

/** One address of an invite, with its own access or groups when it does not take the invite's. */
interface InviteRow {
  entry: string;
  access?: string[];
  groups?: string[];
}

/** What one invitee will get. */
interface PlannedRow {
  email: string;
  grants: RoleGrant[];
  groups: Group[];
}

/** Address-level problems that need no database: syntax and duplicates. */
function checkAddresses(raw: InviteRow[]): { rows: (InviteRow & { email: string })[]; problems: Problem[] } {
  const problems: Problem[] = [];
  const seen = new Set<string>();
  const rows: (InviteRow & { email: string })[] = [];
  for (const row of raw) {
    const email = normaliseEmail(row.entry);
    if (!email) continue;
    if (!isValidEmail(email)) problems.push({ subject: row.entry.trim(), reason: 'is not a valid e-mail address' });
    else if (seen.has(email)) problems.push({ subject: email, reason: 'is listed more than once' });
    else rows.push({ ...row, email });
    seen.add(email);
  }
  return { rows, problems };
}

/** Granting a role, product level or extra permission needs `roles:manage`, as it does after the invite. */
function invitePermissions(change: ChangeOf<'invite'>): AdminPermission[] {
  const grants =
    requestedRoles(change).length > 0 ||
    Object.keys(change.products ?? {}).length > 0 ||
    (change.perms ?? []).length > 0 ||
    (change.people ?? []).some((person) => (person.access ?? []).length > 0) ||
    (change.partners ?? []).some((partner) => partner.trim().length > 0);
  return grants ? ['users:manage', 'roles:manage'] : ['users:manage'];
}

/** Every address of the invite, those with their own access or groups included. */
function rowsOf(change: ChangeOf<'invite'>): InviteRow[] {
  const people = (change.people ?? []).map((person) => ({
    entry: person.email,
    access: person.access?.length ? person.access : undefined,
    groups: person.groups,
  }));
  return [...change.emails.map((entry) => ({ entry })), ...people].filter((row) => row.entry.trim().length > 0);
}

/** The account's groups named in `names` (All Users left out: everyone is in it already). */
async function groupsNamed(context: ChangeContext, names: string[]): Promise<Group[]> {
  const groups: Group[] = [];
  for (const name of new Set(names.map((n) => n.trim()).filter(Boolean))) {
    const group = await findGroup(context.tx, context.accountId, name, 'groups');
    if (group.kind !== 'all_users') groups.push(group);
  }
  return groups;
}

/** The grants of one address's own access, `role`, `role=scope` or `product=level` (`none`: no access). */
function rowGrants(roles: Role[], access: string[]): RoleGrant[] {
  const products = new Set(roles.map((r) => r.product).filter(Boolean));
  const grants: RoleGrant[] = [];
  for (const text of access) {
    const [left = '', right] = text.split('=', 2).map((part) => part.trim().toLowerCase());
    if (right === NO_ACCESS && products.has(left)) continue;
    const grant = resolveGrant(roles, text);
    const clash = grants.find((g) => g.role.product && g.role.product === grant.role.product);
    if (clash) throw fail.badInput(`gives two levels of \`${grant.role.product}\`; give one.`);
    if (grants.some((g) => g.role.id === grant.role.id && g.scope === grant.scope)) continue;
    grants.push(grant);
  }
  if (grants.length === 0) throw fail.badInput('needs a role or a product level.');
  return grants;
}

/**
 * The invite's own access: its role or product levels, and the partners its scoped role covers. With
 * partners and no role (or the scoped role itself), the scoped role is held once per partner; with a
 * general role, the scoped role comes besides it.
 */
async function defaultAccess(context: ChangeContext, roles: Role[], change: ChangeOf<'invite'>): Promise<ResolvedAccess> {
  const { tx, accountId } = context;
  const partners = [...new Set((change.partners ?? []).map((p) => p.trim()).filter(Boolean))];
  if (partners.length === 0) {
    const access = await resolveAccess(tx, accountId, change);
    return { ...access, grants: await checkScopes(tx, accountId, access.grants, 'role') };
  }
  const scopedRoles = roles.filter((role) => role.scoped && !role.product);
  // Several roles may be asked for (`--role` repeated, the modal's multi-select): the scoped one covers the partners.
  const requested = requestedRoles(change);
  const chosen = requested.map((text) => findRole(roles, text.split('=')[0] ?? ''));
  const scopedChosen = chosen.find((role) => role?.scoped);
  const scopedRole = scopedChosen ?? (scopedRoles.length === 1 ? scopedRoles[0] : undefined);
  if (!scopedRole) {
    throw fail.badInput('No role here is scoped to a partner; leave the partner field empty.', { field: 'partners' });
  }
  const generalRoles = requested.filter((_, i) => !chosen[i]?.scoped);
  const general =
    generalRoles.length > 0 ? await resolveAccess(tx, accountId, { ...change, role: undefined, roles: generalRoles }) : null;
  const grants = [...(general?.grants ?? []), ...partners.map((scope) => ({ role: scopedRole, scope }))];
  const perms = await checkGrantable(
    tx,
    accountId,
    grants.map((g) => g.role.key),
    change.perms ?? [],
  );
  return { grants: await checkScopes(tx, accountId, grants), perms };
}

/** Resolves each row's access and groups; a row of its own that cannot be resolved becomes a problem naming its address. */
async function planRows(
  context: ChangeContext,
  change: ChangeOf<'invite'>,
  rows: (InviteRow & { email: string })[],
  problems: Problem[],
): Promise<{ planned: PlannedRow[]; perms: string[] }> {
  const { tx, accountId } = context;
  const roles = await loadRoles(tx, accountId);
  // The invite's own role and levels are resolved (and refused on their field) only when some address takes them.
  const defaults = rows.some((row) => !row.access) ? await defaultAccess(context, roles, change) : null;
  const perms = defaults?.perms ?? [...new Set((change.perms ?? []).map((p) => p.trim().toLowerCase()).filter(Boolean))];
  const defaultGroups = await groupsNamed(context, change.groups ?? []);
  const planned: PlannedRow[] = [];
  for (const row of rows) {
    if (!row.access && !row.groups) {
      planned.push({ email: row.email, grants: (defaults as ResolvedAccess).grants, groups: defaultGroups });
      continue;
    }
    try {
      const grants = row.access
        ? await checkScopes(tx, accountId, rowGrants(roles, row.access))
        : (defaults as ResolvedAccess).grants;
      const keys = grants.map((g) => g.role.key);
      if (row.access) await checkGrantable(tx, accountId, keys, perms);
      const groups = row.groups ? await groupsNamed(context, row.groups) : defaultGroups;
      planned.push({ email: row.email, grants, groups });
    } catch (error) {
      if (!(error instanceof RosterError)) throw error;
      problems.push({ subject: row.email, reason: lowerFirst(error.message) });
    }
  }
  return { planned, perms };
}

function lowerFirst(message: string): string {
  return /^[A-Z][a-z]/.test(message) ? message[0]?.toLowerCase() + message.slice(1) : message;
}

/** `a, b as editor; c as admin`: the addresses grouped by what they get. */
function describeRows(planned: PlannedRow[]): string {
  const byAccess = new Map<string, string[]>();
  for (const row of planned) {
    const label = row.grants.map(holdingLabel).join(', ');
    byAccess.set(label, [...(byAccess.get(label) ?? []), row.email]);
  }
  return [...byAccess].map(([label, emails]) => `${emails.join(', ')} as ${label}`).join('; ');
}

/** Invites every address or none; reports each problem address and why. */
export const invite: ChangeHandler<'invite', InviteResult> = {
  permissions: invitePermissions,
  async apply(context, change) {
    const { tx, accountId, actor, links } = context;
    const entries = rowsOf(change);
    if (entries.length === 0) throw fail.badInput('Give at least one e-mail address.', { field: 'emails' });
    if (entries.length > MAX_INVITEES) {
      throw fail.badInput(
        `One invite takes at most ${MAX_INVITEES} addresses; this one has ${entries.length}. Split it in two.`,
        {
          field: 'emails',
        },
      );
    }
    const { rows, problems } = checkAddresses(entries);
    const { planned, perms } = await planRows(context, change, rows, problems);
    const emails = rows.map((row) => row.email);
    const note = change.note?.trim() || null;
    const now = context.clock.now();
    const expiresAt = addHours(now, context.inviteTtlHours);
    const issued = new Map(emails.map((email) => [email, links.issue()]));

    const existing = await tx.user.findMany({
      where: { accountId, email: { in: emails } },
      include: { invites: { where: { status: 'pending' }, orderBy: { createdAt: 'desc' }, take: 1 } },
    });
    const reinvites = existing.filter((user) => user.status === 'expired' || user.status === 'revoked');
    for (const user of existing) {
      if (user.status === 'invited') {
        const pending = user.invites[0];
        problems.push({
          subject: user.email,
          reason: pending ? `is already invited; that invite expires ${formatWhen(pending.expiresAt)}` : 'is already invited',
        });
      } else if (user.status === 'active' || user.status === 'disabled') {
        problems.push({ subject: user.email, reason: `is already in the directory (${user.status})` });
      }
    }
    if (problems.length > 0) {
      throw new RosterError(
        'bad_input',
        `Nobody was invited. Fix ${problems.length === 1 ? 'this address' : 'these addresses'} and try again:`,
        { field: 'emails', problems },
      );
    }

    const reinvited = new Map(reinvites.map((user) => [user.email, user]));
    const newUsers = emails
      .filter((email) => !reinvited.has(email))
      .map((email) => ({
        id: randomUUID(),
        accountId,
        email,
        status: 'invited' as const,
        invitedById: actor.userId,
        invitedAt: now,
        extraPermissions: perms,
      }));
    if (newUsers.length > 0) await tx.user.createMany({ data: newUsers });
    for (const user of reinvites) {
      await tx.user.update({
        where: { id: user.id },
        data: { status: 'invited', invitedById: actor.userId, invitedAt: now, extraPermissions: perms },
      });
      await tx.userRole.deleteMany({ where: { userId: user.id } });
      await tx.invite.updateMany({ where: { userId: user.id, status: 'pending' }, data: { status: 'superseded' } });
    }
    const userIds = new Map([
      ...newUsers.map((u) => [u.email, u.id] as const),
      ...reinvites.map((u) => [u.email, u.id] as const),
    ]);
    const idOf = (email: string) => userIds.get(email) as string;
    await tx.userRole.createMany({
      data: planned.flatMap((row) =>
        row.grants.map((grant) => ({
          userId: idOf(row.email),
          roleId: grant.role.id,
          scope: grant.scope,
          scopeKey: scopeKey(grant.scope),
        })),
      ),
    });
    const memberships = planned.flatMap((row) => row.groups.map((group) => ({ userId: idOf(row.email), groupId: group.id })));
    if (memberships.length > 0) await tx.groupMembership.createMany({ data: memberships, skipDuplicates: true });
    await tx.invite.createMany({
      data: emails.map((email) => {
        const link = issued.get(email) as ReturnType<typeof links.issue>;
        return {
          accountId,
          userId: idOf(email),
          tokenHash: link.tokenHash,
          tokenNonce: link.nonce,
          note,
          invitedById: actor.userId,
          sentAt: now,
          lastSentAt: now,
          expiresAt,
        };
      }),
    });
    // An invitee starts with no power (a revoked or expired user holds none), so everything admin-plane is a gain.
    const gains = planned.flatMap((row) => {
      const added = addedAdminPower(
        new Set(),
        adminPowerOf(
          holdingsInForce(row.grants, context.multipleRoles).effective.map((g) => g.role),
          perms,
        ),
      );
      return added.length > 0 ? [{ userId: idOf(row.email), email: row.email, added }] : [];
    });
    const fromName = actor.name ?? actor.email;
    return {
      result: { invited: emails.map((email) => ({ email, expiresAt, reinvited: reinvited.has(email) })), deliveries: [] },
      stored: change,
      summary: `Invite ${describeRows(planned)}${perms.length > 0 ? `, with ${perms.join(', ')}` : ''}.`,
      outcome: `Invited ${emails.join(', ')}.`,
      touched: reinvites.map((u) => u.id),
      targets: reinvites.map((u) => u.id),
      gains,
      facts: { users: emails.length },
      audit: planned.map((row) => {
        const previous = reinvited.get(row.email);
        return {
          action: previous ? 'user.reinvited' : 'user.invited',
          target: { id: idOf(row.email), email: row.email },
          before: previous ? { status: previous.status } : undefined,
          after: {
            status: 'invited',
            roles: row.grants.map(holdingLabel),
            groups: row.groups.map((group) => group.name),
            perms,
            expiresAt: expiresAt.toISOString(),
          },
        };
      }),
      deliver: async (result) => ({
        ...result,
        deliveries: await sendAll(
          context.delivery,
          emails.map((email) => ({
            kind: 'invite' as const,
            email,
            link: links.url((issued.get(email) as ReturnType<typeof links.issue>).token),
            expiresAt,
            fromName,
            note,
          })),
        ),
      }),
    };
  },
};

/** Statuses an invite link can be issued for: not accepted yet, lapsed, or revoked (SPEC §3 state table). */
export const INVITABLE_STATUSES: readonly UserStatus[] = ['invited', 'expired', 'revoked'];

function assertInvitable(user: UserRecord): void {
  if (!INVITABLE_STATUSES.includes(user.status)) {
    throw fail.invalidState(
      `${user.email} is ${user.status}; invites are only for people who have not accepted one yet, whose invite expired, or who were revoked.`,
    );
  }
}

/**
 * The checks an invite makes, for bringing an expired or revoked user back to `invited`: giving back
 * roles beyond the default one needs `roles:manage`, a revoked user needs a free seat again, and the
 * admin-plane power their roles carry counts as granted (an invitee holds none until they accept).
 */
async function reinviteChecks(context: ChangeContext, user: UserRecord): Promise<PowerGain[]> {
  if (user.status === 'invited') return [];
  const fallback = defaultRole(await loadRoles(context.tx, context.accountId));
  const grants = user.extraPermissions.length > 0 || user.roles.some((held) => held.roleId !== fallback?.id);
  if (grants && !can(context.actor, 'roles:manage')) {
    throw fail.forbidden(
      `Re-inviting ${user.email} gives back ${[...roleLabels(user), ...user.extraPermissions].join(', ')}, which needs the \`roles:manage\` permission. Ask an Admin who has it, or invite them again with the default role: \`/users invite ${user.email}\`.`,
    );
  }
  return powerGain(null, user, context.multipleRoles);
}

/** A fresh link for `user` (the previous one stops working), valid `INVITE_TTL_HOURS` from now. */
async function issueNewLink(context: ChangeContext, user: UserRecord) {
  const { tx, accountId, actor, links } = context;
  assertInvitable(user);
  const gains = await reinviteChecks(context, user);
  const now = context.clock.now();
  const expiresAt = addHours(now, context.inviteTtlHours);
  const link = links.issue();
  const previous = await tx.invite.findFirst({ where: { userId: user.id }, orderBy: { createdAt: 'desc' } });
  await tx.invite.updateMany({ where: { userId: user.id, status: 'pending' }, data: { status: 'superseded' } });
  await tx.invite.create({
    data: {
      accountId,
      userId: user.id,
      tokenHash: link.tokenHash,
      tokenNonce: link.nonce,
      note: previous?.note ?? null,
      invitedById: actor.userId,
      sentAt: now,
      lastSentAt: now,
      expiresAt,
    },
  });
  const reinvited = user.status !== 'invited';
  if (reinvited) {
    await tx.user.update({ where: { id: user.id }, data: { status: 'invited', invitedById: actor.userId, invitedAt: now } });
  }
  return {
    url: links.url(link.token),
    expiresAt,
    note: previous?.note ?? null,
    touched: [user.id],
    targets: [user.id],
    gains,
    facts: { users: 1 },
    audit: [
      {
        action: reinvited ? 'user.reinvited' : 'invite.link-reissued',
        target: { id: user.id, email: user.email, name: user.name },
        before: { status: user.status },
        after: { status: 'invited', expiresAt: expiresAt.toISOString() },
      },
    ],
  };
}

/**
 * Gets `user` a working invite by DM and e-mail: the same link again while it is still valid,
 * otherwise (lapsed, expired, revoked) a fresh one with a new expiry, the old link staying dead.
 */
async function sendInvite(context: ChangeContext, user: UserRecord) {
  const { tx, actor, links } = context;
  assertInvitable(user);
  const now = context.clock.now();
  const pending =
    user.status === 'invited'
      ? await tx.invite.findFirst({ where: { userId: user.id, status: 'pending' }, orderBy: { createdAt: 'desc' } })
      : null;
  let sent: Pick<Applied<ResendResult>, 'touched' | 'targets' | 'gains' | 'facts' | 'audit'>;
  let link: { url: string; expiresAt: Date; note: string | null; fresh: boolean };
  if (pending && pending.expiresAt > now) {
    await tx.invite.update({ where: { id: pending.id }, data: { lastSentAt: now } });
    const token = await linkToResend(tx, links, pending);
    link = { url: links.url(token), expiresAt: pending.expiresAt, note: pending.note, fresh: false };
    sent = {
      touched: [],
      targets: [user.id],
      gains: [],
      facts: { users: 1 },
      audit: [{ action: 'invite.resent', target: { id: user.id, email: user.email, name: user.name } }],
    };
  } else {
    const { url, expiresAt, note, ...rest } = await issueNewLink(context, user);
    link = { url, expiresAt, note, fresh: true };
    sent = rest;
  }
  const undelivered: DeliveryOutcome = { email: user.email, slack: 'failed', mail: 'failed', problems: [] };
  const result: ResendResult = { email: user.email, expiresAt: link.expiresAt, delivery: undelivered, fresh: link.fresh };
  return {
    ...sent,
    result,
    deliver: async (result: ResendResult) => {
      const [delivery] = await sendAll(context.delivery, [
        {
          kind: 'invite',
          email: user.email,
          name: user.name,
          link: link.url,
          expiresAt: link.expiresAt,
          fromName: actor.name ?? actor.email,
          note: link.note,
        },
      ]);
      return { ...result, delivery: delivery as DeliveryOutcome };
    },
  };
}

/** `/users resend` and the card's Resend invite / Re-invite: the same link while valid, else a fresh one. */
export const resend: ChangeHandler<'resend', ResendResult> = {
  permissions: () => ['users:manage'],
  async apply(context, change) {
    const user = await findUser(context, change.user);
    const sent = await sendInvite(context, user);
    return {
      ...sent,
      stored: { ...change, user: { id: user.id } },
      summary: sent.result.fresh ? `Re-invite ${user.email} with a new link.` : `Send ${user.email} their invite again.`,
      outcome: sent.result.fresh ? `Re-invited ${user.email}.` : `Sent ${user.email} their invite again.`,
    };
  },
};

/** Issues a new link (the old one stops working) for the admin to pass on; nothing is sent. */
export const inviteLink: ChangeHandler<'invite-link', NewLinkResult> = {
  permissions: () => ['users:manage'],
  async apply(context, change) {
    const user = await findUser(context, change.user);
    const { url, expiresAt, note: _note, ...issued } = await issueNewLink(context, user);
    return {
      ...issued,
      result: { email: user.email, link: url, expiresAt },
      stored: { ...change, user: { id: user.id } },
      summary: `A new invite link for ${user.email}.`,
      outcome: `New invite link issued for ${user.email}.`,
    };
  },
};

/**
 * The Re-invite button (expiry digest, App Home): as `resend`, so a second click, or one after
 * another admin re-invited, sends the live link again instead of killing the one just delivered.
 */
export const reinvite: ChangeHandler<'reinvite', ResendResult> = {
  permissions: () => ['users:manage'],
  async apply(context, change) {
    const user = await findUser(context, change.user);
    const sent = await sendInvite(context, user);
    return {
      ...sent,
      stored: { ...change, user: { id: user.id } },
      summary: `Re-invite ${user.email}.`,
      outcome: sent.result.fresh ? `Re-invited ${user.email}.` : `Sent ${user.email} their invite again.`,
    };
  },
};
