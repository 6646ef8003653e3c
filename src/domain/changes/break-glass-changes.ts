/**
 * Break-glass: where the catalog allows it for a role, someone takes it for themselves at once, within the
 * policy's cap of uses; it is loud (its notice is queued with it) and an Admin for good who is not the
 * holder reviews it afterwards, acknowledging it or revoking it.
 */
import { fail } from '../../errors';
import { countBreakGlassSince, findGrant } from '../../store/grants/grant-reads';
import { endGrantNow, reviewBreakGlass } from '../../store/grants/grant-writes';
import { DAY_MS } from '../clock';
import { grantAccessLabel } from '../directory/user-view';
import { formatWhen } from '../format-when';
import { BREAK_GLASS_HOURS, grantRuleOf } from '../grants/grant-policy';
import { ADMIN_ROLE } from '../roles/catalog';
import { resolveGrant } from '../roles/role-grants';
import type { ChangeHandler } from './change-handler';
import { accessFor, endFor, type GrantResult, gainOf, grantAll, grantApplied, selfOf, spanWords } from './grant-access';
import { findUser } from './user-change';

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
