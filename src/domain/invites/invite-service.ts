/**
 * Inviting people: 1–50 addresses validated all-or-nothing, seats checked under the account
 * lock, one random link each (stored as a hash), delivered after the commit; resends and
 * new links.
 */
import { randomUUID } from 'node:crypto';
import { fail, type Problem, RosterError } from '../../errors';
import type { PrismaClient } from '../../store/generated/client';
import { lockAccount } from '../../store/tx';
import { type Actor, requirePermission } from '../access/actor';
import type { AuditService } from '../audit/audit-service';
import { addHours, type Clock } from '../clock';
import { type Delivery, type DeliveryOutcome, sendAll } from '../delivery/delivery';
import { countSeats, type DirectoryService, type UserRef } from '../directory/directory-service';
import { isValidEmail, normaliseEmail } from '../email';
import { formatWhen } from '../format-when';
import { type AccessRequest, resolveAccess } from '../roles/resolve-access';
import type { InviteLinks } from './invite-links';

export const MAX_INVITEES = 50;

export interface InviteRequest extends AccessRequest {
  emails: string[];
  groups?: string[];
  note?: string;
}

export interface InviteResult {
  invited: { email: string; expiresAt: Date; reinvited: boolean }[];
  deliveries: DeliveryOutcome[];
}

export type InviteService = ReturnType<typeof createInviteService>;

