/**
 * SCIM PATCH (RFC 7644 §3.5.2) applied by Roster's own code over each resource's small, known
 * attribute list. Every path, filter and value is checked against that list before it is used, and
 * the operations run on a null-prototype copy, so nothing a client sends can reach
 * `Object.prototype` (scim-patch 0.8.3 let it: GHSA-9m6g-wc8r-q59c, GHSA-2mhw-wcx5-v3xj).
 * Attribute names and `op` are case-insensitive, as identity providers send them.
 */
import { type Filter, parse } from 'scim2-parse-filter';
import { ScimError } from './scim-errors';

/** One attribute a PATCH may name (RFC 7643 §7): its values, and whether a client may write it. */
export interface PatchAttribute {
  name: string;
  type: 'string' | 'boolean' | 'complex';
  multiValued?: boolean;
  /** `readOnly` is never written by a PATCH; `immutable` only as part of a new value (a member's `value`). */
  mutability?: 'readWrite' | 'readOnly' | 'immutable';
  required?: boolean;
  caseExact?: boolean;
  subAttributes?: PatchAttribute[];
}

/**
 * A resource's schema URN and all its attributes, the read-only `schemas`, `id` and `meta` included,
 * and its schema extensions: each is an object under its URN in the resource (RFC 7643 §3.3), named in a
 * path as `<urn>` (the whole object) or `<urn>:<attribute>` (with `.value` of a complex attribute).
 */
export interface PatchSchema {
  urn: string;
  attributes: PatchAttribute[];
  extensions?: Array<{ urn: string; attributes: PatchAttribute[] }>;
}

type Node = Record<string, unknown>;
type Op = 'add' | 'replace' | 'remove';
interface Target {
  attribute: PatchAttribute;
  filter?: Filter;
  sub?: PatchAttribute;
}

/** Names that reach an object's prototype; no segment of a path and no key of a value may be one. */
const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);
const NAME = /^\$?[A-Za-z][\w-]*$/;
/** Roster's deepest value is a list of objects of strings; anything far deeper is not a SCIM value. */
const MAX_DEPTH = 8;

const invalidPath = (message: string) => new ScimError(400, message, 'invalidPath');
const invalidValue = (message: string) => new ScimError(400, message, 'invalidValue');
const noTarget = (message: string) => new ScimError(400, message, 'noTarget');

/** `resource` after `operations`, as a null-prototype copy; the first operation at fault is a 400 naming its path. */
export function applyPatch(resource: Node, operations: unknown[], schema: PatchSchema): Node {
  const doc = copy(resource) as Node;
  operations.forEach((operation, index) => {
    applyOperation(doc, operation, schema, `Operation ${index + 1}`);
  });
  return doc;
}

function applyOperation(doc: Node, operation: unknown, schema: PatchSchema, at: string): void {
  if (!isObject(operation)) throw new ScimError(400, `${at} must be an object with op, path and value.`, 'invalidSyntax');
  const path = own(operation, 'path');
  const value = own(operation, 'value');
  refuseForbiddenKeys(operation, typeof path === 'string' ? `${at} (${shown(path)})` : at, 0);
  const asked = own(operation, 'op');
  const op = typeof asked === 'string' ? asked.toLowerCase() : '';
  if (op !== 'add' && op !== 'replace' && op !== 'remove')
    throw new ScimError(400, `${at}: op must be add, replace or remove.`, 'invalidSyntax');
  if (path !== undefined) {
    if (typeof path !== 'string' || path.trim() === '') throw invalidPath(`${at}: path must be a non-empty string.`);
    const where = `${at} (${shown(path)})`;
    if (op !== 'remove' && value === undefined) throw invalidValue(`${where}: an ${op} needs a value.`);
    applyTo(doc, op, writable(resolve(path, schema, where), where), value, where);
    return;
  }
  if (op === 'remove') throw noTarget(`${at}: a remove needs a path.`);
  if (!isObject(value)) throw invalidValue(`${at}: without a path, the value must be an object of attributes.`);
  // Each key is a path of its own (Entra ID sends `name.givenName` as a key); the target is the whole resource.
  for (const [key, part] of Object.entries(value)) {
    const where = `${at} (${shown(key)})`;
    const target = resolve(key, schema, where);
    // Okta sends the group's `id` back in the value: a read-only attribute left as it is changes nothing.
    const unchanged = key.trim().toLowerCase() === target.attribute.name.toLowerCase() && same(doc[target.attribute.name], part);
    if (target.attribute.mutability === 'readOnly' && unchanged) continue;
    applyTo(doc, op, writable(target, where), part, where);
  }
}

