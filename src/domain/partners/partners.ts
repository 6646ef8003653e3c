/**
 * The account's partners: the values a scoped role's scope may take. A scope must name a partner
 * (case-insensitively; the partner's own spelling is kept), and a user holds a scoped role with
 * several scopes only besides a general role that is not scoped (a Normal user over several partners;
 * a Partner user sees one).
 */
import { fail } from '../../errors';
import { countScopedHoldings, findPartnersByKeys, listPartners } from '../../store/partners/partner-list';
import type { Db, Store } from '../../store/tx';
import { type Actor, requirePermission } from '../access/actor';
import type { RoleGrant } from '../roles/resolve-access';

/** How a partner name is compared: trimmed and lower-cased. */
export function partnerKey(name: string): string {
  return name.trim().toLowerCase();
}

/** The key a holding is stored under: its scope lower-cased, '' without one. */
export function scopeKey(scope: string | null): string {
  return scope ? partnerKey(scope) : '';
}

/** Checks the scopes of `grants` against the account's partners and returns them in the partners' spelling. */
export async function checkScopes<G extends RoleGrant>(db: Db, accountId: string, grants: G[], field = 'partners'): Promise<G[]> {
  const scoped = grants.filter((grant) => grant.scope);
  if (scoped.length === 0) return grants;
  const partners = await findPartnersByKeys(
    db,
    accountId,
    scoped.map((g) => partnerKey(g.scope as string)),
  );
  const checked = grants.map((grant) => {
    if (!grant.scope) return grant;
    const partner = partners.find((p) => p.nameKey === partnerKey(grant.scope as string));
    if (!partner) {
      throw fail.notFound(
        `There is no partner \`${grant.scope}\`. An Admin adds it with \`/users partner add ${grant.scope}\`; see \`/users partner list\`.`,
        { field },
      );
    }
    return { ...grant, scope: partner.name };
  });
  const unique = checked.filter(
    (grant, i) => checked.findIndex((g) => g.role.id === grant.role.id && scopeKey(g.scope) === scopeKey(grant.scope)) === i,
  );
  const general = unique.some((g) => !g.role.product && !g.role.scoped);
  for (const grant of unique) {
    const scopes = unique.filter((g) => g.role.id === grant.role.id);
    if (scopes.length > 1 && !general) {
      throw fail.badInput(
        `\`${grant.role.key}\` is limited to one partner (${scopes.map((g) => g.scope).join(', ')} given); give a general role as well to cover several.`,
        { field },
      );
    }
  }
  return unique;
}

export type PartnerService = ReturnType<typeof createPartnerService>;

/** Reads the account's partners (adding one is a change: src/domain/changes/partner-changes.ts). */
export function createPartnerService(deps: { prisma: Store; accountId: string }) {
  const { prisma, accountId } = deps;
  return {
    /** The partners by name, with how many users hold a scope of each. */
    async list(actor: Actor): Promise<{ name: string; holders: number }[]> {
      requirePermission(actor, 'users:view');
      const [partners, holdings] = await Promise.all([listPartners(prisma, accountId), countScopedHoldings(prisma, accountId)]);
      return partners.map((p) => ({
        name: p.name,
        holders: holdings.find((h) => h.scopeKey === p.nameKey)?.holders ?? 0,
      }));
    },
  };
}
