/**
 * SCIM filters and sorts (RFC 7644 §3.4.2.2, §3.4.2.3), parsed by `scim2-parse-filter` and checked
 * here: each comparison is mapped onto the field it names, with its value of the right type, so that
 * the store can run the filter and the sort in the database and page them (src/store/scim/).
 * Attribute names are case-insensitive, with or without their schema's URN; an attribute Roster
 * cannot filter on, or a value of the wrong type, is `invalidFilter`; one it cannot sort by is
 * `invalidValue` (RFC 7644 §3.4.2.3 leaves the choice; `invalidValue` names the parameter's value,
 * not the filter).
 */
import { type Filter, parse } from 'scim2-parse-filter';
import type { CommonTerm, DateOp, ElementTerm, FilterOf, SortOf, TextOp } from '../store/scim/scim-filter-terms';
import type { ScimGroupFilter, ScimGroupSort, ScimGroupSortField } from '../store/scim/scim-group-filter';
import {
  ADDRESS_PARTS,
  CORE_PROPERTY_KEYS,
  ENTERPRISE_PROPERTY_KEYS,
  type ScimUserProperty,
} from '../store/scim/scim-property-keys';
import type { ScimUserFilter, ScimUserSort, ScimUserSortField, ScimUserTerm } from '../store/scim/scim-user-filter';
import { ScimError } from './scim-errors';

type Compare = Extract<Filter, { compValue: unknown }>;
/** A comparison as the client wrote it; `ne` becomes `not eq` before a term is made. */
type Op = Exclude<Compare['op'], 'ne'> | 'pr';
type AttributeTerm<T> = (path: string, op: Op, value: unknown) => FilterOf<T>;

/** How a resource's attributes become terms, and which value paths (`a[…]`) ask their filter of one element. */
interface Attributes<T> {
  term: AttributeTerm<T>;
  /** The term of `a[filter]` when `a`'s elements are compared one by one; undefined reads it as `a.b op v`. */
  valuePath?: (path: string, filter: Filter) => FilterOf<T> | undefined;
}

const ALL = { kind: 'all' } as const;
const NONE = { kind: 'none' } as const;

const USER_URN = 'urn:ietf:params:scim:schemas:core:2.0:user:';
const ENTERPRISE_URN = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:user:';
const GROUP_URN = 'urn:ietf:params:scim:schemas:core:2.0:group:';

/** Keys by their lower-cased names, as a filter names them in any case. */
const byLowerName = (entries: Array<[string, ScimUserProperty]>): Record<string, ScimUserProperty> =>
  Object.fromEntries(entries.map(([name, key]) => [name.toLowerCase(), key]));

/** The enterprise extension's attributes (RFC 7643 §4.3), kept as properties of the same names. */
const ENTERPRISE = byLowerName([
  ...ENTERPRISE_PROPERTY_KEYS.map((key): [string, ScimUserProperty] => [key, key]),
  ['manager', 'manager'],
  ['manager.value', 'manager'],
]);

/** The single-valued core attributes Roster keeps as properties of the same names, and the work address's parts. */
const CORE_PROPERTIES = byLowerName([
  ...CORE_PROPERTY_KEYS.map((key): [string, ScimUserProperty] => [key, key]),
  ...Object.entries(ADDRESS_PARTS).map(([part, key]): [string, ScimUserProperty] => [`addresses.${part}`, key]),
]);

function invalid(message: string): ScimError {
  return new ScimError(400, message, 'invalidFilter');
}

/** An attribute path lower-cased, without the URN of its schema; `enterprise` when it named the extension's. */
function attributeName(path: string, coreUrn: string): { name: string; enterprise: boolean } {
  const lower = path.toLowerCase();
  if (lower.startsWith(coreUrn)) return { name: lower.slice(coreUrn.length), enterprise: false };
  if (coreUrn === USER_URN && lower.startsWith(ENTERPRISE_URN))
    return { name: lower.slice(ENTERPRISE_URN.length), enterprise: true };
  return { name: lower, enterprise: false };
}

