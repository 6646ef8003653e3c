/**
 * Groups matching a SCIM filter (`GET /Groups?filter=…`), paged in the database. The SCIM edge
 * parses and checks the filter (src/scim/scim-filter.ts); this is its translation into a `where`.
 */
import type { Prisma } from '../generated/client';
import type { Group } from '../records';
import type { Db } from '../tx';
import { type CommonTerm, commonWhere, type FilterOf, filterWhere } from './scim-filter-terms';

/** The group fields a SCIM filter compares as text: `displayName` and `id`. */
export type ScimGroupTextField = 'name' | 'id';

/**
 * One term of a group filter: also whether a group has members, and whether a user is one (All
 * Users has every user of the account, without membership rows).
 */
export type ScimGroupTerm = CommonTerm<ScimGroupTextField> | { kind: 'has-members' } | { kind: 'member'; userId: string };

/** A parsed SCIM filter on Groups. */
export type ScimGroupFilter = FilterOf<ScimGroupTerm>;

function termWhere(term: ScimGroupTerm): Prisma.GroupWhereInput {
  switch (term.kind) {
    case 'has-members':
      return { OR: [{ members: { some: {} } }, { kind: 'all_users' }] };
    case 'member':
      return {
        OR: [
          { members: { some: { userId: term.userId } } },
          { kind: 'all_users', account: { users: { some: { id: term.userId } } } },
        ],
      };
    default:
      return commonWhere(term) as Prisma.GroupWhereInput;
  }
}

/** A page of the account's groups matching `filter` (every group when null), oldest first, and how many match in all. */
export async function listGroupsMatching(
  db: Db,
  accountId: string,
  filter: ScimGroupFilter | null,
  skip: number,
  take: number,
): Promise<{ total: number; groups: Group[] }> {
  const where: Prisma.GroupWhereInput = filter ? filterWhere(filter, termWhere) : {};
  const scoped: Prisma.GroupWhereInput = { AND: [{ accountId }, where] };
  const [total, groups] = await Promise.all([
    db.group.count({ where: scoped }),
    take > 0 ? db.group.findMany({ where: scoped, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }], skip, take }) : [],
  ]);
  return { total, groups };
}
