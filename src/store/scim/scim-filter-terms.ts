/**
 * The filter a SCIM client sent, as the SCIM edge (src/scim/scim-filter.ts) resolved it: each
 * comparison already mapped onto the field it names and checked, joined by `and`, `or` and `not`.
 * Here it becomes a Prisma `where`, so that the database does the filtering and the paging.
 */

/** A comparison of text. */
export type TextOp = 'eq' | 'ne' | 'co' | 'sw' | 'ew' | 'gt' | 'ge' | 'lt' | 'le';

/** A comparison of date-times. */
export type DateOp = 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le';

/** Terms joined by `and`, `or` and `not`. */
export type FilterOf<T> =
  | T
  | { kind: 'and'; filters: FilterOf<T>[] }
  | { kind: 'or'; filters: FilterOf<T>[] }
  | { kind: 'not'; filter: FilterOf<T> };

/** Terms users and groups share: everything, a text field present or compared, a time stamp compared. */
export type CommonTerm<F extends string> =
  | { kind: 'all' }
  | { kind: 'present'; field: F }
  | { kind: 'text'; field: F; op: TextOp; value: string }
  | { kind: 'date'; field: 'createdAt' | 'updatedAt'; op: DateOp; value: Date };

/** A Prisma `where` of any model, as built here (each caller types it as its model's). */
type Where = Record<string, unknown>;

/** The `where` of a filter, with `term` giving each term's. */
export function filterWhere<T extends { kind: string }, W>(filter: FilterOf<T>, term: (t: T) => W): W {
  switch (filter.kind) {
    case 'and':
      return { AND: (filter as { filters: FilterOf<T>[] }).filters.map((f) => filterWhere(f, term)) } as W;
    case 'or':
      return { OR: (filter as { filters: FilterOf<T>[] }).filters.map((f) => filterWhere(f, term)) } as W;
    case 'not':
      return { NOT: filterWhere((filter as { filter: FilterOf<T> }).filter, term) } as W;
    default:
      return term(filter as T);
  }
}

/** The `where` of a term users and groups share. */
export function commonWhere<F extends string>(t: CommonTerm<F>): Where {
  switch (t.kind) {
    case 'all':
      return {};
    case 'present':
      return { [t.field]: { not: null } };
    case 'text':
      return textWhere(t.field, t.op, t.value);
    case 'date':
      return dateWhere(t.field, t.op, t.value);
  }
}

/** E-mails and names compare case-insensitively (e-mails are stored lower-case), `externalId` and `id` exactly. */
function textWhere(column: string, op: TextOp, value: string): Where {
  const caseExact = column === 'externalId' || column === 'id';
  const mode = caseExact ? undefined : ('insensitive' as const);
  const v = column === 'email' ? value.toLowerCase() : value;
  switch (op) {
    case 'eq':
      return { [column]: caseExact || column === 'email' ? v : { equals: v, mode } };
    case 'ne':
      return { NOT: { [column]: caseExact || column === 'email' ? v : { equals: v, mode } } };
    case 'co':
      return { [column]: { contains: v, mode } };
    case 'sw':
      return { [column]: { startsWith: v, mode } };
    case 'ew':
      return { [column]: { endsWith: v, mode } };
    default:
      return { [column]: { [op === 'ge' ? 'gte' : op === 'le' ? 'lte' : op]: v } };
  }
}

function dateWhere(column: string, op: DateOp, when: Date): Where {
  switch (op) {
    case 'eq':
      return { [column]: when };
    case 'ne':
      return { NOT: { [column]: when } };
    default:
      return { [column]: { [op === 'ge' ? 'gte' : op === 'le' ? 'lte' : op]: when } };
  }
}
