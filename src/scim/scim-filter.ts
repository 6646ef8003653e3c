/**
 * SCIM filters (RFC 7644 §3.4.2.2), parsed by `scim2-parse-filter` and checked here: each comparison
 * is mapped onto the field it names, with its value of the right type, so that the store can run the
 * filter in the database and page it (src/store/scim/). Attribute names are case-insensitive; an
 * attribute Roster cannot filter on, or a value of the wrong type, is `invalidFilter`.
 */
import { type Filter, parse } from 'scim2-parse-filter';
import type { CommonTerm, DateOp, FilterOf } from '../store/scim/scim-filter-terms';
import type { ScimGroupFilter, ScimGroupTerm } from '../store/scim/scim-group-filter';
import type { ScimUserFilter, ScimUserTerm } from '../store/scim/scim-user-filter';
import { ScimError } from './scim-errors';

type Compare = Extract<Filter, { compValue: unknown }>;
type Op = Compare['op'] | 'pr';
type AttributeTerm<T> = (path: string, op: Op, value: unknown) => T;

const ALL = { kind: 'all' } as const;

function invalid(message: string): ScimError {
  return new ScimError(400, message, 'invalidFilter');
}

/** A text field: present, or compared with a string. */
function textTerm<F extends 'email' | 'name' | 'externalId' | 'id'>(field: F, op: Op, value: unknown): CommonTerm<F> {
  if (op === 'pr') return { kind: 'present', field };
  if (typeof value !== 'string') throw invalid(`${field === 'email' ? 'userName' : field} compares with a string.`);
  return { kind: 'text', field, op, value };
}

/** A time stamp compared with a date-time (`pr` holds for every row). */
function dateTerm(field: 'createdAt' | 'updatedAt', op: Op, value: unknown): CommonTerm<never> {
  if (op === 'pr') return ALL;
  const when = typeof value === 'string' ? new Date(value) : null;
  if (!when || Number.isNaN(when.getTime()))
    throw invalid(`${field === 'createdAt' ? 'meta.created' : 'meta.lastModified'} compares with a date-time.`);
  switch (op) {
    case 'eq':
    case 'ne':
    case 'gt':
    case 'ge':
    case 'lt':
    case 'le':
      return { kind: 'date', field, op: op satisfies DateOp, value: when };
    default:
      throw invalid(`${op} does not apply to a date-time.`);
  }
}

function activeTerm(op: Op, value: unknown): ScimUserTerm {
  if (op === 'pr') return ALL;
  const flag = typeof value === 'string' ? value.toLowerCase() === 'true' : value;
  if (typeof flag !== 'boolean' || (op !== 'eq' && op !== 'ne'))
    throw invalid('active compares with eq or ne and true or false.');
  return { kind: 'active', active: op === 'eq' ? flag : !flag };
}

function userTerm(path: string, op: Op, value: unknown): ScimUserTerm {
  switch (path.toLowerCase().replace(/^urn:ietf:params:scim:schemas:core:2\.0:user:/, '')) {
    case 'username':
    case 'emails':
    case 'emails.value':
      return textTerm('email', op, value);
    case 'externalid':
      return textTerm('externalId', op, value);
    case 'id':
      return textTerm('id', op, value);
    case 'displayname':
    case 'name.formatted':
      return textTerm('name', op, value);
    case 'active':
      return activeTerm(op, value);
    case 'meta.lastmodified':
      return dateTerm('updatedAt', op, value);
    case 'meta.created':
      return dateTerm('createdAt', op, value);
    // Roster keeps one work e-mail, the primary one.
    case 'emails.type':
      return op === 'pr' || (op === 'eq' && typeof value === 'string' && value.toLowerCase() === 'work') ? ALL : { kind: 'none' };
    case 'emails.primary':
      return op === 'pr' || (op === 'eq' && value === true) ? ALL : { kind: 'none' };
    default:
      throw invalid(`Filtering on "${path}" is not supported.`);
  }
}

function groupTerm(path: string, op: Op, value: unknown): ScimGroupTerm {
  switch (path.toLowerCase().replace(/^urn:ietf:params:scim:schemas:core:2\.0:group:/, '')) {
    case 'displayname':
      return textTerm('name', op, value);
    case 'id':
      return textTerm('id', op, value);
    case 'meta.lastmodified':
      return dateTerm('updatedAt', op, value);
    case 'meta.created':
      return dateTerm('createdAt', op, value);
    case 'members':
    case 'members.value':
      if (op === 'pr') return { kind: 'has-members' };
      if (op !== 'eq' || typeof value !== 'string') throw invalid('members.value compares with eq and a user id.');
      return { kind: 'member', userId: value };
    default:
      throw invalid(`Filtering on "${path}" is not supported.`);
  }
}

/** The parsed filter's terms, joined as the client joined them; `a[b op v]` is `a.b op v`. */
function resolve<T>(filter: Filter, attribute: AttributeTerm<T>, prefix = ''): FilterOf<T> {
  switch (filter.op) {
    case 'and':
    case 'or':
      return { kind: filter.op, filters: filter.filters.map((f) => resolve(f, attribute, prefix)) };
    case 'not':
      return { kind: 'not', filter: resolve(filter.filter, attribute, prefix) };
    case '[]':
      return resolve(filter.valFilter, attribute, `${prefix}${filter.attrPath}.`);
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

/** A SCIM filter on Users; `invalidFilter` when it cannot be parsed or names an unknown attribute. */
export function parseUserFilter(text: string): ScimUserFilter {
  return resolve(parsed(text), userTerm);
}

/** A SCIM filter on Groups (`displayName`, `id`, `members.value`, `meta.*`). */
export function parseGroupFilter(text: string): ScimGroupFilter {
  return resolve(parsed(text), groupTerm);
}