/** The attribute (and filter and sub-attribute) a path names, or `invalidPath` / `invalidFilter`. */
function resolve(path: string, schema: PatchSchema, where: string): Target {
  let rest = path.trim();
  const prefix = `${schema.urn.toLowerCase()}:`;
  if (rest.toLowerCase().startsWith(prefix)) rest = rest.slice(prefix.length);
  const extension = schema.extensions?.find(
    (e) => rest.toLowerCase() === e.urn.toLowerCase() || rest.toLowerCase().startsWith(`${e.urn.toLowerCase()}:`),
  );
  if (extension) return resolveExtension(rest.slice(extension.urn.length + 1), extension, where);
  for (const segment of rest.replace(/\[.*\]/s, '').split(/[.:]/)) refuseForbiddenName(segment, where);
  let name = rest;
  let filterText: string | undefined;
  let subName: string | undefined;
  const open = rest.indexOf('[');
  if (open >= 0) {
    const close = rest.lastIndexOf(']');
    const after = rest.slice(close + 1);
    if (close < open || (after !== '' && !after.startsWith('.'))) throw invalidPath(`${where}: the path is malformed.`);
    name = rest.slice(0, open);
    filterText = rest.slice(open + 1, close);
    subName = after === '' ? undefined : after.slice(1);
  } else if (rest.includes('.')) {
    [name, subName] = [rest.slice(0, rest.indexOf('.')), rest.slice(rest.indexOf('.') + 1)];
  }
  checkName(name, where);
  if (subName !== undefined) checkName(subName, where);
  const attribute = find(schema.attributes, name);
  if (!attribute) throw invalidPath(`${where}: ${shown(name)} is not an attribute Roster keeps.`);
  // Nothing under `id`, `meta` or `schemas` is writable, whatever the rest of the path says.
  if (attribute.mutability === 'readOnly') return { attribute };
  const target: Target = { attribute };
  if (filterText !== undefined) {
    if (!attribute.multiValued || attribute.type !== 'complex')
      throw invalidPath(`${where}: only a multi-valued attribute takes a [filter].`);
    target.filter = filterOf(filterText, attribute, where);
  }
  if (subName !== undefined) {
    const sub = attribute.type === 'complex' ? find(attribute.subAttributes ?? [], subName) : undefined;
    if (!sub) throw invalidPath(`${where}: ${attribute.name}.${shown(subName)} is not an attribute Roster keeps.`);
    target.sub = sub;
  }
  return target;
}

/** A path into an extension's object: the object itself (`rest` empty), one attribute, or a complex attribute's `value`. */
function resolveExtension(rest: string, extension: { urn: string; attributes: PatchAttribute[] }, where: string): Target {
  const attribute: PatchAttribute = { name: extension.urn, type: 'complex', subAttributes: extension.attributes };
  if (rest === '') return { attribute };
  const [name = '', part, ...more] = rest.split('.');
  checkName(name, where);
  if (part !== undefined) checkName(part, where);
  const sub = find(extension.attributes, name);
  // `manager.value` is the manager itself: the one part of a complex extension attribute a client writes.
  const namesValue = sub?.type === 'complex' && part !== undefined && part.toLowerCase() === 'value';
  if (!sub || more.length > 0 || (part !== undefined && !namesValue))
    throw invalidPath(`${where}: ${shown(rest)} is not an attribute of ${extension.urn} Roster keeps.`);
  return { attribute, sub };
}

function refuseForbiddenName(name: string, where: string): void {
  if (FORBIDDEN.has(name.toLowerCase())) throw invalidPath(`${where}: ${name} is never an attribute name.`);
}

function checkName(name: string, where: string): void {
  refuseForbiddenName(name, where);
  if (!NAME.test(name)) throw invalidPath(`${where}: the path names no attribute Roster keeps.`);
}

