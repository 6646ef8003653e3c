/**
 * Provisioned users matching a SCIM filter (`GET /Users?filter=…`), paged in the database. The SCIM
 * edge parses and checks the filter (src/scim/scim-filter.ts); this is its translation into a `where`.
 */
import type { Prisma } from '../generated/client';
import type { Db } from '../tx';
import { type UserRecord, userInclude } from '../users/user-reads';
import { type CommonTerm, commonWhere, type FilterOf, filterWhere } from './scim-filter-terms';

/** The user fields a SCIM filter compares as text: `userName`/`emails`, `displayName`, `externalId`, `id`. */
export type ScimUserTextField = 'email' | 'name' | 'externalId' | 'id';

/** One term of a user filter: also none at all, and whether the user is active. */
export type ScimUserTerm = CommonTerm<ScimUserTextField> | { kind: 'none' } | { kind: 'active'; active: boolean };

/** A parsed SCIM filter on Users. */
export type ScimUserFilter = FilterOf<ScimUserTerm>;

const NONE: Prisma.UserWhereInput = { id: { in: [] } };

function termWhere(term: ScimUserTerm): Prisma.UserWhereInput {
  switch (term.kind) {
    case 'none':
      return NONE;
    case 'active':
      return term.active ? { status: 'active' } : { status: { not: 'active' } };
    default:
      return commonWhere(term) as Prisma.UserWhereInput;
  }
}

/** A page of the account's users matching `filter` (every user when null), oldest first, and how many match in all. */
export async function listUsersMatching(
  db: Db,
  accountId: string,
  filter: ScimUserFilter | null,
  skip: number,
  take: number,
): Promise<{ total: number; users: UserRecord[] }> {
  const where: Prisma.UserWhereInput = filter ? filterWhere(filter, termWhere) : {};
  const scoped: Prisma.UserWhereInput = { AND: [{ accountId }, where] };
  const [total, users] = await Promise.all([
    db.user.count({ where: scoped }),
    take > 0
      ? db.user.findMany({
          where: scoped,
          include: userInclude,
          orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
          skip,
          take,
        })
      : Promise.resolve([]),
  ]);
  return { total, users };
}
