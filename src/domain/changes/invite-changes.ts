/**
 * Inviting people: 1–50 addresses validated all-or-nothing, seats checked under the account lock,
 * one random link each (stored as a hash), delivered after the commit; resends, new links and
 * re-invites. The roles and extra permissions an invite grants need what granting them later needs.
 */
import { randomUUID } from 'node:crypto';
import { fail, type Problem, RosterError } from '../../errors';
import type { Group } from '../../store/generated/client';
import { addHours } from '../clock';
import { type DeliveryOutcome, sendAll } from '../delivery/delivery';
import { countSeats } from '../directory/directory-service';
import type { UserRecord } from '../directory/user-view';
import { isValidEmail, normaliseEmail } from '../email';
import { formatWhen } from '../format-when';
import { findGroup } from '../groups/find-group';
import type { InviteResult } from '../invites/invite-service';
import { addedAdminPower, adminPowerOf } from '../roles/admin-power';
import type { AdminPermission } from '../roles/permissions';
import { holdingsInForce } from '../roles/precedence';
import { requestedRoles, resolveAccess } from '../roles/resolve-access';
import type { ChangeContext, ChangeHandler } from './change-handler';
import type { ChangeOf } from './directory-change';
import { findUser } from './user-change';

/** One invite takes at most this many addresses. */
export const MAX_INVITEES = 50;

/** An invite sent again, or a new link delivered. */
export interface ResendResult {
  email: string;
  expiresAt: Date;
  delivery: DeliveryOutcome;
}

/** A new link for the admin to pass on. */
export interface NewLinkResult {
  email: string;
  link: string;
  expiresAt: Date;
}

/** Address-level problems that need no database: syntax and duplicates. */
function checkAddresses(raw: string[]): { emails: string[]; problems: Problem[] } {
  const problems: Problem[] = [];
  const seen = new Set<string>();
  const emails: string[] = [];
  for (const entry of raw) {
    const email = normaliseEmail(entry);
    if (!email) continue;
    if (!isValidEmail(email)) problems.push({ subject: entry.trim(), reason: 'is not a valid e-mail address' });
    else if (seen.has(email)) problems.push({ subject: email, reason: 'is listed more than once' });
    else emails.push(email);
    seen.add(email);
  }
  return { emails, problems };
}

/** Granting a role, product level or extra permission needs `roles:manage`, as it does after the invite. */
function invitePermissions(change: ChangeOf<'invite'>): AdminPermission[] {
  const grants =
    requestedRoles(change).length > 0 || Object.keys(change.products ?? {}).length > 0 || (change.perms ?? []).length > 0;
  return grants ? ['users:manage', 'roles:manage'] : ['users:manage'];
}

