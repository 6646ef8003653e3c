/**
 * Access that ends by itself: an Admin's time-bound grant, a user's request for themselves (always
 * decided by another approver, then granted from the approval), an extension and an early end. Grants
 * live in their own table (src/store/grants/) and count only while in force at the time of each read; the
 * directory's rules keep counting permanent holdings alone, so a time-bound Admin never stands in for the
 * account's last Admin. Break-glass is in break-glass-changes.ts; what they share, in grant-access.ts.
 */
import { fail } from '../../errors';
import { endGrantNow, extendGrant } from '../../store/grants/grant-writes';
import { requirePermission } from '../access/actor';
import { HOUR_MS } from '../clock';
import { grantAccessLabel } from '../directory/user-view';
import { formatWhen } from '../format-when';
import { grantRuleOf, maxHoursOf, spanText } from '../grants/grant-policy';
import type { ChangeHandler } from './change-handler';
import {
  accessFor,
  accessOfGrant,
  endFor,
  type GrantResult,
  gainOf,
  grantAll,
  grantApplied,
  grantInForce,
  keyOf,
  labelOf,
  selfOf,
  spanWords,
  splitAccess,
} from './grant-access';
import { findUser } from './user-change';

export type { GrantResult } from './grant-access';

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
