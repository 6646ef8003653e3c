/**
 * Roles and extra permissions of users: one user by command or modal, or many at once (bulk,
 * with a preview). Product levels replace the user's previous level of that product; scoped
 * roles carry their scope (`partner=acme`); extra permissions keep to `grantableTo`.
 */

import { fail } from '../../errors';
import type { Prisma, PrismaClient, Role } from '../../store/generated/client';
import { lockAccount } from '../../store/tx';
import { type Actor, requirePermission } from '../access/actor';
import type { AuditService } from '../audit/audit-service';
import type { DirectoryService, UserRef } from '../directory/directory-service';
import { type UserRecord, userInclude } from '../directory/user-view';
import { ADMIN_ROLE } from '../roles/catalog';
import { checkGrantable, findRole, grantFor, loadRoles, NO_ACCESS, type RoleGrant } from '../roles/resolve-access';
import { assertDirectoryRules } from './directory-rules';
import { type ChangeOptions, inTransaction, snapshot, type UserChanger } from './user-change';

export interface RoleChanges {
  add: string[];
  remove: string[];
}

/** One user's roles before and after a (bulk) change, for the review step. */
export interface RolePreview {
  email: string;
  before: string[];
  after: string[];
}

type Holding = { role: Role; scope: string | null };

/** Resolves `key`, `key=scope` or `product=level` against the catalog. */
export function resolveGrant(roles: Role[], text: string): RoleGrant {
  const [left = '', right] = text.split('=', 2).map((part) => part.trim());
  const products = new Set(roles.map((r) => r.product).filter(Boolean));
  if (right !== undefined && products.has(left.toLowerCase())) {
    const product = left.toLowerCase();
    const wanted = right.toLowerCase();
    const role = roles.find(
      (r) =>
        r.product === product && (r.key === wanted || r.key === `${product}-${wanted}` || r.name.toLowerCase().endsWith(wanted)),
    );
    if (!role) throw fail.notFound(`\`${right}\` is not a level of \`${product}\`.`, { field: 'roles' });
    return { role, scope: null };
  }
  const role = findRole(roles, left);
  if (role?.product) return { role, scope: null };
  return grantFor(roles, text, 'roles');
}

/** Applies changes to a set of holdings in memory: product levels replace, scopes update. */
export function applyRoleChanges(roles: Role[], holdings: Holding[], changes: RoleChanges): Holding[] {
  let next = [...holdings];
  for (const text of changes.remove) {
    const role = findRole(roles, text.split('=')[0] ?? '');
    if (!role) throw fail.notFound(`There is no role \`${text}\`.`, { field: 'roles' });
    if (!next.some((h) => h.role.id === role.id))
      throw fail.badInput(`The user does not hold \`${role.key}\`.`, { field: 'roles' });
    next = next.filter((h) => h.role.id !== role.id);
  }
  for (const text of changes.add) {
    const grant = resolveGrant(roles, text);
    next = next.filter((h) => h.role.id !== grant.role.id && !(grant.role.product && h.role.product === grant.role.product));
    next.push(grant);
  }
  return next;
}

function label(holding: Holding): string {
  return holding.scope ? `${holding.role.key}=${holding.scope}` : holding.role.key;
}

export type RoleService = ReturnType<typeof createRoleService>;