/** A text field: present, or compared with a string. */
function textTerm<F extends string>(field: F, path: string, op: Op, value: unknown): ElementTerm<F> {
  if (op === 'pr') return { kind: 'present', field };
  if (typeof value !== 'string') throw invalid(`${path} compares with a string.`);
  return { kind: 'text', field, op: op satisfies TextOp, value };
}

/** A time stamp compared with a date-time (`pr` holds for every row). */
function dateTerm(field: 'createdAt' | 'updatedAt', path: string, op: Op, value: unknown): CommonTerm<never> {
  if (op === 'pr') return ALL;
  const when = typeof value === 'string' ? new Date(value) : null;
  if (!when || Number.isNaN(when.getTime())) throw invalid(`${path} compares with a date-time.`);
  switch (op) {
    case 'eq':
    case 'gt':
    case 'ge':
    case 'lt':
    case 'le':
      return { kind: 'date', field, op: op satisfies DateOp, value: when };
    default:
      throw invalid(`${op} does not apply to a date-time (${path}).`);
  }
}

/** `true`, `false`, or Entra's `"True"` / `"False"`. */
function flagOf(value: unknown, path: string): boolean {
  const flag = typeof value === 'string' && /^(true|false)$/i.test(value) ? value.toLowerCase() === 'true' : value;
  if (typeof flag !== 'boolean') throw invalid(`${path} compares with true or false.`);
  return flag;
}

function activeTerm(op: Op, value: unknown): ScimUserTerm {
  if (op === 'pr') return ALL;
  if (op !== 'eq') throw invalid('active compares with eq or ne.');
  return { kind: 'active', active: flagOf(value, 'active') };
}

/**
 * An attribute whose value is the same wherever it is present (`emails.type` is always `work`,
 * `emails.primary` always true): the comparison is decided here, and holds where `present` does.
 */
function constantTerm<T>(
  constant: string | boolean,
  path: string,
  op: Op,
  value: unknown,
  present: T | typeof ALL,
): T | typeof ALL | typeof NONE {
  if (op === 'pr') return present;
  let holds: boolean;
  if (typeof constant === 'boolean') {
    if (op !== 'eq') throw invalid(`${path} compares with eq or ne.`);
    holds = flagOf(value, path) === constant;
  } else {
    if (typeof value !== 'string') throw invalid(`${path} compares with a string.`);
    const [c, v] = [constant.toLowerCase(), value.toLowerCase()];
    const order = c < v ? -1 : c > v ? 1 : 0;
    const results: Record<Exclude<Op, 'pr'>, boolean> = {
      eq: order === 0,
      co: c.includes(v),
      sw: c.startsWith(v),
      ew: c.endsWith(v),
      gt: order > 0,
      ge: order >= 0,
      lt: order < 0,
      le: order <= 0,
    };
    holds = results[op];
  }
  return holds ? present : NONE;
}

/** A phone number's sub-attribute: its value and type (Roster keeps no primary one). */
function phoneTerm(path: string, op: Op, value: unknown): FilterOf<ElementTerm<'value' | 'type'>> {
  switch (path.toLowerCase()) {
    case 'value':
      return textTerm('value', `phoneNumbers.${path}`, op, value);
    case 'type':
      return textTerm('type', `phoneNumbers.${path}`, op, value);
    case 'primary':
      return constantTerm(false, `phoneNumbers.${path}`, op, value, ALL);
    default:
      throw invalid(`Filtering on "phoneNumbers.${path}" is not supported.`);
  }
}

/** A role's sub-attribute: its value (`key` or `key=scope`) and display name. */
function roleTerm(path: string, op: Op, value: unknown): FilterOf<ElementTerm<'value' | 'display'>> {
  switch (path.toLowerCase()) {
    case 'value':
      return textTerm('value', `roles.${path}`, op, value);
    case 'display':
      return textTerm('display', `roles.${path}`, op, value);
    default:
      throw invalid(`Filtering on "roles.${path}" is not supported.`);
  }
}

/** A member's sub-attribute: the user's id (value) and e-mail (display); every member is of type User. */
function memberTerm(path: string, op: Op, value: unknown): FilterOf<ElementTerm<'value' | 'display'>> {
  switch (path.toLowerCase()) {
    case 'value':
      return textTerm('value', `members.${path}`, op, value);
    case 'display':
      return textTerm('display', `members.${path}`, op, value);
    case 'type':
      return constantTerm('User', `members.${path}`, op, value, ALL);
    default:
      throw invalid(`Filtering on "members.${path}" is not supported.`);
  }
}

