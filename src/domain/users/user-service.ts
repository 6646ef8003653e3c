/**
 * Everything else about one user: name and e-mail, groups, custom properties, disable / enable,
 * revoke (every credential and pending link stops working), and ownership transfer.
 */

import { fail, RosterError } from '../../errors';
import type { PrismaClient } from '../../store/generated/client';
import { lockAccount } from '../../store/tx';
import type { Actor } from '../access/actor';
import type { AuditService } from '../audit/audit-service';
import type { DirectoryService, UserRef } from '../directory/directory-service';
import type { UserRecord } from '../directory/user-view';
import { isValidEmail, normaliseEmail } from '../email';
import { ADMIN_ROLE } from '../roles/catalog';
import type { ChangeOptions, UserChanger } from './user-change';

export const MAX_PROPERTIES = 50;

export type UserService = ReturnType<typeof createUserService>;

export function createUserService(deps: {
  prisma: PrismaClient;
  accountId: string;
  audit: AuditService;
  directory: DirectoryService;
  changer: UserChanger;
}) {
  const { prisma, accountId, audit, directory, changer } = deps;

  return {
    /** Name for anyone; e-mail only for people who have not accepted their invite yet. */
    async edit(actor: Actor, who: UserRef, changes: { name?: string; email?: string }): Promise<UserRecord> {
      if (changes.name === undefined && changes.email === undefined)
        throw fail.badInput('Say what to change: --name or --email.');
      return changer.change(actor, who, 'users:manage', 'user.edited', async (tx, user) => {
        const data: { name?: string; email?: string } = {};
        if (changes.name !== undefined) {
          const name = changes.name.trim();
          if (name.length === 0 || name.length > 100) throw fail.badInput('A name is 1 to 100 characters.', { field: 'name' });
          data.name = name;
        }
        if (changes.email !== undefined && normaliseEmail(changes.email) !== user.email) {
          const email = normaliseEmail(changes.email);
          if (!isValidEmail(email)) throw fail.badInput(`${changes.email} is not a valid e-mail address.`, { field: 'email' });
          if (user.status !== 'invited' && user.status !== 'expired') {
            throw fail.invalidState(`${user.email} has accepted their invite, so their e-mail can no longer be changed here.`, {
              field: 'email',
            });
          }
          if (await tx.user.findUnique({ where: { accountId_email: { accountId, email } } })) {
            throw fail.conflict(`${email} is already in use by another user.`, { field: 'email' });
          }
          data.email = email;
        }
        await tx.user.update({ where: { id: user.id }, data });
      });
    },

    /** `+group` / `-group`; All Users is implicit and cannot be edited by hand. */
    async changeGroups(actor: Actor, who: UserRef, changes: { add: string[]; remove: string[] }): Promise<UserRecord> {
      return changer.change(actor, who, 'groups:manage', 'user.groups-changed', async (tx, user) => {
        const groups = await tx.group.findMany({ where: { accountId } });
        const find = (name: string) => {
          const group = groups.find((g) => g.name.toLowerCase() === name.trim().toLowerCase());
          if (!group) throw fail.notFound(`There is no group \`${name}\`. See \`/users group list\`.`, { field: 'groups' });
          if (group.kind === 'all_users') {
            throw fail.badInput('Everyone is in All Users; its members cannot be added or removed by hand.', { field: 'groups' });
          }
          return group;
        };
        for (const name of changes.remove) {
          const group = find(name);
          const removed = await tx.groupMembership.deleteMany({ where: { userId: user.id, groupId: group.id } });
          if (removed.count === 0) throw fail.badInput(`${user.email} is not in ${group.name}.`, { field: 'groups' });
        }
        for (const name of changes.add) {
          await tx.groupMembership.createMany({ data: [{ userId: user.id, groupId: find(name).id }], skipDuplicates: true });
        }
      });
    },

    /** Sets `key=value` properties and removes `-key` ones. */
    async changeProperties(
      actor: Actor,
      who: UserRef,
      changes: { set: Record<string, string>; remove: string[] },
    ): Promise<UserRecord> {
      return changer.change(actor, who, 'users:manage', 'user.properties-changed', async (tx, user) => {
        for (const key of changes.remove) {
          const removed = await tx.userProperty.deleteMany({ where: { userId: user.id, key } });
          if (removed.count === 0) throw fail.badInput(`${user.email} has no property \`${key}\`.`, { field: 'props' });
        }
        for (const [key, value] of Object.entries(changes.set)) {
          await tx.userProperty.upsert({
            where: { userId_key: { userId: user.id, key } },
            create: { userId: user.id, key, value },
            update: { value },
          });
        }
        if ((await tx.userProperty.count({ where: { userId: user.id } })) > MAX_PROPERTIES) {
          throw fail.badInput(`A user can have at most ${MAX_PROPERTIES} properties.`, { field: 'props' });
        }
      });
    },

    /** Blocks an active user; credentials are kept but refused. */
    async disable(actor: Actor, who: UserRef): Promise<UserRecord> {
      return changer.change(actor, who, 'users:manage', 'user.disabled', async (tx, user) => {
        if (user.status !== 'active')
          throw fail.invalidState(`${user.email} is ${user.status}; only active users can be disabled.`);
        await tx.user.update({ where: { id: user.id }, data: { status: 'disabled' } });
      });
    },

    /** Lets a disabled user in again; an invited user must accept first (offer a resend). */
    async enable(actor: Actor, who: UserRef): Promise<UserRecord> {
      return changer.change(actor, who, 'users:manage', 'user.enabled', async (tx, user) => {
        if (user.status === 'invited') {
          throw new RosterError('invalid_state', `${user.email} must accept the invite first.`, {
            hint: `Send it again with \`/users resend ${user.email}\`.`,
          });
        }
        if (user.status !== 'disabled')
          throw fail.invalidState(`${user.email} is ${user.status}; only disabled users can be enabled.`);
        await tx.user.update({ where: { id: user.id }, data: { status: 'active' } });
      });
    },

    /** Removes access: API key, passcode, password and pending links stop working at once. */
    async revoke(actor: Actor, who: UserRef, options: ChangeOptions = {}): Promise<UserRecord> {
      return changer.change(
        actor,
        who,
        'users:manage',
        'user.revoked',
        async (tx, user) => {
          if (user.status !== 'active' && user.status !== 'disabled') {
            throw fail.invalidState(`${user.email} is ${user.status}; only active or disabled users can be revoked.`);
          }
          await tx.user.update({ where: { id: user.id }, data: { status: 'revoked', passwordHash: null } });
          await tx.apiKey.deleteMany({ where: { userId: user.id } });
          await tx.passcode.updateMany({ where: { userId: user.id }, data: { status: 'revoked' } });
          await tx.invite.updateMany({ where: { userId: user.id, status: 'pending' }, data: { status: 'revoked' } });
          await tx.passwordLink.deleteMany({ where: { userId: user.id } });
        },
        options,
      );
    },

    /** Hands ownership to another active Admin; only the current owner may. */
    async transferOwnership(actor: Actor, who: UserRef): Promise<UserRecord> {
      const target = await directory.findUser(who);
      return prisma.$transaction(async (tx) => {
        await lockAccount(tx, accountId);
        const account = await tx.account.findUniqueOrThrow({ where: { id: accountId }, include: { owner: true } });
        if (account.ownerId !== actor.userId) {
          throw fail.forbidden(`Only the owner (${account.owner?.email ?? 'nobody'}) can transfer ownership.`);
        }
        if (target.id === actor.userId) throw fail.badInput('You already own the account.');
        if (target.status !== 'active' || !target.roles.some((h) => h.role.key === ADMIN_ROLE)) {
          throw fail.invalidState(`${target.email} must be an active Admin to own the account. Make them an Admin first.`);
        }
        await tx.account.update({ where: { id: accountId }, data: { ownerId: target.id } });
        await tx.user.updateMany({
          where: { id: { in: [target.id, account.ownerId ?? target.id] } },
          data: { version: { increment: 1 } },
        });
        await audit.record(tx, actor, {
          action: 'account.owner-transferred',
          target: { id: target.id, email: target.email, name: target.name },
          before: { owner: account.owner?.email ?? null },
          after: { owner: target.email },
        });
        return target;
      });
    },
  };
}