export function createInviteService(deps: {
  prisma: PrismaClient;
  accountId: string;
  clock: Clock;
  audit: AuditService;
  directory: DirectoryService;
  delivery: Delivery;
  links: InviteLinks;
  seatLimit: number;
  inviteTtlHours: number;
}) {
  const { prisma, accountId, clock, audit, links } = deps;

  /** Address-level problems that need no database: syntax, count and duplicates. */
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

  async function resolveGroups(names: string[]) {
    const groups = [];
    for (const name of [...new Set(names.map((n) => n.trim()).filter(Boolean))]) {
      const group = await prisma.group.findFirst({ where: { accountId, name: { equals: name, mode: 'insensitive' } } });
      if (!group) throw fail.notFound(`There is no group \`${name}\`. See \`/users group list\`.`, { field: 'groups' });
      if (group.kind === 'all_users') continue; // everyone is in All Users already
      groups.push(group);
    }
    return groups;
  }

  const service = {
    /** What the invite form offers: roles, groups (not All Users) and grantable extra permissions. */
    async formOptions() {
      const [roles, groups, permissions] = await Promise.all([
        prisma.role.findMany({ where: { accountId }, orderBy: { precedence: 'desc' } }),
        prisma.group.findMany({
          where: { accountId, kind: { not: 'all_users' } },
          orderBy: { name: 'asc' },
          select: { name: true },
        }),
        prisma.permission.findMany({ where: { accountId }, orderBy: { key: 'asc' }, select: { key: true, description: true } }),
      ]);
      return { roles, groups: groups.map((g) => g.name), permissions };
    },

    /** Invites every address or none; reports each problem address and why. */
    async invite(actor: Actor, request: InviteRequest): Promise<InviteResult> {
      requirePermission(actor, 'users:manage');
      const entries = request.emails.map((email) => email.trim()).filter(Boolean);
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
      const access = await resolveAccess(prisma, accountId, request);
      const groups = await resolveGroups(request.groups ?? []);
      const note = request.note?.trim() || null;
      const now = clock.now();
      const expiresAt = addHours(now, deps.inviteTtlHours);
      const issued = new Map(emails.map((email) => [email, links.issue()]));

      const invited = await prisma.$transaction(async (tx) => {
        await lockAccount(tx, accountId);
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
            {
              field: 'emails',
              problems,
            },
          );
        }
        const used = await countSeats(tx, accountId);
        const needed = emails.length - reinvites.filter((user) => user.status === 'expired').length;
        if (used + needed > deps.seatLimit) {
          throw new RosterError(
            'seat_limit',
            `Not enough seats: ${used} of ${deps.seatLimit} are used and this invite needs ${needed}. Upgrade the plan or buy a seat top-up (raise SEAT_LIMIT), or revoke people who no longer need access.`,
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
            data: {
              status: 'invited',
              invitedById: actor.userId,
              invitedAt: now,
              extraPermissions: access.perms,
              version: { increment: 1 },
            },
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
            const link = issued.get(email)!;
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
        const after = {
          status: 'invited',
          roles: access.grants.map((grant) => (grant.scope ? `${grant.role.key}=${grant.scope}` : grant.role.key)),
          groups: groups.map((group) => group.name),
          perms: access.perms,
          expiresAt: expiresAt.toISOString(),
        };
        await audit.record(
          tx,
          actor,
          ...emails.map((email) => {
            const previous = reinvited.get(email);
            return {
              action: previous ? 'user.reinvited' : 'user.invited',
              target: { id: userIds.get(email), email },
              before: previous ? { status: previous.status } : undefined,
              after,
            };
          }),
        );
        return emails.map((email) => ({ email, expiresAt, reinvited: reinvited.has(email) }));
      });

      const deliveries = await sendAll(
        deps.delivery,
        emails.map((email) => ({
          kind: 'invite' as const,
          email,
          link: links.url(issued.get(email)!.token),
          expiresAt,
          fromName: actor.name ?? actor.email,
          note,
        })),
      );
      return { invited, deliveries };
    },

    /** Sends the same link again to someone still invited. */
    async resend(actor: Actor, who: UserRef): Promise<{ email: string; expiresAt: Date; delivery: DeliveryOutcome }> {
      requirePermission(actor, 'users:manage');
      const user = await deps.directory.findUser(who);
      const invite = await pendingInvite(user.id, user.email, user.status);
      const now = clock.now();
      const sent = await prisma.invite.updateMany({ where: { id: invite.id, status: 'pending' }, data: { lastSentAt: now } });
      if (sent.count === 0) throw fail.invalidState(`The invite of ${user.email} changed meanwhile; try again.`);
      await audit.record(prisma, actor, { action: 'invite.resent', target: { id: user.id, email: user.email, name: user.name } });
      const [delivery] = await sendAll(deps.delivery, [
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
      return { email: user.email, expiresAt: invite.expiresAt, delivery: delivery as DeliveryOutcome };
    },

    /** Issues a new link (the old one stops working) for the admin to pass on; nothing is sent. */
    async newLink(actor: Actor, who: UserRef): Promise<{ email: string; link: string; expiresAt: Date }> {
      requirePermission(actor, 'users:manage');
      const user = await deps.directory.findUser(who);
      if (user.status !== 'invited' && user.status !== 'expired') {
        throw fail.invalidState(`${user.email} is ${user.status}; invite links are only for people who have not accepted yet.`);
      }
      const now = clock.now();
      const expiresAt = addHours(now, deps.inviteTtlHours);
      const link = links.issue();
      await prisma.$transaction(async (tx) => {
        await lockAccount(tx, accountId);
        const current = await tx.user.findUniqueOrThrow({ where: { id: user.id } });
        if (current.status !== 'invited' && current.status !== 'expired') {
          throw fail.invalidState(
            `${user.email} is ${current.status} now; invite links are only for people who have not accepted yet.`,
          );
        }
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
        await tx.user.update({ where: { id: user.id }, data: { status: 'invited', version: { increment: 1 } } });
        await audit.record(tx, actor, {
          action: 'invite.link-reissued',
          target: { id: user.id, email: user.email, name: user.name },
          before: { status: current.status },
          after: { status: 'invited', expiresAt: expiresAt.toISOString() },
        });
      });
      return { email: user.email, link: links.url(link.token), expiresAt };
    },

    reinvite: (actor: Actor, who: UserRef) => reinvite(actor, who),
  };
  return service;

  /** A new link, delivered to the invitee (the Re-invite button of the expiry digest). */
  async function reinvite(actor: Actor, who: UserRef): Promise<{ email: string; expiresAt: Date; delivery: DeliveryOutcome }> {
    const issued = await service.newLink(actor, who);
    const [delivery] = await sendAll(deps.delivery, [
      {
        kind: 'invite',
        email: issued.email,
        link: issued.link,
        expiresAt: issued.expiresAt,
        fromName: actor.name ?? actor.email,
      },
    ]);
    return { email: issued.email, expiresAt: issued.expiresAt, delivery: delivery as DeliveryOutcome };
  }

  async function pendingInvite(userId: string, email: string, status: string) {
    if (status === 'expired') {
      throw fail.invalidState(`The invite of ${email} has expired. Issue a new one with \`/users invite-link ${email}\`.`);
    }
    if (status !== 'invited') {
      throw fail.invalidState(`${email} is ${status}; only people who have not accepted an invite can get it again.`);
    }
    const invite = await prisma.invite.findFirst({ where: { userId, status: 'pending' }, orderBy: { createdAt: 'desc' } });
    if (!invite || invite.expiresAt <= clock.now()) {
      throw fail.invalidState(`The invite of ${email} has expired. Issue a new one with \`/users invite-link ${email}\`.`);
    }
    return invite;
  }
}