export function createRoleService(deps: {
  prisma: PrismaClient;
  accountId: string;
  audit: AuditService;
  directory: DirectoryService;
  changer: UserChanger;
}) {
  const { prisma, accountId, audit, changer } = deps;

  async function writeHoldings(tx: Prisma.TransactionClient, user: UserRecord, next: Holding[]): Promise<void> {
    await tx.userRole.deleteMany({ where: { userId: user.id } });
    if (next.length > 0) {
      await tx.userRole.createMany({ data: next.map((h) => ({ userId: user.id, roleId: h.role.id, scope: h.scope })) });
    }
    await checkGrantable(
      tx,
      accountId,
      next.map((h) => h.role.key),
      user.extraPermissions,
    );
  }

  return {
    /** `+role` / `-role` on one user. */
    async changeRoles(actor: Actor, who: UserRef, changes: RoleChanges, options: ChangeOptions = {}): Promise<UserRecord> {
      if (changes.add.length + changes.remove.length === 0)
        throw fail.badInput('Say which roles to add (+role) or remove (-role).');
      return changer.change(
        actor,
        who,
        'roles:manage',
        'user.roles-changed',
        async (tx, user) => {
          const roles = await loadRoles(tx, accountId);
          await writeHoldings(tx, user, applyRoleChanges(roles, user.roles, changes));
        },
        options,
      );
    },

    /** Replaces one user's roles (the roles modal): a general role plus one level per product. */
    async setRoles(
      actor: Actor,
      who: UserRef,
      desired: { role?: string; products?: Record<string, string> },
    ): Promise<UserRecord> {
      return changer.change(actor, who, 'roles:manage', 'user.roles-changed', async (tx, user) => {
        const roles = await loadRoles(tx, accountId);
        const next: Holding[] = [];
        if (desired.role) next.push(resolveGrant(roles, desired.role));
        for (const [product, level] of Object.entries(desired.products ?? {})) {
          if (level.toLowerCase() !== NO_ACCESS) next.push(resolveGrant(roles, `${product}=${level}`));
        }
        // Scopes the modal does not show are kept for roles the user still holds.
        for (const grant of next) grant.scope ??= user.roles.find((h) => h.role.id === grant.role.id)?.scope ?? null;
        await writeHoldings(tx, user, next);
      });
    },

    /** Ids of the users with these addresses (for approvals' staleness check). */
    async userIds(emails: string[]): Promise<string[]> {
      const users = await prisma.user.findMany({ where: { accountId, email: { in: emails } }, select: { id: true } });
      return users.map((u) => u.id);
    },

    /** The catalog's roles, highest precedence first, for forms. */
    catalogRoles(): Promise<Role[]> {
      return loadRoles(prisma, accountId);
    },

    /** What `grants Admin` means for approvals: the change adds the Admin role. */
    addsAdmin(changes: RoleChanges): boolean {
      return changes.add.some((text) => (text.split('=')[0] ?? '').trim().toLowerCase() === ADMIN_ROLE);
    },

    /** Applies a bulk change to every user or none (`dryRun` previews it, rules checked). */
    async bulk(actor: Actor, emails: string[], changes: RoleChanges, options: ChangeOptions = {}): Promise<RolePreview[]> {
      requirePermission(actor, 'roles:manage');
      if (emails.length === 0) throw fail.badInput('Pick at least one user.', { field: 'users' });
      return inTransaction(prisma, options, async (tx) => {
        await lockAccount(tx, accountId);
        const roles = await loadRoles(tx, accountId);
        const users = await tx.user.findMany({ where: { accountId, email: { in: emails } }, include: userInclude });
        const missing = emails.filter((email) => !users.some((u) => u.email === email));
        if (missing.length > 0) throw fail.notFound(`Not in the directory: ${missing.join(', ')}.`, { field: 'users' });
        const previews: RolePreview[] = [];
        for (const user of users) {
          const next = applyRoleChanges(roles, user.roles, {
            add: changes.add,
            remove: changes.remove.filter((r) => user.roles.some((h) => h.role.key === (findRole(roles, r)?.key ?? r))),
          });
          await writeHoldings(tx, user, next);
          const updated = await tx.user.update({
            where: { id: user.id },
            data: { version: { increment: 1 } },
            include: userInclude,
          });
          await audit.record(tx, actor, {
            action: 'user.roles-changed',
            target: { id: user.id, email: user.email, name: user.name },
            before: { roles: snapshot(user).roles },
            after: { roles: snapshot(updated).roles },
          });
          previews.push({ email: user.email, before: user.roles.map(label), after: next.map(label) });
        }
        await assertDirectoryRules(
          tx,
          accountId,
          users.map((u) => u.id),
        );
        return previews;
      });
    },

    /** `+perm` / `-perm`: extra permissions, kept to what the user's roles may receive. */
    async changePerms(actor: Actor, who: UserRef, changes: RoleChanges): Promise<UserRecord> {
      return changer.change(actor, who, 'roles:manage', 'user.perms-changed', async (tx, user) => {
        const removing = new Set(changes.remove.map((p) => p.trim().toLowerCase()));
        for (const perm of removing) {
          if (!user.extraPermissions.includes(perm))
            throw fail.badInput(`${user.email} has no extra permission \`${perm}\`.`, { field: 'perms' });
        }
        const kept = user.extraPermissions.filter((p) => !removing.has(p));
        const added = await checkGrantable(
          tx,
          accountId,
          user.roles.map((h) => h.role.key),
          changes.add,
        );
        await tx.user.update({ where: { id: user.id }, data: { extraPermissions: [...new Set([...kept, ...added])].sort() } });
      });
    },
  };
}
