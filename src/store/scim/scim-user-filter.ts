/**
 * Users matching a SCIM filter (`GET /Users?filter=…&sortBy=…`), sorted and paged in the database.
 * The SCIM edge parses and checks the filter (src/scim/scim-filter.ts); this is its translation into
 * SQL: one query for the page's ids (and how many match), then the page's users by id.
 */
import { Prisma } from '../generated/client';
import type { Db } from '../tx';
import { type UserRecord, userInclude } from '../users/user-reads';
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
import { ADDRESS_PARTS, PHONE_KEYS, SCIM_USER_PROPERTIES, type ScimUserProperty } from './scim-property-keys';

/**
 * The user fields a SCIM filter compares as text: `userName` (the stored one, else the e-mail), the
 * e-mail, the one name (`displayName`), `name.formatted`, the name parts, `externalId`, `id`, and the
 * attributes kept as properties.
 */
export type ScimUserTextField =
  | 'userName'
  | 'email'
  | 'name'
  | 'formatted'
  | 'givenName'
  | 'familyName'
  | 'externalId'
  | 'id'
  | ScimUserProperty;

/**
 * One term of a user filter: also whether the user is active, whether they have a work address, and
 * one of their phone numbers (`value`, `type`) or roles (`value` as `key` or `key=scope`, `display`)
 * matching a filter of its own, so that `phoneNumbers[type eq "mobile" and value sw "+1"]` asks
 * both of the same number.
 */
export type ScimUserTerm =
  | CommonTerm<ScimUserTextField>
  | { kind: 'active'; active: boolean }
  | { kind: 'has-address' }
  | { kind: 'phone'; filter: FilterOf<ElementTerm<'value' | 'type'>> }
  | { kind: 'role'; filter: FilterOf<ElementTerm<'value' | 'display'>> };

/** A parsed SCIM filter on Users. */
export type ScimUserFilter = FilterOf<ScimUserTerm>;

/** What users sort by: the text fields that are columns, and the time stamps. */
export type ScimUserSortField = Exclude<ScimUserTextField, ScimUserProperty> | 'createdAt' | 'updatedAt';

/** A sort of Users. */
export type ScimUserSort = SortOf<ScimUserSortField>;

const PROPERTIES: ReadonlySet<string> = new Set(SCIM_USER_PROPERTIES);
const ADDRESS_KEYS: readonly string[] = Object.values(ADDRESS_PARTS);

/**
 * The name as the resource shows it (src/scim/scim-user-resource.ts, `nameParts`): where the identity
 * provider sent a given or family name, the parts are those columns and `formatted` is the one name,
 * else the parts joined; otherwise the parts are derived from Roster's one name: the last word is the
 * family name (none for a one-word name), the words before it, joined by single spaces, the given
 * name. The same expressions filter and sort, so both agree with what a client reads.
 */
const GIVEN_COLUMN = sql`NULLIF(u."givenName", '')`;
const FAMILY_COLUMN = sql`NULLIF(u."familyName", '')`;
const HAS_PARTS = sql`(${GIVEN_COLUMN} IS NOT NULL OR ${FAMILY_COLUMN} IS NOT NULL)`;
/** Roster's one name without the white space around it; null when empty. */
const TRIMMED = sql`NULLIF(regexp_replace(u."name", '^\\s+|\\s+$', '', 'g'), '')`;
const GIVEN = sql`(CASE WHEN ${HAS_PARTS} THEN ${GIVEN_COLUMN} ELSE regexp_replace(regexp_replace(${TRIMMED}, '\\s+\\S+$', ''), '\\s+', ' ', 'g') END)`;
const FAMILY = sql`(CASE WHEN ${HAS_PARTS} THEN ${FAMILY_COLUMN} ELSE substring(${TRIMMED} from '\\s(\\S+)$') END)`;
const FORMATTED = sql`COALESCE(u."name", CASE WHEN ${HAS_PARTS} THEN concat_ws(' ', ${GIVEN_COLUMN}, ${FAMILY_COLUMN}) END)`;

/** `userName` as the resource shows it: the one the identity provider sent, else the e-mail (both lower-cased). */
const USER_NAME = sql`COALESCE(u."userNameKey", u."email")`;

function columnOf(field: ScimUserTextField): Column {
  switch (field) {
    case 'userName':
      return { sql: USER_NAME, nullable: false, compare: 'lowered' };
    case 'email':
      return { sql: sql`u."email"`, nullable: false, compare: 'lowered' };
    case 'name':
      return { sql: sql`u."name"`, nullable: true, compare: 'insensitive' };
    case 'formatted':
      return { sql: FORMATTED, nullable: true, compare: 'insensitive' };
    case 'givenName':
      return { sql: GIVEN, nullable: true, compare: 'insensitive' };
    case 'familyName':
      return { sql: FAMILY, nullable: true, compare: 'insensitive' };
    case 'externalId':
      return { sql: sql`u."externalId"`, nullable: true, compare: 'exact' };
    case 'id':
      return { sql: sql`u."id"`, nullable: false, compare: 'exact' };
    default:
      throw new Error(`${field} is a property, not a column`);
  }
}

const dateOf = (field: 'createdAt' | 'updatedAt') => (field === 'createdAt' ? sql`u."createdAt"` : sql`u."updatedAt"`);

