/**
 * Access that ends by itself: an Admin's time-bound grant, a user's request for themselves (always
 * decided by another approver, then granted from the approval), an extension, an early end, and
 * break-glass (taken at once where the catalog allows it, reviewed by another Admin afterwards).
 * Grants live in their own table (src/store/grants/) and count only while in force at the time of
 * each read; the directory's rules keep counting permanent holdings alone, so a time-bound Admin never
 * stands in for the account's last Admin.
 */
import { fail } from '../../errors';
import { countBreakGlassSince, findGrant, type GrantWithRole } from '../../store/grants/grant-reads';
import { createGrant, endGrantNow, extendGrant, reviewBreakGlass } from '../../store/grants/grant-writes';
import type { Role } from '../../store/records';
import type { UserRecord } from '../../store/users/user-reads';
import { type Actor, requirePermission } from '../access/actor';
import type { AuditEntry } from '../audit/audit-service';
import { DAY_MS, HOUR_MS } from '../clock';
import { grantAccessLabel, type UserCard } from '../directory/user-view';
import { formatWhen } from '../format-when';
import { BREAK_GLASS_HOURS, checkSpan, endOf, type GrantSpan, grantRuleOf, maxHoursOf, spanText } from '../grants/grant-policy';
import { withGrantsInForce } from '../grants/grants-in-force';
import { checkScopes, scopeKey } from '../partners/partners';
import { addedAdminPower, adminPowerOf } from '../roles/admin-power';
import { ADMIN_ROLE } from '../roles/catalog';
import { holdingsInForce } from '../roles/precedence';
import { checkGrantable, findRole } from '../roles/resolve-access';
import { resolveGrant } from '../roles/role-grants';
import type { Applied, ChangeContext, ChangeHandler, PowerGain } from './change-handler';
import { cardOf, findUser } from './user-change';

/** One thing a grant gives: a role with its scope, or an extra permission. */
type Access = { role: Role; scope: string | null } | { permission: string };

/** How a grant came to be. */
type Via = 'admin' | 'request' | 'break-glass';

const keyOf = (access: Access) => ('role' in access ? access.role.key : access.permission);
const labelOf = (access: Access) =>
  grantAccessLabel(
    'role' in access ? { role: access.role, scope: access.scope, permission: null } : { ...access, role: null, scope: null },
  );

/** The user's grants whose end is not recorded and that are still in force at `now`. */
const inForceOf = (user: UserRecord, now: Date) => user.timedGrants.filter((grant) => grant.endsAt > now);

/** The admin-plane power `user` holds at `now` with their grants in force and `more` besides. */
function powerAt(context: ChangeContext, user: UserRecord, now: Date, more: Access[] = []) {
  const held = withGrantsInForce({
    roles: user.roles,
    extraPermissions: user.extraPermissions,
    timedGrants: [
      ...inForceOf(user, now),
      ...more.map((a) =>
        'role' in a
          ? { role: a.role, scope: a.scope, permission: null, endsAt: now }
          : { role: null, scope: null, permission: a.permission, endsAt: now },
      ),
    ],
  });
  return adminPowerOf(
    holdingsInForce(held.roles, context.multipleRoles).effective.map((h) => h.role),
    held.extraPermissions,
  );
}

/** What giving `more` to `user` adds to their admin-plane power, as the approval policy judges it. */
function gainOf(context: ChangeContext, user: UserRecord, now: Date, more: Access[]): PowerGain[] {
  const added = addedAdminPower(powerAt(context, user, now), powerAt(context, user, now, more));
  return added.length > 0 ? [{ userId: user.id, email: user.email, added }] : [];
}

