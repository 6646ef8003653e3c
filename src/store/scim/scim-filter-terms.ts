/**
 * The filter a SCIM client sent, as the SCIM edge (src/scim/scim-filter.ts) resolved it: each
 * comparison already mapped onto the field it names and checked, joined by `and`, `or` and `not`.
 * Here it becomes SQL, so that the database does the filtering, the sorting and the paging.
 *
 * Every term is two-valued (true or false, never SQL's null): a comparison on a column that may be
 * null is false where it is null. So `not` is the exact complement of what it negates, and `ne` (the
 * edge's `not eq`) matches resources without the attribute: an absent value is not equal.
 */
import { Prisma } from '../generated/client';
import type { Db } from '../tx';

/** A comparison of text (`ne` arrives as `not eq`). */
export type TextOp = 'eq' | 'co' | 'sw' | 'ew' | 'gt' | 'ge' | 'lt' | 'le';

/** A comparison of date-times (`ne` arrives as `not eq`). */
export type DateOp = 'eq' | 'gt' | 'ge' | 'lt' | 'le';

/** Terms joined by `and`, `or` and `not`. */
export type FilterOf<T> =
  | T
  | { kind: 'and'; filters: FilterOf<T>[] }
  | { kind: 'or'; filters: FilterOf<T>[] }
  | { kind: 'not'; filter: FilterOf<T> };

/** Terms users and groups share: everything, nothing, a text field present or compared, a time stamp compared. */
export type CommonTerm<F extends string> =
  | { kind: 'all' }
  | { kind: 'none' }
  | { kind: 'present'; field: F }
  | { kind: 'text'; field: F; op: TextOp; value: string }
  | { kind: 'date'; field: 'createdAt' | 'updatedAt'; op: DateOp; value: Date };

/** A sort the client asked for (`sortBy`, `sortOrder`); ties are broken by id, so pages never overlap. */
export interface SortOf<F extends string> {
  by: F;
  order: 'ascending' | 'descending';
}

export type Sql = Prisma.Sql;
export const sql = Prisma.sql;

/**
 * A field as SQL: its expression, whether it may be null, and how its text compares: `exact` as
 * stored (ids), `lowered` stored lower-cased (the value is lower-cased here, so an index on the
 * column serves `eq`), `insensitive` whatever the case.
 */
export interface Column {
  sql: Sql;
  nullable: boolean;
  compare: 'exact' | 'lowered' | 'insensitive';
}

export const TRUE = sql`TRUE`;
export const FALSE = sql`FALSE`;

/** The SQL of a filter, with `term` giving each term's. */
export function filterSql<T extends { kind: string }>(filter: FilterOf<T>, term: (t: T) => Sql): Sql {
  switch (filter.kind) {
    case 'and':
    case 'or': {
      const parts = (filter as { filters: FilterOf<T>[] }).filters.map((f) => filterSql(f, term));
      return sql`(${Prisma.join(parts, filter.kind === 'and' ? ' AND ' : ' OR ')})`;
    }
    case 'not':
      return sql`(NOT ${filterSql((filter as { filter: FilterOf<T> }).filter, term)})`;
    default:
      return term(filter as T);
  }
}

/** A term on one element of a multi-valued attribute (a phone number, a role, a member): text only. */
export type ElementTerm<F extends string> = Exclude<CommonTerm<F>, { kind: 'date' }>;

/** The SQL of a term users and groups share, over the columns `columnOf` names (and `dateOf`, for time stamps). */
export function commonSql<F extends string>(
  t: CommonTerm<F>,
  columnOf: (field: F) => Column,
  dateOf?: (field: 'createdAt' | 'updatedAt') => Sql,
): Sql {
  switch (t.kind) {
    case 'all':
      return TRUE;
    case 'none':
      return FALSE;
    case 'present':
      return presentSql(columnOf(t.field));
    case 'text':
      return textSql(columnOf(t.field), t.op, t.value);
    case 'date':
      if (!dateOf) throw new Error(`${t.field} is not a field here`);
      return dateSql(dateOf(t.field), t.op, t.value);
  }
}

/** Present: not null and not empty (Roster leaves an empty attribute out of the resource). */
export function presentSql(column: Column): Sql {
  return column.nullable ? sql`(${column.sql} IS NOT NULL AND ${column.sql} <> '')` : sql`(${column.sql} <> '')`;
}