/** The filter inside a path's brackets, each of its attributes a sub-attribute of `attribute`. */
function filterOf(text: string, attribute: PatchAttribute, where: string): Filter {
  let filter: Filter;
  try {
    filter = parse(text);
  } catch {
    throw new ScimError(400, `${where}: the filter in brackets cannot be read.`, 'invalidFilter');
  }
  const check = (node: Filter): void => {
    switch (node.op) {
      case 'and':
      case 'or':
        node.filters.forEach(check);
        break;
      case 'not':
        check(node.filter);
        break;
      case '[]':
        throw new ScimError(400, `${where}: a filter in brackets cannot hold another.`, 'invalidFilter');
      default:
        for (const segment of node.attrPath.split(/[.:]/)) refuseForbiddenName(segment, where);
        checkName(node.attrPath, where);
        if (!find(attribute.subAttributes ?? [], node.attrPath))
          throw invalidPath(`${where}: ${attribute.name}.${shown(node.attrPath)} is not an attribute Roster keeps.`);
    }
  };
  check(filter);
  return filter;
}

/** The target, unless it is read-only (or an immutable sub-attribute): `mutability`. */
function writable(target: Target, where: string): Target {
  const { attribute, sub } = target;
  if (attribute.mutability === 'readOnly') throw new ScimError(400, `${where}: ${attribute.name} is read-only.`, 'mutability');
  if (sub && sub.mutability !== undefined && sub.mutability !== 'readWrite')
    throw new ScimError(400, `${where}: ${attribute.name}.${sub.name} cannot be changed.`, 'mutability');
  return target;
}

function applyTo(doc: Node, op: Op, target: Target, value: unknown, where: string): void {
  const { attribute, sub } = target;
  if (attribute.multiValued) {
    applyToList(doc, op, target, value, where);
    return;
  }
  const current = isObject(doc[attribute.name]) ? (doc[attribute.name] as Node) : plain();
  let next: unknown;
  if (sub) next = merge(current, { [sub.name]: op === 'remove' ? null : single(sub, value, where) });
  else if (op === 'remove') next = null;
  else next = single(attribute, value, where);
  // A complex attribute takes the sub-attributes given and keeps the others (RFC 7644 §3.5.2.1, §3.5.2.3).
  if (!sub && attribute.type === 'complex' && next !== null) next = merge(current, next as Node);
  assign(doc, attribute, isObject(next) && Object.keys(next).length === 0 ? null : next, where);
}

/** A multi-valued attribute, through a filter or a sub-attribute, or as a whole. */
function applyToList(doc: Node, op: Op, target: Target, value: unknown, where: string): void {
  const { attribute, filter, sub } = target;
  const list = Array.isArray(doc[attribute.name]) ? [...(doc[attribute.name] as Node[])] : [];
  const { next, touched } =
    filter || sub ? changeSelected(list, op, target, value, where) : changeAll(list, op, attribute, value, where);
  onePrimary(next, touched);
  assign(doc, attribute, next.length > 0 ? next : null, where);
}

interface ListChange {
  next: Node[];
  /** The values the operation added or changed, for `onePrimary`. */
  touched: Node[];
}

/** The values a filter selects (every value, for a sub-attribute without one) changed; an add that selects none creates one. */
function changeSelected(list: Node[], op: Op, target: Target, value: unknown, where: string): ListChange {
  const { attribute, filter, sub } = target;
  const selected = filter ? list.filter((e) => matches(e, filter, attribute)) : list;
  // RFC 7644 §3.5.2.3: a replace of an attribute that does not exist at all is an add; one whose filter
  // matches none of its values, like such a remove, is noTarget.
  if (filter && selected.length === 0 && (op === 'remove' || (op === 'replace' && list.length > 0)))
    throw noTarget(`${where}: the filter matches no value.`);
  if (op === 'remove') {
    if (!sub) return { next: list.filter((e) => !selected.includes(e)), touched: [] };
    for (const e of selected) delete e[sub.name];
    return { next: list, touched: [] };
  }
  const incoming = sub ? { [sub.name]: single(sub, value, where) } : element(attribute, value, where);
  if (selected.length === 0) {
    const created = merge(seedOf(filter, attribute, where), incoming);
    return { next: [...list, created], touched: [created] };
  }
  if (op === 'replace' && !sub) {
    const next = list.map((e) => (selected.includes(e) ? merge(plain(), incoming) : e));
    return { next, touched: next.filter((e) => !list.includes(e)) };
  }
  for (const e of selected) merge(e, incoming);
  return { next: list, touched: selected };
}

