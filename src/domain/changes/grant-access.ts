/**
 * What the time-bound access changes share (grant-changes.ts, break-glass-changes.ts): reading what is
 * asked for against the catalog and refusing what cannot be given for a while, recording grants with their
 * trail, the end a span gives under the policy, the power a grant adds (what the approval policy judges),
 * and the grant in force a change names.
 */
import { fail } from '../../errors';
import { findGrant, type GrantWithRole } from '../../store/grants/grant-reads';
import { createGrant } from '../../store/grants/grant-writes';
import type { Role } from '../../store/records';
import type { UserRecord } from '../../store/users/user-reads';
import type { Actor } from '../access/actor';
import type { AuditEntry } from '../audit/audit-service';
import { grantAccessLabel, type UserCard } from '../directory/user-view';
import { formatWhen } from '../format-when';
import { checkSpan, endOf, type GrantSpan, spanText } from '../grants/grant-policy';
import { inForceAt, type TimedHolding } from '../grants/grants-in-force';
import { checkScopes, scopeKey } from '../partners/partners';
import { addedAdminPower } from '../roles/admin-power';
import { checkGrantable, findRole } from '../roles/resolve-access';
import { resolveGrant } from '../roles/role-grants';
import type { Applied, ChangeContext, PowerGain } from './change-handler';
import { adminPowerAt, cardOf, findUser } from './user-change';

/** One thing a grant gives: a role with its scope, or an extra permission. */
export type Access = { role: Role; scope: string | null } | { permission: string };

/** How a grant came to be. */
type Via = 'admin' | 'request' | 'break-glass';

export const keyOf = (access: Access) => ('role' in access ? access.role.key : access.permission);
export const labelOf = (access: Access) =>
  grantAccessLabel(
    'role' in access ? { role: access.role, scope: access.scope, permission: null } : { ...access, role: null, scope: null },
  );

/** Access being given, as the power a user holds reads a grant (its end does not matter there). */
const asHolding = (access: Access, now: Date): TimedHolding<Role> =>
  'role' in access
    ? { role: access.role, scope: access.scope, permission: null, endsAt: now }
    : { role: null, scope: null, permission: access.permission, endsAt: now };

/** What giving `more` to `user` adds to their admin-plane power, as the approval policy judges it. */
export function gainOf(context: ChangeContext, user: UserRecord, now: Date, more: Access[]): PowerGain[] {
  const added = addedAdminPower(
    adminPowerAt(user, context.multipleRoles, now),
    adminPowerAt(
      user,
      context.multipleRoles,
      now,
      more.map((access) => asHolding(access, now)),
    ),
  );
  return added.length > 0 ? [{ userId: user.id, email: user.email, added }] : [];
}

/** Reads `roles` and `perms` as typed against the catalog, refusing what `user` cannot be given for a while. */
export async function accessFor(context: ChangeContext, user: UserRecord, roles: string[], perms: string[]): Promise<Access[]> {
  const catalog = await context.roles();
  const now = context.clock.now();
  if (roles.length + perms.length === 0) throw fail.badInput('Say which role or permission, e.g. `admin`.', { field: 'access' });
  if (user.status !== 'active') {
    throw fail.invalidState(`${user.email} is ${user.status}; only active users can be given access for a while.`);
  }
  const grants = await checkScopes(
    context.tx,
    context.accountId,
    roles.map((text) => resolveGrant(catalog, text)),
    'roles',
  );
  const wanted: Access[] = grants.map((g) => ({ role: g.role, scope: g.scope }));
  const heldRoleKeys = [...user.roles.map((h) => h.role.key), ...grants.map((g) => g.role.key)];
  for (const permission of await checkGrantable(context.tx, context.accountId, heldRoleKeys, perms)) {
    wanted.push({ permission });
  }
  const inForce = inForceAt(user.timedGrants, now);
  for (const access of wanted) {
    const label = labelOf(access);
    const permanent =
      'role' in access
        ? user.roles.some((h) => h.role.id === access.role.id && h.scopeKey === scopeKey(access.scope))
        : user.extraPermissions.includes(access.permission);
    if (permanent) throw fail.conflict(`${user.email} already holds ${label} for good.`, { field: 'access' });
    const running = inForce.find((g) =>
      'role' in access
        ? g.roleId === access.role.id && g.scopeKey === scopeKey(access.scope)
        : g.permission === access.permission,
    );
    if (running) {
      throw fail.conflict(`${user.email} already holds ${label} until ${formatWhen(running.endsAt)}; extend that instead.`, {
        field: 'access',
      });
    }
  }
  return wanted;
}