/** Reads `roles` and `perms` as typed against the catalog, refusing what `user` cannot be given for a while. */
async function accessFor(context: ChangeContext, user: UserRecord, roles: string[], perms: string[]): Promise<Access[]> {
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
  const inForce = inForceOf(user, now);
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
async function grantAll(
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
function endFor(context: ChangeContext, wanted: Access[], span: GrantSpan, policy = context.grantPolicy): Date {
  const now = context.clock.now();
  for (const access of wanted) checkSpan(policy, keyOf(access), labelOf(access), span, now);
  return endOf(span, now);
}

const spanWords = (span: GrantSpan) =>
  'minutes' in span ? `for ${spanText(span.minutes)}` : `until ${formatWhen(new Date(span.until))}`;

/** What a grant change did: the holder's card. */
export interface GrantResult {
  card: UserCard;
  /** The grants made or extended: their id (once written), access label and end. */
  granted: { id?: string; access: string; endsAt: Date }[];
}

/** A grant change to one user: touched, the target of requests, its gains judged by the approval policy. */
async function grantApplied(
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

/** `/users roles ann@x.com +admin --for 4h --reason "…"`: an Admin gives roles or extra permissions for a while. */
export const grantTimed: ChangeHandler<'grant-timed', GrantResult> = {
  permissions: () => ['roles:manage'],
  async apply(context, change) {
    const user = await findUser(context, change.user);
    const wanted = await accessFor(context, user, change.roles, change.perms);
    const end = endFor(context, wanted, change.span);
    const gains = gainOf(context, user, context.clock.now(), wanted);
    const { audit, granted } = await grantAll(context, user, wanted, { end, reason: change.reason, via: 'admin' });
    const labels = wanted.map(labelOf).join(', ');
    return grantApplied(context, user, {
      stored: { ...change, user: { id: user.id } },
      summary: `Give ${user.email} ${labels} ${spanWords(change.span)}. Reason: ${change.reason}`,
      outcome: `${user.email} holds ${labels} until ${formatWhen(end)}.`,
      gains,
      audit,
      granted,
    });
  },
};

/** Access as asked for: role texts (a role's key or name, `key=scope`, `product=level`) apart from permission keys. */
function splitAccess(catalog: Role[], texts: string[]): { roles: string[]; perms: string[] } {
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
function selfOf(context: ChangeContext, actor: Actor): Promise<UserRecord> {
  if (!actor.userId) throw fail.forbidden('Only a person in the directory can ask for access for themselves.');
  return findUser(context, { id: actor.userId });
}

/**
 * `/users request admin --for 2h --reason "…"`: always waits for another approver (the policy's
 * `access-request` action, or more when it grants admin powers), then is granted from the approval for
 * the span asked, starting then.
 */
export const accessRequest: ChangeHandler<'access-request', GrantResult> = {
  permissions: () => [],
  async apply(context, change) {
    const user = await selfOf(context, context.actor);
    const { roles, perms } = splitAccess(await context.roles(), change.access);
    const wanted = await accessFor(context, user, roles, perms);
    const end = endFor(context, wanted, change.span);
    const gains = gainOf(context, user, context.clock.now(), wanted);
    const { audit, granted } = await grantAll(context, user, wanted, { end, reason: change.reason, via: 'request' });
    const labels = wanted.map(labelOf).join(', ');
    return grantApplied(context, user, {
      stored: change,
      summary: `${user.email} asks for ${labels} ${spanWords(change.span)}. Reason: ${change.reason}`,
      outcome: `${user.email} holds ${labels} until ${formatWhen(end)}.`,
      gains,
      audit,
      facts: { users: 1, request: true },
      selfGrant: true,
      granted,
    });
  },
};

/** The account's grant `id` still in force, with its holder; refused when it ended or is not there. */
async function grantInForce(context: ChangeContext, id: string): Promise<{ grant: GrantWithRole; holder: UserRecord }> {
  const grant = await findGrant(context.tx, context.accountId, id);
  if (!grant) throw fail.notFound('That time-bound access is not in this directory.');
  if (grant.endedAt || grant.endsAt <= context.clock.now()) {
    throw fail.invalidState(
      `That access (${grantAccessLabel(grant)}) already ended at ${formatWhen(grant.endedAt ?? grant.endsAt)}.`,
    );
  }
  return { grant, holder: await findUser(context, { id: grant.userId }) };
}

const accessOfGrant = (grant: GrantWithRole): Access =>
  grant.role ? { role: grant.role, scope: grant.scope } : { permission: grant.permission ?? '' };

/**
 * Extend: by the holder, a request approved as a new one would be, unless the policy lets them extend
 * it themselves (`selfExtensions`, never for break-glass) and they have not used that up; by someone
 * else, an Admin's grant (`roles:manage`), judged by the approval policy as granting what the grant
 * gives. The new end is the old one moved by the span (by default as long again as the grant was given
 * for), or the moment asked, after the old end.
 */
export const grantExtend: ChangeHandler<'grant-extend', GrantResult> = {
  permissions: () => [],
  async apply(context, change) {
    const { actor } = context;
    const { grant, holder } = await grantInForce(context, change.grant);
    const access = accessOfGrant(grant);
    const label = labelOf(access);
    const own = actor.userId === holder.id;
    if (!own) requirePermission(actor, 'roles:manage');
    const rule = grantRuleOf(context.grantPolicy, keyOf(access));
    const approved = actor.source === 'approval';
    // Break-glass is extended only by an approver's decision: its holder's Extend is a request.
    const selfExtension = own && !approved && !grant.breakGlass && grant.selfExtensions < rule.selfExtensions;
    const now = context.clock.now();
    const most = maxHoursOf(context.grantPolicy, keyOf(access));
    // Without a span: as long again as it was given for (at most what the policy allows one grant).
    const span = change.span ?? { minutes: Math.min(grant.spanMinutes, most * 60) };
    const end = 'minutes' in span ? new Date(grant.endsAt.getTime() + span.minutes * 60_000) : new Date(span.until);
    if (end <= grant.endsAt) {
      throw fail.badInput(`The new end must be after the current one, ${formatWhen(grant.endsAt)}.`, { field: 'until' });
    }
    if (end.getTime() - grant.endsAt.getTime() > most * HOUR_MS + 60_000) {
      throw fail.badInput(`An extension of ${label} may add at most ${spanText(most * 60)}; ask for less.`, { field: 'for' });
    }
    if (!(await extendGrant(context.tx, grant.id, { now, endsAt: end, selfExtension }))) {
      throw fail.invalidState(`That access (${label}) ended meanwhile.`);
    }
    const reason = change.reason?.trim() || grant.reason;
    const without = { ...holder, timedGrants: holder.timedGrants.filter((g) => g.id !== grant.id) };
    return grantApplied(context, holder, {
      stored: change,
      summary: `${own ? `${holder.email} asks to keep` : `Extend ${holder.email}'s`} ${label} until ${formatWhen(end)} (now until ${formatWhen(grant.endsAt)}). Reason: ${reason}`,
      outcome: `${holder.email} holds ${label} until ${formatWhen(end)}.`,
      // What the holder keeps past the old end is judged as a new grant of it (as a new request for it would
      // be), unless the policy lets them extend it themselves.
      gains: own && selfExtension ? [] : gainOf(context, without, now, [access]),
      audit: [
        {
          action: 'grant.extended',
          target: { id: holder.id, email: holder.email, name: holder.name },
          before: { access: label, until: grant.endsAt.toISOString() },
          after: { access: label, until: end.toISOString(), reason, ...(selfExtension ? { selfExtension: true } : {}) },
        },
      ],
      facts: { users: 1, request: own && !approved && !selfExtension },
      selfGrant: own,
      granted: [{ id: grant.id, access: label, endsAt: end }],
    });
  },
};

/** End now: the holder gives the access up, or someone with `roles:manage` takes it away; it stops counting at once. */
export const grantEnd: ChangeHandler<'grant-end', GrantResult> = {
  permissions: () => [],
  async apply(context, change) {
    const { actor } = context;
    const { grant, holder } = await grantInForce(context, change.grant);
    const own = actor.userId === holder.id;
    if (!own) requirePermission(actor, 'roles:manage');
    const now = context.clock.now();
    const label = grantAccessLabel(grant);
    const reason = own ? 'ended' : 'revoked';
    if (!(await endGrantNow(context.tx, grant.id, { now, reason, by: actor.email }))) {
      throw fail.invalidState(`That access (${label}) ended meanwhile.`);
    }
    if (!own) await context.outbox.queue(context.tx, [{ rule: 'grant-ended', subjectId: grant.id }]);
    return grantApplied(context, holder, {
      stored: change,
      summary: `End ${holder.email}'s ${label} now.`,
      outcome: `${holder.email} no longer holds ${label}.`,
      gains: [],
      audit: [
        {
          action: 'grant.ended',
          target: { id: holder.id, email: holder.email, name: holder.name },
          before: { access: label, until: grant.endsAt.toISOString() },
          after: {
            access: label,
            ended: now.toISOString(),
            endReason: reason,
            ...(change.reason ? { reason: change.reason } : {}),
          },
        },
      ],
      granted: [],
    });
  },
};

/** The window over which the policy's `breakGlassPer30Days` counts a person's uses. */
const BREAK_GLASS_WINDOW_MS = 30 * DAY_MS;

/**
 * `/users request admin --for 1h --break-glass --reason "…"`: where the catalog allows break-glass for
 * the role, the actor holds it at once, within the policy's cap of uses per 30 days; the listener makes it
 * loud (the approvals channel, the owner and every Admin), and an Admin who is not the holder reviews it.
 */
export const breakGlass: ChangeHandler<'break-glass', GrantResult> = {
  permissions: () => [],
  async apply(context, change) {
    const user = await selfOf(context, context.actor);
    const catalog = await context.roles();
    const role = resolveGrant(catalog, change.role).role;
    const rule = grantRuleOf(context.grantPolicy, role.key);
    if (!rule.breakGlass) {
      throw fail.forbidden(
        `Break-glass is not allowed for ${role.name} here. Ask for it with \`/users request ${role.key} --for 1h --reason "…"\`; an approver decides.`,
        { field: 'role' },
      );
    }
    if (role.scoped)
      throw fail.badInput(`${role.name} needs a partner; break-glass is for roles without one.`, { field: 'role' });
    const now = context.clock.now();
    const used = await countBreakGlassSince(context.tx, user.id, role.id, new Date(now.getTime() - BREAK_GLASS_WINDOW_MS));
    if (used >= rule.breakGlassPer30Days) {
      throw fail.forbidden(
        `You used break-glass for ${role.name} ${used} times in the last 30 days, the most the policy allows. Ask with \`/users request ${role.key}\`.`,
      );
    }
    const wanted = await accessFor(context, user, [role.key], []);
    // Break-glass lasts what the policy says, or BREAK_GLASS_HOURS where it says nothing (never a year).
    const end = endFor(context, wanted, change.span, { [role.key]: { ...rule, maxHours: rule.maxHours ?? BREAK_GLASS_HOURS } });
    const { audit, granted } = await grantAll(context, user, wanted, { end, reason: change.reason, via: 'break-glass' });
    // Loud, and surely so: the notice is queued with the grant, sent at once by the listener, else by the next pass.
    await context.outbox.queue(
      context.tx,
      granted.flatMap((g) => (g.id ? [{ rule: 'break-glass-used', subjectId: g.id }] : [])),
    );
    return grantApplied(context, user, {
      stored: change,
      summary: `${user.email} takes ${role.name} by break-glass ${spanWords(change.span)}. Reason: ${change.reason}`,
      outcome: `${user.email} holds ${role.name} by break-glass until ${formatWhen(end)}.`,
      gains: gainOf(context, user, now, wanted),
      audit,
      selfGrant: true,
      granted,
    });
  },
};

/** What reviewing a break-glass use came to. */
export interface BreakGlassReviewResult {
  holderEmail: string;
  access: string;
  decision: 'acknowledge' | 'revoke';
  /** Whether the access was still in force and was ended now (Revoke). */
  ended: boolean;
}

/** Acknowledge or Revoke, by an Admin who is not the holder; once (a second click finds it reviewed). */
export const breakGlassReview: ChangeHandler<'break-glass-review', BreakGlassReviewResult> = {
  permissions: () => [],
  async apply(context, change) {
    const { actor, tx } = context;
    const grant = await findGrant(tx, context.accountId, change.grant);
    if (!grant?.breakGlass) throw fail.notFound('That break-glass use is not in this directory.');
    if (actor.userId === grant.userId) throw fail.forbidden('Another Admin reviews your break-glass access, not you.');
    // An Admin for good: one who holds Admin only for a while (by break-glass, say) does not review another's use.
    const reviewer = actor.userId ? await findUser(context, { id: actor.userId }) : null;
    if (!reviewer?.roles.some((h) => h.role.key === ADMIN_ROLE)) {
      throw fail.forbidden('Only an Admin (for good, not for a while) reviews break-glass access.');
    }
    const holder = await findUser(context, { id: grant.userId });
    const now = context.clock.now();
    const outcome = change.decision === 'acknowledge' ? 'acknowledged' : 'revoked';
    if (!(await reviewBreakGlass(tx, grant.id, { now, by: actor.email, outcome }))) {
      throw fail.conflict(`${grant.reviewedBy ?? 'Another Admin'} already reviewed that break-glass use.`);
    }
    const label = grantAccessLabel(grant);
    const ended = change.decision === 'revoke' && (await endGrantNow(tx, grant.id, { now, reason: 'revoked', by: actor.email }));
    if (ended) await context.outbox.queue(tx, [{ rule: 'grant-ended', subjectId: grant.id }]);
    const target = { id: holder.id, email: holder.email, name: holder.name };
    return {
      result: { holderEmail: holder.email, access: label, decision: change.decision, ended },
      stored: change,
      summary: `Review ${holder.email}'s break-glass ${label}: ${outcome}.`,
      outcome: `${holder.email}'s break-glass ${label} was ${outcome}${ended ? ' and ended now' : ''}.`,
      touched: ended ? [holder.id] : [],
      targets: [holder.id],
      gains: [],
      facts: { users: 1 },
      audit: [
        {
          action: 'grant.break-glass-reviewed',
          target,
          after: { access: label, outcome, ...(change.note ? { note: change.note } : {}) },
        },
        ...(ended
          ? [{ action: 'grant.ended', target, after: { access: label, ended: now.toISOString(), endReason: 'revoked' } }]
          : []),
      ],
    };
  },
};
