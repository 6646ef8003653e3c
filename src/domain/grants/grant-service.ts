/**
 * Reading time-bound access for people: the account's grants in force (`/users list --temporary`), a
 * user's own grants and the requests they wait on (App Home), a grant as its notices show it, and who
 * hears of a break-glass use. Granting, extending and ending are changes (src/domain/changes/grant-changes.ts).
 */
import { findAccountWithOwner } from '../../store/accounts/account-reads';
import {
  countAccountGrantsInForce,
  findAccountGrantsInForce,
  findGrantForNotice,
  findRecentGrantsOf,
} from '../../store/grants/grant-reads';
import type { Store } from '../../store/tx';
import { findActiveRoleHolderContacts } from '../../store/users/user-reads';
import { type Actor, requirePermission } from '../access/actor';
import type { Clock } from '../clock';
import { grantAccessLabel } from '../directory/user-view';
import type { DmRecipient, GrantNotice } from '../ports';
import { ADMIN_ROLE } from '../roles/catalog';
import { grantNotice } from './grant-notice';
import { type GrantPolicy, grantRuleOf } from './grant-policy';

/** A grant in force as `/users list --temporary` shows it. */
export interface TemporaryRow {
  id: string;
  email: string;
  name: string | null;
  access: string;
  endsAt: Date;
  reason: string;
  breakGlass: boolean;
  reviewed: boolean;
}

/** One of a user's own grants, in force or ended lately, as App Home shows it. */
export interface OwnGrant {
  id: string;
  access: string;
  endsAt: Date;
  inForce: boolean;
  breakGlass: boolean;
  /** Whether Extend needs nobody's approval (the policy's self-extensions, not used up). */
  selfExtend: boolean;
}

/** How many rows `/users list --temporary` shows. */
export const TEMPORARY_LIST_LIMIT = 50;

export type GrantService = ReturnType<typeof createGrantService>;

export function createGrantService(deps: { prisma: Store; accountId: string; clock: Clock; policy: GrantPolicy }) {
  const { prisma, accountId, clock } = deps;
  return {
    /** The account's grants in force, soonest end first (needs `users:view`); `total` counts them all. */
    async inForce(actor: Actor): Promise<{ rows: TemporaryRow[]; total: number }> {
      requirePermission(actor, 'users:view');
      const now = clock.now();
      const [grants, total] = await Promise.all([
        findAccountGrantsInForce(prisma, accountId, now, TEMPORARY_LIST_LIMIT),
        countAccountGrantsInForce(prisma, accountId, now),
      ]);
      return {
        total,
        rows: grants.map((g) => ({
          id: g.id,
          email: g.user.email,
          name: g.user.name,
          access: grantAccessLabel(g),
          endsAt: g.endsAt,
          reason: g.reason,
          breakGlass: g.breakGlass,
          reviewed: g.reviewedAt !== null,
        })),
      };
    },

    /** The actor's own grants in force and those that ended in the last day. */
    async own(actor: Actor): Promise<OwnGrant[]> {
      if (!actor.userId) return [];
      const now = clock.now();
      const grants = await findRecentGrantsOf(prisma, actor.userId, now, new Date(now.getTime() - 24 * 3_600_000));
      return grants.map((g) => {
        const inForce = g.endedAt === null && g.endsAt > now;
        const rule = grantRuleOf(deps.policy, g.role?.key ?? g.permission ?? '');
        return {
          id: g.id,
          access: grantAccessLabel(g),
          endsAt: g.endedAt && g.endedAt < g.endsAt ? g.endedAt : g.endsAt,
          inForce,
          breakGlass: g.breakGlass,
          selfExtend: !g.breakGlass && g.selfExtensions < rule.selfExtensions,
        };
      });
    },

    /** The role keys the catalog lets people take by break-glass. */
    breakGlassRoles(): string[] {
      return Object.entries(deps.policy)
        .filter(([, rule]) => rule.breakGlass)
        .map(([key]) => key);
    },

    /** The grant `id` as a notice shows it, or null. */
    async notice(id: string): Promise<GrantNotice | null> {
      const grant = await findGrantForNotice(prisma, id);
      return grant && grant.accountId === accountId ? grantNotice(grant) : null;
    },

    /** Who hears of a break-glass use: the owner and every active Admin, but not `holderEmail`. */
    async breakGlassAudience(holderEmail: string): Promise<DmRecipient[]> {
      const admins = await findActiveRoleHolderContacts(prisma, accountId, ADMIN_ROLE);
      const { owner } = await findAccountWithOwner(prisma, accountId);
      if (owner?.status === 'active' && !admins.some((a) => a.email === owner.email)) {
        admins.push({ email: owner.email, slackUserId: owner.slackUserId });
      }
      return admins.filter((a) => a.email !== holderEmail);
    },
  };
}