/** The whole attribute: replace sets it, remove clears it (or the values given), add appends, merging a value already there. */
function changeAll(list: Node[], op: Op, attribute: PatchAttribute, value: unknown, where: string): ListChange {
  const incoming = value === undefined || value === null ? [] : elements(attribute, value, where);
  if (op === 'replace') return { next: incoming, touched: incoming };
  if (op === 'remove') {
    if (value === undefined || value === null) return { next: [], touched: [] };
    // Entra ID removes members as `{ path: "members", value: [{ value }] }`; one not there is already gone.
    return { next: list.filter((e) => !incoming.some((gone) => sameValue(e, gone, attribute))), touched: [] };
  }
  const next = [...list];
  const touched: Node[] = [];
  for (const each of incoming) {
    const existing = next.find((e) => sameValue(e, each, attribute));
    // The value already there keeps its spelling (a member's id, an address's case).
    if (existing) merge(existing, { ...each, value: existing.value });
    else next.push(each);
    touched.push(existing ?? each);
  }
  return { next, touched };
}

/** Sets or, for null, removes an attribute; a required one cannot be removed. */
function assign(doc: Node, attribute: PatchAttribute, value: unknown, where: string): void {
  if (value !== null) {
    doc[attribute.name] = value;
    return;
  }
  if (attribute.required) throw invalidValue(`${where}: ${attribute.name} is required and cannot be removed.`);
  delete doc[attribute.name];
}

/** One value of `attribute`, checked and copied with the attribute's own names; null stays null (unassigned). */
function single(attribute: PatchAttribute, value: unknown, where: string): unknown {
  if (value === null) return null;
  if (attribute.multiValued) return elements(attribute, value, where);
  switch (attribute.type) {
    case 'string':
      if (typeof value !== 'string') throw invalidValue(`${where}: ${attribute.name} must be a string.`);
      return value;
    case 'boolean':
      if (typeof value === 'boolean') return value;
      // Entra ID sends "True" and "False".
      if (typeof value === 'string' && /^(true|false)$/i.test(value)) return value.toLowerCase() === 'true';
      throw invalidValue(`${where}: ${attribute.name} must be true or false.`);
    case 'complex': {
      // Entra ID sends the enterprise manager as the manager's id alone.
      if (typeof value === 'string' && find(attribute.subAttributes ?? [], 'value')) return single(attribute, { value }, where);
      if (!isObject(value)) throw invalidValue(`${where}: ${attribute.name} must be an object.`);
      const out = plain();
      for (const [key, part] of Object.entries(value)) {
        const sub = find(attribute.subAttributes ?? [], key);
        if (!sub) throw invalidPath(`${where}: ${attribute.name}.${shown(key)} is not an attribute Roster keeps.`);
        out[sub.name] = single(sub, part, where);
      }
      return out;
    }
  }
}

/** The values of a multi-valued attribute: a list, or one value; a bare string is `{ value }`. */
function elements(attribute: PatchAttribute, value: unknown, where: string): Node[] {
  return (Array.isArray(value) ? value : [value]).map((each) => element(attribute, each, where));
}

function element(attribute: PatchAttribute, value: unknown, where: string): Node {
  const one = { ...attribute, multiValued: false };
  const hasValue = find(attribute.subAttributes ?? [], 'value');
  const node = single(one, typeof value === 'string' && hasValue ? { value } : value, where);
  if (node === null) throw invalidValue(`${where}: a value of ${attribute.name} cannot be null.`);
  return merge(plain(), node as Node);
}

/** What an `add` through a filter that matched nothing creates: the filter's `eq` terms, or `noTarget`. */
function seedOf(filter: Filter | undefined, attribute: PatchAttribute, where: string): Node {
  const seed = plain();
  const collect = (node: Filter): boolean => {
    if (node.op === 'and') return node.filters.every(collect);
    if (node.op !== 'eq') return false;
    const sub = find(attribute.subAttributes ?? [], node.attrPath) as PatchAttribute;
    seed[sub.name] = single(sub, node.compValue, where);
    return true;
  };
  if (filter && !collect(filter)) throw noTarget(`${where}: the filter matches no value, and says no value to add.`);
  return seed;
}