/** Records one grant of each access to `user` until `end`, with its trail entry. */
export async function grantAll(
  context: ChangeContext,
  user: UserRecord,
  wanted: Access[],
  grant: { end: Date; reason: string; via: Via },
): Promise<{ audit: AuditEntry[]; granted: GrantResult['granted'] }> {
  const now = context.clock.now();
  const audit: AuditEntry[] = [];
  const granted: GrantResult['granted'] = [];
  for (const access of wanted) {
    const breakGlass = grant.via === 'break-glass';
    const row = await createGrant(context.tx, {
      accountId: context.accountId,
      userId: user.id,
      ...('role' in access
        ? { roleId: access.role.id, scope: access.scope, scopeKey: scopeKey(access.scope) }
        : { permission: access.permission }),
      reason: grant.reason,
      startsAt: now,
      endsAt: grant.end,
      spanMinutes: Math.max(1, Math.round((grant.end.getTime() - now.getTime()) / 60_000)),
      grantedBy: context.actor.email,
      via: grant.via,
      breakGlass,
    });
    audit.push({
      action: breakGlass ? 'grant.break-glass' : 'grant.started',
      target: { id: user.id, email: user.email, name: user.name },
      after: { access: labelOf(access), until: grant.end.toISOString(), reason: grant.reason, via: grant.via },
    });
    granted.push({ id: row.id, access: labelOf(access), endsAt: grant.end });
  }
  return { audit, granted };
}

/** The end a span gives every access in `wanted`, checked against the policy for each. */
export function endFor(context: ChangeContext, wanted: Access[], span: GrantSpan, policy = context.grantPolicy): Date {
  const now = context.clock.now();
  for (const access of wanted) checkSpan(policy, keyOf(access), labelOf(access), span, now);
  return endOf(span, now);
}

export const spanWords = (span: GrantSpan) =>
  'minutes' in span ? `for ${spanText(span.minutes)}` : `until ${formatWhen(new Date(span.until))}`;

/** What a grant change did: the holder's card. */
export interface GrantResult {
  card: UserCard;
  /** The grants made or extended: their id (once written), access label and end. */
  granted: { id?: string; access: string; endsAt: Date }[];
}

/** A grant change to one user: touched, the target of requests, its gains judged by the approval policy. */
export async function grantApplied(
  context: ChangeContext,
  user: UserRecord,
  parts: Pick<Applied<GrantResult>, 'stored' | 'summary' | 'outcome' | 'gains' | 'audit'> &
    Partial<Pick<Applied<GrantResult>, 'facts' | 'selfGrant'>> & { granted: GrantResult['granted'] },
): Promise<Applied<GrantResult>> {
  const after = await findUser(context, { id: user.id });
  const { granted, ...rest } = parts;
  return {
    result: { card: await cardOf(context, after), granted },
    touched: [user.id],
    targets: [user.id],
    facts: { users: 1 },
    ...rest,
  };
}

/** Access as asked for: role texts (a role's key or name, `key=scope`, `product=level`) apart from permission keys. */
export function splitAccess(catalog: Role[], texts: string[]): { roles: string[]; perms: string[] } {
  const products = new Set(catalog.map((r) => r.product).filter(Boolean));
  const roles: string[] = [];
  const perms: string[] = [];
  for (const text of texts) {
    const left = (text.split('=', 1)[0] ?? '').trim().toLowerCase();
    (findRole(catalog, left) || products.has(left) ? roles : perms).push(text);
  }
  return { roles, perms };
}

/** The directory user behind `actor`, who asks or acts for themselves. */
export function selfOf(context: ChangeContext, actor: Actor): Promise<UserRecord> {
  if (!actor.userId) throw fail.forbidden('Only a person in the directory can ask for access for themselves.');
  return findUser(context, { id: actor.userId });
}

/** The account's grant `id` still in force, with its holder; refused when it ended or is not there. */
export async function grantInForce(context: ChangeContext, id: string): Promise<{ grant: GrantWithRole; holder: UserRecord }> {
  const grant = await findGrant(context.tx, context.accountId, id);
  if (!grant) throw fail.notFound('That time-bound access is not in this directory.');
  if (grant.endedAt || grant.endsAt <= context.clock.now()) {
    throw fail.invalidState(
      `That access (${grantAccessLabel(grant)}) already ended at ${formatWhen(grant.endedAt ?? grant.endsAt)}.`,
    );
  }
  return { grant, holder: await findUser(context, { id: grant.userId }) };
}

export const accessOfGrant = (grant: GrantWithRole): Access =>
  grant.role ? { role: grant.role, scope: grant.scope } : { permission: grant.permission ?? '' };
