/**
 * Groups matching a SCIM filter (`GET /Groups?filter=…&sortBy=…`), sorted and paged in the database.
 * The SCIM edge parses and checks the filter (src/scim/scim-filter.ts); this is its translation into
 * SQL: one query for the page's ids (and how many match), then the page's groups by id.
 */
import type { Group } from '../records';
import type { Db } from '../tx';
import {
  type Column,
  type CommonTerm,
  commonSql,
  type ElementTerm,
  type FilterOf,
  filterSql,
  inOrder,
  orderSql,
  pageOfIds,
  type SortOf,
  type Sql,
  sql,
  TRUE,
} from './scim-filter-terms';

/** The group fields a SCIM filter compares as text: `displayName`, `id` and `externalId`. */
export type ScimGroupTextField = 'name' | 'id' | 'externalId';

/**
 * One term of a group filter: also one of its members matching a filter of its own, by id
 * (`members.value`) or e-mail (`members.display`), so that `members[value eq "…" and display co "…"]`
 * asks both of the same member (All Users has every user of the account, without membership rows).
 */
export type ScimGroupTerm =
  | CommonTerm<ScimGroupTextField>
  | { kind: 'member'; filter: FilterOf<ElementTerm<'value' | 'display'>> };

/** A parsed SCIM filter on Groups. */
export type ScimGroupFilter = FilterOf<ScimGroupTerm>;

/** What groups sort by. */
export type ScimGroupSortField = 'name' | 'externalId' | 'id' | 'createdAt' | 'updatedAt';

/** A sort of Groups. */
export type ScimGroupSort = SortOf<ScimGroupSortField>;

function columnOf(field: ScimGroupTextField): Column {
  switch (field) {
    case 'name':
      return { sql: sql`g."name"`, nullable: false, compare: 'insensitive' };
    case 'id':
      return { sql: sql`g."id"`, nullable: false, compare: 'exact' };
    case 'externalId':
      return { sql: sql`g."externalId"`, nullable: true, compare: 'exact' };
  }
}

const dateOf = (field: 'createdAt' | 'updatedAt') => (field === 'createdAt' ? sql`g."createdAt"` : sql`g."updatedAt"`);

/** A member of the group matching `filter`: a membership row, or any user of the account for All Users. */
function memberSql(filter: FilterOf<ElementTerm<'value' | 'display'>>): Sql {
  const cmp = filterSql(filter, (t) =>
    commonSql(t, (field) =>
      field === 'value'
        ? { sql: sql`mu."id"`, nullable: false, compare: 'exact' }
        : { sql: sql`mu."email"`, nullable: false, compare: 'lowered' },
    ),
  );
  return sql`(EXISTS (SELECT 1 FROM "GroupMembership" m JOIN "User" mu ON mu."id" = m."userId" WHERE m."groupId" = g."id" AND ${cmp})
    OR (g."kind" = 'all_users' AND EXISTS (SELECT 1 FROM "User" mu WHERE mu."accountId" = g."accountId" AND ${cmp})))`;
}

function termSql(term: ScimGroupTerm): Sql {
  return term.kind === 'member' ? memberSql(term.filter) : commonSql(term, columnOf, dateOf);
}

function sortKey(field: ScimGroupSortField): Sql {
  switch (field) {
    case 'name':
      return sql`lower(g."name")`;
    case 'externalId':
      return sql`g."externalId"`;
    case 'id':
      return sql`g."id"`;
    case 'createdAt':
    case 'updatedAt':
      return dateOf(field);
  }
}

/**
 * A page of the account's groups matching `filter` (every group when null), in the order `sort`
 * asks (oldest first without one), and how many match in all.
 */
export async function listGroupsMatching(
  db: Db,
  accountId: string,
  filter: ScimGroupFilter | null,
  skip: number,
  take: number,
  sort: ScimGroupSort | null = null,
): Promise<{ total: number; groups: Group[] }> {
  const where = sql`g."accountId" = ${accountId} AND ${filter ? filterSql(filter, termSql) : TRUE}`;
  const order = sort ? orderSql(sortKey(sort.by), sort.order, sql`g."id"`) : sql`g."createdAt" ASC, g."id" ASC`;
  const { total, ids } = await pageOfIds(db, sql`"Group" g`, sql`g`, where, order, skip, take);
  if (ids.length === 0) return { total, groups: [] };
  return { total, groups: inOrder(ids, await db.group.findMany({ where: { id: { in: ids } } })) };
}