/** `%`, `_` and `\` stand for themselves in a pattern (LIKE's default escape is `\`). */
function literal(value: string): string {
  return value.replace(/[\\%_]/g, '\\$&');
}

/** A text comparison, false where the column is null. */
export function textSql(column: Column, op: TextOp, value: string): Sql {
  const { compare } = column;
  const v = compare === 'lowered' ? value.toLowerCase() : value;
  const like = compare === 'exact' ? sql`LIKE` : sql`ILIKE`;
  // Ordering compares lower-cased text unless the field is case-exact or already lower-cased.
  const left = compare === 'insensitive' ? sql`lower(${column.sql})` : column.sql;
  const right = compare === 'insensitive' ? sql`lower(CAST(${v} AS text))` : sql`${v}`;
  let cmp: Sql;
  switch (op) {
    case 'eq':
      cmp = sql`${left} = ${right}`;
      break;
    case 'co':
      cmp = sql`${column.sql} ${like} ${`%${literal(v)}%`}`;
      break;
    case 'sw':
      cmp = sql`${column.sql} ${like} ${`${literal(v)}%`}`;
      break;
    case 'ew':
      cmp = sql`${column.sql} ${like} ${`%${literal(v)}`}`;
      break;
    case 'gt':
      cmp = sql`${left} > ${right}`;
      break;
    case 'ge':
      cmp = sql`${left} >= ${right}`;
      break;
    case 'lt':
      cmp = sql`${left} < ${right}`;
      break;
    case 'le':
      cmp = sql`${left} <= ${right}`;
      break;
  }
  return column.nullable ? sql`(${column.sql} IS NOT NULL AND ${cmp})` : sql`(${cmp})`;
}

/** A time stamp (never null) compared with a date-time, to the millisecond Roster stores. */
export function dateSql(column: Sql, op: DateOp, when: Date): Sql {
  const at = sql`CAST(${when.toISOString()} AS timestamp(3))`;
  switch (op) {
    case 'eq':
      return sql`(${column} = ${at})`;
    case 'gt':
      return sql`(${column} > ${at})`;
    case 'ge':
      return sql`(${column} >= ${at})`;
    case 'lt':
      return sql`(${column} < ${at})`;
    case 'le':
      return sql`(${column} <= ${at})`;
  }
}

/**
 * `ORDER BY` for a sort: the sort key, then the id ascending so that equal keys keep one order
 * across pages. Missing values come last when ascending and first when descending (PostgreSQL's
 * default for ASC and DESC).
 */
export function orderSql(key: Sql, order: 'ascending' | 'descending', id: Sql): Sql {
  return order === 'descending' ? sql`${key} DESC, ${id} ASC` : sql`${key} ASC, ${id} ASC`;
}

/**
 * The ids of one page of the rows of `from` (a table and its alias) matching `where`, in `order`,
 * and how many match in all: one query, or two when the page is empty (count 0, or past the end).
 */
export async function pageOfIds(
  db: Db,
  from: Sql,
  alias: Sql,
  where: Sql,
  order: Sql,
  skip: number,
  take: number,
): Promise<{ total: number; ids: string[] }> {
  const page =
    take > 0
      ? await db.$queryRaw<Array<{ id: string; total: number }>>`
          SELECT ${alias}."id", (count(*) OVER ())::int AS "total" FROM ${from}
          WHERE ${where} ORDER BY ${order} LIMIT ${take} OFFSET ${skip}`
      : [];
  const first = page[0];
  if (first) return { total: first.total, ids: page.map((row) => row.id) };
  if (take > 0 && skip === 0) return { total: 0, ids: [] };
  const [counted] = await db.$queryRaw<Array<{ total: number }>>`SELECT count(*)::int AS "total" FROM ${from} WHERE ${where}`;
  return { total: counted?.total ?? 0, ids: [] };
}

/** `rows` in the order of `ids`, leaving out any deleted between the two reads. */
export function inOrder<R extends { id: string }>(ids: string[], rows: R[]): R[] {
  const byId = new Map(rows.map((row) => [row.id, row]));
  return ids.map((id) => byId.get(id)).filter((row): row is R => row !== undefined);
}
