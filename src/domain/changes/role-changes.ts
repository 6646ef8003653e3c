/**
 * Role and extra-permission changes: `+role`/`-role` on one user, the roles modal's replacement,
 * a bulk change over many users, and `+perm`/`-perm` kept to the catalog's `grantableTo`.
 */
import { fail } from '../../errors';
import { findUserRecordsByEmails, getUserRecord, type UserRecord } from '../../store/users/user-reads';
import { addUserRoles, type HoldingRow, replaceUserRoles, setExtraPermissions } from '../../store/users/user-writes';
import { describeFilter } from '../directory/directory-service';
import { checkScopes, scopeKey } from '../partners/partners';
import { checkGrantable, findRole } from '../roles/resolve-access';
import { applyRoleChanges, desiredHoldings, type Holding, holdingLabel } from '../roles/role-grants';
import type { ChangeContext, ChangeHandler } from './change-handler';
import { NONE_SKIPPED, type Skipped, skippedText, stillMatching } from './filter-targets';
import { type GivenBy, refusePermanentTimeBound } from './time-bound-only';
import { changeOneUser, diff, powerGain, roleLabels, snapshot } from './user-change';

/** One user's roles before and after a (bulk) change, for the review step. */
export interface RolePreview {
  email: string;
  before: string[];
  after: string[];
}

/** A role as written for a user: the row, and the role it names. */
export type HeldRow = HoldingRow & { role: Holding['role'] };

/** Replaces what `user` holds with `wanted`, checking scopes and what the roles may be granted; the rows as written. */
export async function writeHoldings(
  context: ChangeContext,
  user: Pick<UserRecord, 'id' | 'extraPermissions'> & { roles: HoldingRow[] },
  wanted: Holding[],
  givenBy: GivenBy = 'roles',
): Promise<HeldRow[]> {
  const rows = await heldRows(context, wanted, user.extraPermissions);
  const added = rows.filter((row) => !user.roles.some((h) => h.roleId === row.roleId && h.scopeKey === row.scopeKey));
  await refusePermanentTimeBound(
    context,
    user.id,
    added.map((row) => row.role),
    givenBy,
  );
  const { tx } = context;
  // `user` was read in this transaction, under the account lock: what it holds is what the store holds.
  const same = (a: HoldingRow[], b: HoldingRow[]) =>
    a.length === b.length &&
    a.every((h, i) => h.roleId === b[i]?.roleId && h.scope === b[i]?.scope && h.scopeKey === b[i]?.scopeKey);
  if (user.roles.length === 0) {
    await addUserRoles(tx, user.id, rows);
  } else if (!same(user.roles, rows)) {
    await replaceUserRoles(tx, user.id, rows);
  }
  return rows;
}

/**
 * The rows that holding `wanted` takes, checked: every scope names a partner, and the extra
 * permissions `extraPermissions` still go with the roles (see `writeHoldings`, which writes them).
 */
export async function heldRows(context: ChangeContext, wanted: Holding[], extraPermissions: string[]): Promise<HeldRow[]> {
  const { tx, accountId } = context;
  const next = await checkScopes(tx, accountId, wanted, 'roles');
  await checkGrantable(
    tx,
    accountId,
    next.map((h) => h.role.key),
    extraPermissions,
    { held: true },
  );
  return next.map((h) => ({ roleId: h.role.id, scope: h.scope, scopeKey: scopeKey(h.scope), role: h.role }));
}

const rolesSummary = (before: UserRecord, after: UserRecord) =>
  `Roles of ${after.email}: ${roleLabels(before).join(', ')} → ${roleLabels(after).join(', ')}.`;

/** `+role` / `-role` on one user. */
export const changeRoles: ChangeHandler<'change-roles', Awaited<ReturnType<typeof changeOneUser>>['result']> = {
  permissions: () => ['roles:manage'],
  async apply(context, change) {
    if (change.add.length + change.remove.length === 0) throw fail.badInput('Say which roles to add or remove.');
    return changeOneUser(context, change.user, {
      action: 'user.roles-changed',
      async mutate(user) {
        const roles = await context.roles();
        await writeHoldings(context, user, applyRoleChanges(roles, user.roles, change));
      },
      stored: (id) => ({ ...change, user: { id } }),
      summary: rolesSummary,
      outcome: (after) => `Roles of ${after.email} are now ${roleLabels(after).join(', ')}.`,
    });
  },
};

/** Replaces one user's roles (the roles modal): a general role plus one level per product. */
export const setRoles: ChangeHandler<'set-roles', Awaited<ReturnType<typeof changeOneUser>>['result']> = {
  permissions: () => ['roles:manage'],
  async apply(context, change) {
    return changeOneUser(context, change.user, {
      action: 'user.roles-changed',
      async mutate(user) {
        const roles = await context.roles();
        await writeHoldings(context, user, desiredHoldings(roles, user.roles, change));
      },
      stored: (id) => ({ ...change, user: { id } }),
      summary: rolesSummary,
      outcome: (after) => `Roles of ${after.email} are now ${roleLabels(after).join(', ')}.`,
    });
  },
};