/** Invites every address or none; reports each problem address and why. */
export const invite: ChangeHandler<'invite', InviteResult> = {
  permissions: invitePermissions,
  async apply(context, change) {
    const { tx, accountId, actor, links } = context;
    const entries = change.emails.map((email) => email.trim()).filter(Boolean);
    if (entries.length === 0) throw fail.badInput('Give at least one e-mail address.', { field: 'emails' });
    if (entries.length > MAX_INVITEES) {
      throw fail.badInput(
        `One invite takes at most ${MAX_INVITEES} addresses; this one has ${entries.length}. Split it in two.`,
        {
          field: 'emails',
        },
      );
    }
    const { emails, problems } = checkAddresses(entries);
    const access = await resolveAccess(tx, accountId, change);
    const groups: Group[] = [];
    for (const name of new Set((change.groups ?? []).map((n) => n.trim()).filter(Boolean))) {
      const group = await findGroup(tx, accountId, name, 'groups');
      if (group.kind !== 'all_users') groups.push(group); // everyone is in All Users already
    }
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
    const used = await countSeats(tx, accountId);
    const needed = emails.length - reinvites.filter((user) => user.status === 'expired').length;
    if (used + needed > context.seatLimit) {
      throw new RosterError(
        'seat_limit',
        `Not enough seats: ${used} of ${context.seatLimit} are used and this invite needs ${needed}. Upgrade the plan or buy a seat top-up (raise SEAT_LIMIT), or revoke people who no longer need access.`,
        { field: 'emails' },
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
        extraPermissions: access.perms,
      }));
    if (newUsers.length > 0) await tx.user.createMany({ data: newUsers });
    for (const user of reinvites) {
      await tx.user.update({
        where: { id: user.id },
        data: { status: 'invited', invitedById: actor.userId, invitedAt: now, extraPermissions: access.perms },
      });
      await tx.userRole.deleteMany({ where: { userId: user.id } });
      await tx.invite.updateMany({ where: { userId: user.id, status: 'pending' }, data: { status: 'superseded' } });
    }
    const userIds = new Map([
      ...newUsers.map((u) => [u.email, u.id] as const),
      ...reinvites.map((u) => [u.email, u.id] as const),
    ]);
    const ids = emails.map((email) => userIds.get(email) as string);
    await tx.userRole.createMany({
      data: ids.flatMap((userId) => access.grants.map((grant) => ({ userId, roleId: grant.role.id, scope: grant.scope }))),
    });
    if (groups.length > 0) {
      await tx.groupMembership.createMany({
        data: ids.flatMap((userId) => groups.map((group) => ({ userId, groupId: group.id }))),
        skipDuplicates: true,
      });
    }
    await tx.invite.createMany({
      data: emails.map((email) => {
        const link = issued.get(email) as ReturnType<typeof links.issue>;
        return {
          accountId,
          userId: userIds.get(email) as string,
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
    const roles = access.grants.map((grant) => (grant.scope ? `${grant.role.key}=${grant.scope}` : grant.role.key));
    const after = {
      status: 'invited',
      roles,
      groups: groups.map((group) => group.name),
      perms: access.perms,
      expiresAt: expiresAt.toISOString(),
    };
    // An invitee starts with no power (a revoked or expired user holds none), so everything admin-plane is a gain.
    const added = addedAdminPower(
      new Set(),
      adminPowerOf(
        holdingsInForce(access.grants, context.multipleRoles).effective.map((g) => g.role),
        access.perms,
      ),
    );
    const fromName = actor.name ?? actor.email;
    return {
      result: { invited: emails.map((email) => ({ email, expiresAt, reinvited: reinvited.has(email) })), deliveries: [] },
      stored: change,
      summary: `Invite ${emails.join(', ')} as ${[...roles, ...access.perms].join(', ')}.`,
      outcome: `Invited ${emails.join(', ')}.`,
      touched: reinvites.map((u) => u.id),
      targets: reinvites.map((u) => u.id),
      gains: added.length > 0 ? ids.map((userId, i) => ({ userId, email: emails[i] as string, added })) : [],
      facts: { users: emails.length },
      audit: emails.map((email) => {
        const previous = reinvited.get(email);
        return {
          action: previous ? 'user.reinvited' : 'user.invited',
          target: { id: userIds.get(email), email },
          before: previous ? { status: previous.status } : undefined,
          after,
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

function assertNotAccepted(user: UserRecord, now = user.status): void {
  if (now !== 'invited' && now !== 'expired') {
    throw fail.invalidState(`${user.email} is ${now}; invite links are only for people who have not accepted yet.`);
  }
}

/** Sends the same link again to someone still invited. */
export const resend: ChangeHandler<'resend', ResendResult> = {
  permissions: () => ['users:manage'],
  async apply(context, change) {
    const { tx, links, actor } = context;
    const user = await findUser(context, change.user);
    const expired = `The invite of ${user.email} has expired. Issue a new one with \`/users invite-link ${user.email}\`.`;
    if (user.status === 'expired') throw fail.invalidState(expired);
    if (user.status !== 'invited') {
      throw fail.invalidState(`${user.email} is ${user.status}; only people who have not accepted an invite can get it again.`);
    }
    const invite = await tx.invite.findFirst({ where: { userId: user.id, status: 'pending' }, orderBy: { createdAt: 'desc' } });
    if (!invite || invite.expiresAt <= context.clock.now()) throw fail.invalidState(expired);
    await tx.invite.update({ where: { id: invite.id }, data: { lastSentAt: context.clock.now() } });
    const pending: DeliveryOutcome = { email: user.email, slack: 'failed', mail: 'failed', problems: [] };
    return {
      result: { email: user.email, expiresAt: invite.expiresAt, delivery: pending },
      stored: { ...change, user: { id: user.id } },
      summary: `Send ${user.email} their invite again.`,
      outcome: `Sent ${user.email} their invite again.`,
      touched: [],
      targets: [user.id],
      gains: [],
      facts: { users: 1 },
      audit: [{ action: 'invite.resent', target: { id: user.id, email: user.email, name: user.name } }],
      deliver: async (result) => {
        const [delivery] = await sendAll(context.delivery, [
          {
            kind: 'invite',
            email: user.email,
            name: user.name,
            link: links.url(links.tokenFor(invite.tokenNonce)),
            expiresAt: invite.expiresAt,
            fromName: actor.name ?? actor.email,
            note: invite.note,
          },
        ]);
        return { ...result, delivery: delivery as DeliveryOutcome };
      },
    };
  },
};

async function issueNewLink(context: ChangeContext, user: UserRecord) {
  const { tx, accountId, actor, links } = context;
  assertNotAccepted(user);
  const now = context.clock.now();
  const expiresAt = addHours(now, context.inviteTtlHours);
  const link = links.issue();
  const previous = await tx.invite.findFirst({
    where: { userId: user.id, status: { in: ['pending', 'expired'] } },
    orderBy: { createdAt: 'desc' },
  });
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
  await tx.user.update({ where: { id: user.id }, data: { status: 'invited' } });
  return {
    result: { email: user.email, link: links.url(link.token), expiresAt },
    touched: [user.id],
    targets: [user.id],
    gains: [],
    facts: { users: 1 },
    audit: [
      {
        action: 'invite.link-reissued',
        target: { id: user.id, email: user.email, name: user.name },
        before: { status: user.status },
        after: { status: 'invited', expiresAt: expiresAt.toISOString() },
      },
    ],
  };
}

/** Issues a new link (the old one stops working) for the admin to pass on; nothing is sent. */
export const inviteLink: ChangeHandler<'invite-link', NewLinkResult> = {
  permissions: () => ['users:manage'],
  async apply(context, change) {
    const user = await findUser(context, change.user);
    return {
      ...(await issueNewLink(context, user)),
      stored: { ...change, user: { id: user.id } },
      summary: `A new invite link for ${user.email}.`,
      outcome: `New invite link issued for ${user.email}.`,
    };
  },
};

/** A new link, delivered to the invitee (the Re-invite button of the expiry digest). */
export const reinvite: ChangeHandler<'reinvite', ResendResult> = {
  permissions: () => ['users:manage'],
  async apply(context, change) {
    const user = await findUser(context, change.user);
    const issued = await issueNewLink(context, user);
    const { link, expiresAt } = issued.result;
    const pending: DeliveryOutcome = { email: user.email, slack: 'failed', mail: 'failed', problems: [] };
    const fromName = context.actor.name ?? context.actor.email;
    return {
      ...issued,
      result: { email: user.email, expiresAt, delivery: pending },
      stored: { ...change, user: { id: user.id } },
      summary: `Re-invite ${user.email}.`,
      outcome: `Re-invited ${user.email}.`,
      deliver: async (result) => {
        const [delivery] = await sendAll(context.delivery, [{ kind: 'invite', email: user.email, link, expiresAt, fromName }]);
        return { ...result, delivery: delivery as DeliveryOutcome };
      },
    };
  },
};