function userTerm(path: string, op: Op, value: unknown): ScimUserFilter {
  const { name, enterprise } = attributeName(path, USER_URN);
  const property = enterprise ? ENTERPRISE[name] : (CORE_PROPERTIES[name] ?? ENTERPRISE[name]);
  if (property) return textTerm(property, path, op, value);
  if (enterprise) throw invalid(`Filtering on "${path}" is not supported.`);
  switch (name) {
    case 'username':
      // Every user has a userName (their e-mail when the identity provider sent none).
      return op === 'pr' ? ALL : textTerm('userName', path, op, value);
    case 'emails':
    case 'emails.value':
      return textTerm('email', path, op, value);
    // Roster keeps one e-mail, of type work, the primary one.
    case 'emails.type':
      return constantTerm('work', path, op, value, ALL);
    case 'emails.primary':
      return constantTerm(true, path, op, value, ALL);
    case 'phonenumbers':
      return { kind: 'phone', filter: phoneTerm('value', op, value) };
    case 'phonenumbers.value':
    case 'phonenumbers.type':
    case 'phonenumbers.primary':
      return { kind: 'phone', filter: phoneTerm(name.slice('phonenumbers.'.length), op, value) };
    // One address, the work one, primary.
    case 'addresses':
      if (op === 'pr') return { kind: 'has-address' };
      throw invalid('addresses has sub-attributes: filter on addresses.locality, addresses.country, ….');
    case 'addresses.type':
      return constantTerm('work', path, op, value, { kind: 'has-address' } as const);
    case 'addresses.primary':
      return constantTerm(true, path, op, value, { kind: 'has-address' } as const);
    case 'roles':
      return { kind: 'role', filter: roleTerm('value', op, value) };
    case 'roles.value':
    case 'roles.display':
      return { kind: 'role', filter: roleTerm(name.slice('roles.'.length), op, value) };
    case 'externalid':
      return textTerm('externalId', path, op, value);
    case 'id':
      return textTerm('id', path, op, value);
    case 'displayname':
      return textTerm('name', path, op, value);
    case 'name':
      if (op === 'pr') return { kind: 'present', field: 'formatted' };
      throw invalid('name has sub-attributes: filter on name.givenName, name.familyName or name.formatted.');
    case 'name.formatted':
      return textTerm('formatted', path, op, value);
    case 'name.givenname':
      return textTerm('givenName', path, op, value);
    case 'name.familyname':
      return textTerm('familyName', path, op, value);
    case 'active':
      return activeTerm(op, value);
    case 'meta.lastmodified':
      return dateTerm('updatedAt', path, op, value);
    case 'meta.created':
      return dateTerm('createdAt', path, op, value);
    case 'meta.resourcetype':
      return constantTerm('User', path, op, value, ALL);
    default:
      throw invalid(`Filtering on "${path}" is not supported.`);
  }
}

/** Phone numbers and roles are several: `a[…]` asks its whole filter of one of them. */
function userValuePath(path: string, filter: Filter): ScimUserFilter | undefined {
  const { name, enterprise } = attributeName(path, USER_URN);
  if (enterprise) return undefined;
  if (name === 'phonenumbers') return { kind: 'phone', filter: resolve(filter, { term: phoneTerm }) };
  if (name === 'roles') return { kind: 'role', filter: resolve(filter, { term: roleTerm }) };
  return undefined;
}

function groupTerm(path: string, op: Op, value: unknown): ScimGroupFilter {
  const name = attributeName(path, GROUP_URN).name;
  switch (name) {
    case 'displayname':
      return textTerm('name', path, op, value);
    case 'id':
      return textTerm('id', path, op, value);
    case 'externalid':
      return textTerm('externalId', path, op, value);
    case 'meta.lastmodified':
      return dateTerm('updatedAt', path, op, value);
    case 'meta.created':
      return dateTerm('createdAt', path, op, value);
    case 'meta.resourcetype':
      return constantTerm('Group', path, op, value, ALL);
    case 'members':
      return { kind: 'member', filter: memberTerm('value', op, value) };
    case 'members.value':
    case 'members.display':
    case 'members.type':
      return { kind: 'member', filter: memberTerm(name.slice('members.'.length), op, value) };
    default:
      throw invalid(`Filtering on "${path}" is not supported.`);
  }
}