/** Whether a value of a multi-valued attribute passes a filter (RFC 7644 §3.4.2.2), strings compared per `caseExact`. */
function matches(element: Node, filter: Filter, attribute: PatchAttribute): boolean {
  switch (filter.op) {
    case 'and':
      return filter.filters.every((f) => matches(element, f, attribute));
    case 'or':
      return filter.filters.some((f) => matches(element, f, attribute));
    case 'not':
      return !matches(element, filter.filter, attribute);
    case '[]':
      return false;
  }
  const sub = find(attribute.subAttributes ?? [], filter.attrPath) as PatchAttribute;
  const actual = element[sub.name];
  if (filter.op === 'pr') return actual !== undefined && actual !== null && actual !== '';
  let expected: unknown = filter.compValue;
  if (sub.type === 'boolean' && typeof expected === 'string' && /^(true|false)$/i.test(expected))
    expected = expected.toLowerCase() === 'true';
  const fold = (v: unknown) => (typeof v === 'string' && !sub.caseExact ? v.toLowerCase() : v);
  const [a, b] = [fold(actual), fold(expected)];
  const comparable = (typeof a === 'string' && typeof b === 'string') || (typeof a === 'number' && typeof b === 'number');
  switch (filter.op) {
    case 'eq':
      return a === b;
    case 'ne':
      return a !== b;
    case 'co':
      return typeof a === 'string' && typeof b === 'string' && a.includes(b);
    case 'sw':
      return typeof a === 'string' && typeof b === 'string' && a.startsWith(b);
    case 'ew':
      return typeof a === 'string' && typeof b === 'string' && a.endsWith(b);
    case 'gt':
      return comparable && (a as string) > (b as string);
    case 'ge':
      return comparable && (a as string) >= (b as string);
    case 'lt':
      return comparable && (a as string) < (b as string);
    case 'le':
      return comparable && (a as string) <= (b as string);
  }
}

/** Two values of a multi-valued attribute are the same value when their `value`s are. */
function sameValue(a: Node, b: Node, attribute: PatchAttribute): boolean {
  const sub = find(attribute.subAttributes ?? [], 'value');
  if (!sub || a.value === undefined || b.value === undefined) return same(a, b);
  const fold = (v: unknown) => (typeof v === 'string' && !sub.caseExact ? v.toLowerCase() : v);
  return fold(a.value) === fold(b.value);
}

/** At most one value is primary (RFC 7643 §2.4): the last one the PATCH made primary. */
function onePrimary(list: Node[], touched: Node[]): void {
  const chosen = touched.findLast((e) => e.primary === true);
  if (!chosen) return;
  for (const e of list) if (e !== chosen && e.primary === true) e.primary = false;
}

/** Refuses, at any depth, a key that names a prototype, and values nested deeper than any SCIM value. */
function refuseForbiddenKeys(value: unknown, where: string, depth: number): void {
  if (depth > MAX_DEPTH) throw invalidValue(`${where}: the value is nested too deeply.`);
  if (Array.isArray(value)) {
    for (const each of value) refuseForbiddenKeys(each, where, depth + 1);
    return;
  }
  if (!isObject(value)) return;
  for (const key of Object.keys(value)) {
    refuseForbiddenName(key, where);
    refuseForbiddenKeys(value[key], where, depth + 1);
  }
}

/** A deep copy of Roster's own resource into null-prototype objects. */
function copy(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(copy);
  if (!isObject(value)) return value;
  const out = plain();
  for (const [key, part] of Object.entries(value)) if (!FORBIDDEN.has(key)) out[key] = copy(part);
  return out;
}

/** Copies `incoming`'s keys (Roster's attribute names) onto `target`; null removes one. */
function merge(target: Node, incoming: Node): Node {
  for (const [key, value] of Object.entries(incoming)) {
    if (value === null) delete target[key];
    else target[key] = value;
  }
  return target;
}

/** A client's path or key as an error message quotes it: short. */
function shown(path: string): string {
  return path.length > 80 ? `${path.slice(0, 80)}…` : path;
}

function find(attributes: PatchAttribute[], name: string): PatchAttribute | undefined {
  const lower = name.toLowerCase();
  return attributes.find((a) => a.name.toLowerCase() === lower);
}

function plain(): Node {
  return Object.create(null) as Node;
}

function own(object: Node, key: string): unknown {
  return Object.hasOwn(object, key) ? object[key] : undefined;
}

function isObject(value: unknown): value is Node {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
