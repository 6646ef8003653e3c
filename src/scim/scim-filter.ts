/**
 * SCIM filters (RFC 7644 §3.4.2.2) to a Prisma `where`, so the database does the filtering and the
 * paging: parsed by `scim2-parse-filter`, then each comparison mapped onto the column it names.
 * Attribute names are case-insensitive; an attribute Roster cannot filter on is `invalidFilter`.
 */
import { type Filter, parse } from 'scim2-parse-filter';
import type { Prisma } from '../store/generated/client';
import { ScimError } from './scim-errors';

type Where = Prisma.UserWhereInput;
type GroupWhere = Prisma.GroupWhereInput;
type AttributeWhere<W> = (path: string, op: Compare['op'] | 'pr', value: unknown) => W;
type Compare = Extract<Filter, { compValue: unknown }>;

const NONE: Where = { id: { in: [] } };

function invalid(message: string): ScimError {
  return new ScimError(400, message, 'invalidFilter');
}

/** A text column compared as SCIM says: e-mails and names case-insensitively, `externalId` and `id` exactly. */
function textWhere(
  column: 'email' | 'name' | 'externalId' | 'id',
  op: Compare['op'] | 'pr',
  value: unknown,
  caseExact: boolean,
): Where {
  if (op === 'pr') return { [column]: { not: null } };
  if (typeof value !== 'string') throw invalid(`${column === 'email' ? 'userName' : column} compares with a string.`);
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

function dateWhere(column: string, op: Compare['op'] | 'pr', value: unknown): Where {
  if (op === 'pr') return {};
  const when = typeof value === 'string' ? new Date(value) : null;
  if (!when || Number.isNaN(when.getTime()))
    throw invalid(`${column === 'createdAt' ? 'meta.created' : 'meta.lastModified'} compares with a date-time.`);
  switch (op) {
    case 'eq':
      return { [column]: when };
    case 'ne':
      return { NOT: { [column]: when } };
    case 'gt':
    case 'ge':
    case 'lt':
    case 'le':
      return { [column]: { [op === 'ge' ? 'gte' : op === 'le' ? 'lte' : op]: when } };
    default:
      throw invalid(`${op} does not apply to a date-time.`);
  }
}

function activeWhere(op: Compare['op'] | 'pr', value: unknown): Where {
  if (op === 'pr') return {};
  const flag = typeof value === 'string' ? value.toLowerCase() === 'true' : value;
  if (typeof flag !== 'boolean' || (op !== 'eq' && op !== 'ne'))
    throw invalid('active compares with eq or ne and true or false.');
  const active = op === 'eq' ? flag : !flag;
  return active ? { status: 'active' } : { status: { not: 'active' } };
}

function attributeWhere(path: string, op: Compare['op'] | 'pr', value: unknown): Where {
  switch (path.toLowerCase().replace(/^urn:ietf:params:scim:schemas:core:2\.0:user:/, '')) {
    case 'username':
    case 'emails':
    case 'emails.value':
      return textWhere('email', op, value, false);
    case 'externalid':
      return textWhere('externalId', op, value, true);
    case 'id':
      return textWhere('id', op, value, true);
    case 'displayname':
    case 'name.formatted':
      return textWhere('name', op, value, false);
    case 'active':
      return activeWhere(op, value);
    case 'meta.lastmodified':
      return dateWhere('updatedAt', op, value);
    case 'meta.created':
      return dateWhere('createdAt', op, value);
    // Roster keeps one work e-mail, the primary one.
    case 'emails.type':
      return op === 'pr' || (op === 'eq' && typeof value === 'string' && value.toLowerCase() === 'work') ? {} : NONE;
    case 'emails.primary':
      return op === 'pr' || (op === 'eq' && value === true) ? {} : NONE;
    default:
      throw invalid(`Filtering on "${path}" is not supported.`);
  }
}

function toWhere<W>(filter: Filter, attribute: AttributeWhere<W>, prefix = ''): W {
  switch (filter.op) {
    case 'and':
      return { AND: filter.filters.map((f) => toWhere(f, attribute, prefix)) } as W;
    case 'or':
      return { OR: filter.filters.map((f) => toWhere(f, attribute, prefix)) } as W;
    case 'not':
      return { NOT: toWhere(filter.filter, attribute, prefix) } as W;
    case '[]':
      return toWhere(filter.valFilter, attribute, `${prefix}${filter.attrPath}.`);
    case 'pr':
      return attribute(`${prefix}${filter.attrPath}`, 'pr', undefined);
    default:
      return attribute(`${prefix}${(filter as Compare).attrPath}`, (filter as Compare).op, (filter as Compare).compValue);
  }
}

function parsed(text: string): Filter {
  try {
    return parse(text);
  } catch {
    throw invalid('The filter could not be parsed.');
  }
}

/** The `where` for a SCIM filter on Users; `invalidFilter` when it cannot be parsed or names an unknown attribute. */
export function userFilterWhere(text: string): Where {
  return toWhere(parsed(text), attributeWhere);
}

function groupAttributeWhere(path: string, op: Compare['op'] | 'pr', value: unknown): GroupWhere {
  switch (path.toLowerCase().replace(/^urn:ietf:params:scim:schemas:core:2\.0:group:/, '')) {
    case 'displayname':
      return textWhere('name', op, value, false) as GroupWhere;
    case 'id':
      return textWhere('id', op, value, true) as GroupWhere;
    case 'meta.lastmodified':
      return dateWhere('updatedAt', op, value) as GroupWhere;
    case 'meta.created':
      return dateWhere('createdAt', op, value) as GroupWhere;
    case 'members':
    case 'members.value':
      if (op === 'pr') return { OR: [{ members: { some: {} } }, { kind: 'all_users' }] };
      if (op !== 'eq' || typeof value !== 'string') throw invalid('members.value compares with eq and a user id.');
      return {
        OR: [{ members: { some: { userId: value } } }, { kind: 'all_users', account: { users: { some: { id: value } } } }],
      };
    default:
      throw invalid(`Filtering on "${path}" is not supported.`);
  }
}

/** The `where` for a SCIM filter on Groups (`displayName`, `id`, `members.value`, `meta.*`). */
export function groupFilterWhere(text: string): GroupWhere {
  return toWhere(parsed(text), groupAttributeWhere);
}