/** `members[…]` asks its whole filter of one member. */
function groupValuePath(path: string, filter: Filter): ScimGroupFilter | undefined {
  return attributeName(path, GROUP_URN).name === 'members'
    ? { kind: 'member', filter: resolve(filter, { term: memberTerm }) }
    : undefined;
}

/**
 * The parsed filter's terms, joined as the client joined them; `ne` is `not eq`, and `a[b op v]`
 * is `a.b op v` unless `a`'s elements are compared one by one.
 */
function resolve<T>(filter: Filter, attributes: Attributes<T>, prefix = ''): FilterOf<T> {
  switch (filter.op) {
    case 'and':
    case 'or':
      return { kind: filter.op, filters: filter.filters.map((f) => resolve(f, attributes, prefix)) };
    case 'not':
      return { kind: 'not', filter: resolve(filter.filter, attributes, prefix) };
    case '[]':
      return (
        attributes.valuePath?.(`${prefix}${filter.attrPath}`, filter.valFilter) ??
        resolve(filter.valFilter, attributes, `${prefix}${filter.attrPath}.`)
      );
    case 'pr':
      return attributes.term(`${prefix}${filter.attrPath}`, 'pr', undefined);
    case 'ne':
      return { kind: 'not', filter: attributes.term(`${prefix}${filter.attrPath}`, 'eq', filter.compValue) };
    default:
      return attributes.term(
        `${prefix}${(filter as Compare).attrPath}`,
        (filter as Compare).op as Op,
        (filter as Compare).compValue,
      );
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
  return resolve(parsed(text), { term: userTerm, valuePath: userValuePath });
}

/** A SCIM filter on Groups (`displayName`, `id`, `externalId`, `members`, `meta.*`). */
export function parseGroupFilter(text: string): ScimGroupFilter {
  return resolve(parsed(text), { term: groupTerm, valuePath: groupValuePath });
}

const USER_SORTS: Record<string, ScimUserSortField> = {
  username: 'userName',
  displayname: 'name',
  'name.formatted': 'formatted',
  'name.givenname': 'givenName',
  'name.familyname': 'familyName',
  emails: 'email',
  'emails.value': 'email',
  externalid: 'externalId',
  id: 'id',
  'meta.created': 'createdAt',
  'meta.lastmodified': 'updatedAt',
};

const GROUP_SORTS: Record<string, ScimGroupSortField> = {
  displayname: 'name',
  externalid: 'externalId',
  id: 'id',
  'meta.created': 'createdAt',
  'meta.lastmodified': 'updatedAt',
};

function sortOf<F extends string>(
  fields: Record<string, F>,
  urn: string,
  sortBy: string | undefined,
  sortOrder: string | undefined,
): SortOf<F> | null {
  if (sortBy === undefined || sortBy.trim() === '') return null;
  const { name, enterprise } = attributeName(sortBy.trim(), urn);
  const by = enterprise ? undefined : fields[name];
  if (!by) throw new ScimError(400, `Sorting by "${sortBy}" is not supported.`, 'invalidValue');
  const order = (sortOrder ?? 'ascending').trim().toLowerCase();
  if (order !== 'ascending' && order !== 'descending')
    throw new ScimError(400, 'sortOrder is "ascending" or "descending".', 'invalidValue');
  return { by, order };
}

/** `sortBy` / `sortOrder` of a Users list (ascending by default); null without sortBy. */
export function parseUserSort(sortBy: string | undefined, sortOrder: string | undefined): ScimUserSort | null {
  return sortOf(USER_SORTS, USER_URN, sortBy, sortOrder);
}

/** `sortBy` / `sortOrder` of a Groups list (ascending by default); null without sortBy. */
export function parseGroupSort(sortBy: string | undefined, sortOrder: string | undefined): ScimGroupSort | null {
  return sortOf(GROUP_SORTS, GROUP_URN, sortBy, sortOrder);
}