/** A property compared (case-insensitively, but the manager's user id exactly), or present. */
function propertySql(key: ScimUserProperty, term: ElementTerm<ScimUserTextField>): Sql {
  const column: Column = { sql: sql`p."value"`, nullable: false, compare: key === 'manager' ? 'exact' : 'insensitive' };
  const cmp = commonSql(term, () => column);
  return sql`EXISTS (SELECT 1 FROM "UserProperty" p WHERE p."userId" = u."id" AND p."key" = ${key} AND ${cmp})`;
}

/** One of the user's phone numbers matching `filter`: its value, and its type (the key without `Phone`). */
function phoneSql(filter: FilterOf<ElementTerm<'value' | 'type'>>): Sql {
  const cmp = filterSql(filter, (t) =>
    commonSql(t, (field) =>
      field === 'value'
        ? { sql: sql`p."value"`, nullable: false, compare: 'insensitive' }
        : { sql: sql`left(p."key", -5)`, nullable: false, compare: 'insensitive' },
    ),
  );
  return sql`EXISTS (SELECT 1 FROM "UserProperty" p WHERE p."userId" = u."id" AND p."key" IN (${Prisma.join(PHONE_KEYS)}) AND ${cmp})`;
}

/** One of the user's roles matching `filter`, by `key` or `key=scope` (value) or by name (display). */
function roleSql(filter: FilterOf<ElementTerm<'value' | 'display'>>): Sql {
  const cmp = filterSql(filter, (t) =>
    commonSql(t, (field) =>
      field === 'value'
        ? {
            sql: sql`(CASE WHEN ur."scope" IS NULL THEN r."key" ELSE r."key" || '=' || ur."scope" END)`,
            nullable: false,
            compare: 'insensitive',
          }
        : { sql: sql`r."name"`, nullable: false, compare: 'insensitive' },
    ),
  );
  return sql`EXISTS (SELECT 1 FROM "UserRole" ur JOIN "Role" r ON r."id" = ur."roleId" WHERE ur."userId" = u."id" AND ${cmp})`;
}

function termSql(term: ScimUserTerm): Sql {
  switch (term.kind) {
    case 'active':
      return term.active ? sql`(u."status" = 'active')` : sql`(u."status" <> 'active')`;
    case 'has-address':
      return sql`EXISTS (SELECT 1 FROM "UserProperty" p WHERE p."userId" = u."id" AND p."key" IN (${Prisma.join(ADDRESS_KEYS)}) AND p."value" <> '')`;
    case 'phone':
      return phoneSql(term.filter);
    case 'role':
      return roleSql(term.filter);
    case 'present':
    case 'text':
      if (PROPERTIES.has(term.field)) return propertySql(term.field as ScimUserProperty, term);
      if (term.kind === 'text' && term.field === 'userName' && term.op === 'eq') {
        // The OR finds the candidates on the two unique indexes, (accountId, userNameKey) and (accountId, email);
        // the COALESCE keeps the one whose userName it is. (Spelled `userNameKey IS NULL AND email = …`, the
        // planner may scan every user the identity provider never named on the userNameKey index.)
        const key = term.value.toLowerCase();
        return sql`((u."userNameKey" = ${key} OR u."email" = ${key}) AND ${USER_NAME} = ${key})`;
      }
      return commonSql(term, columnOf, dateOf);
    default:
      return commonSql(term, columnOf, dateOf);
  }
}

/** The sort key of a field: text lower-cased unless case-exact (SCIM sorts case-insensitive attributes so). */
function sortKey(field: ScimUserSortField): Sql {
  switch (field) {
    case 'userName':
      return USER_NAME;
    case 'email':
      return sql`u."email"`;
    case 'name':
      return sql`lower(u."name")`;
    case 'formatted':
      return sql`lower(${FORMATTED})`;
    case 'givenName':
      return sql`lower(${GIVEN})`;
    case 'familyName':
      return sql`lower(${FAMILY})`;
    case 'externalId':
      return sql`u."externalId"`;
    case 'id':
      return sql`u."id"`;
    case 'createdAt':
    case 'updatedAt':
      return dateOf(field);
  }
}

/** The `WHERE` of the account's users matching `filter` (every user when null). */
export function userFilterSql(accountId: string, filter: ScimUserFilter | null): Sql {
  return sql`u."accountId" = ${accountId} AND ${filter ? filterSql(filter, termSql) : TRUE}`;
}

/**
 * A page of the account's users matching `filter` (every user when null), in the order `sort` asks
 * (oldest first without one), and how many match in all.
 */
export async function listUsersMatching(
  db: Db,
  accountId: string,
  filter: ScimUserFilter | null,
  skip: number,
  take: number,
  sort: ScimUserSort | null = null,
): Promise<{ total: number; users: UserRecord[] }> {
  const order = sort ? orderSql(sortKey(sort.by), sort.order, sql`u."id"`) : sql`u."createdAt" ASC, u."id" ASC`;
  const where = userFilterSql(accountId, filter);
  const { total, ids } = await pageOfIds(db, sql`"User" u`, sql`u`, where, order, skip, take);
  if (ids.length === 0) return { total, users: [] };
  return { total, users: inOrder(ids, await db.user.findMany({ where: { id: { in: ids } }, include: userInclude })) };
}