/** `+perm` / `-perm`: extra permissions, kept to what the user's roles may receive. */
export const changePerms: ChangeHandler<'perms', Awaited<ReturnType<typeof changeOneUser>>['result']> = {
  permissions: () => ['roles:manage'],
  async apply(context, change) {
    return changeOneUser(context, change.user, {
      action: 'user.perms-changed',
      async mutate(user) {
        const removing = new Set(change.remove.map((p) => p.trim().toLowerCase()));
        for (const perm of removing) {
          if (!user.extraPermissions.includes(perm))
            throw fail.badInput(`${user.email} has no extra permission \`${perm}\`.`, { field: 'perms' });
        }
        const kept = user.extraPermissions.filter((p) => !removing.has(p));
        const added = await checkGrantable(
          context.tx,
          context.accountId,
          user.roles.map((h) => h.role.key),
          change.add,
        );
        await setExtraPermissions(context.tx, user.id, [...new Set([...kept, ...added])].sort());
      },
      stored: (id) => ({ ...change, user: { id } }),
      summary: (before, after) =>
        `Extra permissions of ${after.email}: ${before.extraPermissions.join(', ') || 'none'} → ${after.extraPermissions.join(', ') || 'none'}.`,
      outcome: (after) => `Extra permissions of ${after.email}: ${after.extraPermissions.join(', ') || 'none'}.`,
    });
  },
};

/** What a bulk role change did (or would do): each user's roles before and after, and who was skipped. */
export interface BulkRolesResult {
  previews: RolePreview[];
  skipped: Skipped;
}

/**
 * The same `+role` / `-role` on many users, all or none; removing a role someone lacks skips them.
 * Users are named by address, or (on a filter) by the ids listed at review time that still match.
 */
export const bulkRoles: ChangeHandler<'bulk-roles', BulkRolesResult> = {
  permissions: () => ['roles:manage'],
  async apply(context, change) {
    const { tx, accountId } = context;
    const emails = [...new Set(change.emails.map((e) => e.trim().toLowerCase()).filter(Boolean))];
    const roles = await context.roles();
    let users: UserRecord[];
    let skipped = NONE_SKIPPED;
    if (change.filter) {
      ({ users, skipped } = await stillMatching(context, change.userIds ?? [], change.filter));
      if (users.length === 0) {
        throw fail.invalidState(`Nobody listed still matches ${describeFilter(change.filter)}; nothing was changed.`);
      }
    } else {
      if (emails.length === 0) throw fail.badInput('Pick at least one user.', { field: 'users' });
      users = await findUserRecordsByEmails(tx, accountId, emails);
      const missing = emails.filter((email) => !users.some((u) => u.email === email));
      if (missing.length > 0) throw fail.notFound(`Not in the directory: ${missing.join(', ')}.`, { field: 'users' });
    }
    const previews: RolePreview[] = [];
    const applied = { audit: [] as ReturnType<typeof auditOf>[], gains: [] as ReturnType<typeof powerGain> };
    for (const user of users) {
      const next = applyRoleChanges(roles, user.roles, {
        add: change.add,
        remove: change.remove.filter((r) => user.roles.some((h) => h.role.key === (findRole(roles, r)?.key ?? r))),
      });
      await writeHoldings(context, user, next);
      const after: UserRecord = await getUserRecord(tx, user.id);
      applied.audit.push(auditOf(user, after));
      applied.gains.push(...powerGain(user, after, context.multipleRoles));
      previews.push({ email: user.email, before: user.roles.map(holdingLabel), after: next.map(holdingLabel) });
    }
    const changed = previews.filter((p) => p.before.join() !== p.after.join());
    const lines = changed.slice(0, 20).map((p) => `${p.email}: ${p.before.join(', ')} → ${p.after.join(', ')}`);
    const more = changed.length > 20 ? `\n…and ${changed.length - 20} more` : '';
    const ids = users.map((u) => u.id);
    const on = change.filter ? ` (everyone matching ${describeFilter(change.filter)})` : '';
    const skippedNote = skippedText(skipped);
    return {
      result: { previews, skipped },
      stored: change.filter ? { ...change, emails: [], userIds: ids } : { ...change, emails },
      summary: `Roles of ${changed.length} user${changed.length === 1 ? '' : 's'}${on} change:\n${lines.join('\n')}${more}`,
      outcome: `Roles of ${changed.length} user${changed.length === 1 ? '' : 's'} changed.${skippedNote ? ` ${skippedNote}` : ''}`,
      touched: ids,
      targets: ids,
      gains: applied.gains,
      facts: { users: users.length },
      audit: applied.audit,
    };
  },
};

function auditOf(before: UserRecord, after: UserRecord) {
  return {
    action: 'user.roles-changed',
    target: { id: before.id, email: before.email, name: before.name },
    ...diff({ roles: snapshot(before).roles }, { roles: snapshot(after).roles }),
  };
}
