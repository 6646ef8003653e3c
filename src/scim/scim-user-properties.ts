/**
 * The User attributes identity providers send that Roster keeps as the user's custom properties
 * (which the user card, the export and `/api/v1/auth/verify` show): title, nickName, the preferred
 * language, locale and time zone, phone numbers by type, the work address, and the enterprise
 * extension (RFC 7643 §4.3: employeeNumber, costCenter, organization, division, department, manager).
 * SCIM owns these property keys: a PUT or PATCH sets them as the identity provider has them.
 */
import {
  ADDRESS_PARTS,
  CORE_PROPERTY_KEYS,
  ENTERPRISE_PROPERTY_KEYS,
  PHONE_TYPES,
  SCIM_PROPERTY_KEYS,
} from '../store/scim/scim-property-keys';
import { ScimError } from './scim-errors';

export const ENTERPRISE_SCHEMA = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

const MAX_VALUE = 256;

type Resource = Record<string, unknown>;

function isObject(value: unknown): value is Resource {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A string attribute's value, trimmed; null when absent or empty; anything else is `invalidValue` naming it. */
function stringOf(value: unknown, field: string): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw new ScimError(400, `${field} must be a string.`, 'invalidValue');
  const trimmed = value.trim();
  if (trimmed.length > MAX_VALUE) throw new ScimError(400, `${field} is at most ${MAX_VALUE} characters.`, 'invalidValue');
  return trimmed === '' ? null : trimmed;
}

function listOf(value: unknown, field: string): Resource[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new ScimError(400, `${field} must be a list.`, 'invalidValue');
  return value.map((each) => {
    if (!isObject(each)) throw new ScimError(400, `Each of ${field} must be an object.`, 'invalidValue');
    return each;
  });
}

const typeOf = (each: Resource) => (typeof each.type === 'string' ? each.type.toLowerCase() : '');
const isPrimary = (each: Resource) => each.primary === true || (typeof each.primary === 'string' && /^true$/i.test(each.primary));

/** The SCIM-owned properties a resource sets: every key of `SCIM_PROPERTY_KEYS`, null where the resource has none. */
export function propertiesOf(resource: Resource): Record<string, string | null> {
  const out: Record<string, string | null> = Object.fromEntries(SCIM_PROPERTY_KEYS.map((key) => [key, null]));
  for (const key of CORE_PROPERTY_KEYS) out[key] = stringOf(resource[key], key);
  for (const phone of listOf(resource.phoneNumbers, 'phoneNumbers')) {
    const type = (PHONE_TYPES as readonly string[]).includes(typeOf(phone)) ? typeOf(phone) : typeOf(phone) ? 'other' : 'work';
    const key = `${type}Phone`;
    out[key] ??= stringOf(phone.value, 'phoneNumbers.value');
  }
  const addresses = listOf(resource.addresses, 'addresses');
  const work = addresses.find((a) => typeOf(a) === 'work') ?? addresses.find(isPrimary) ?? addresses.find((a) => !typeOf(a));
  if (work) {
    for (const [part, key] of Object.entries(ADDRESS_PARTS)) out[key] = stringOf(work[part], `addresses.${part}`);
  }
  const enterprise = resource[ENTERPRISE_SCHEMA];
  if (enterprise !== undefined && enterprise !== null) {
    if (!isObject(enterprise)) throw new ScimError(400, `${ENTERPRISE_SCHEMA} must be an object.`, 'invalidValue');
    for (const key of ENTERPRISE_PROPERTY_KEYS) out[key] = stringOf(enterprise[key], key);
    const manager = enterprise.manager;
    out.manager = isObject(manager) ? stringOf(manager.value, 'manager.value') : stringOf(manager, 'manager');
  }
  return out;
}

/** The SCIM attributes of a user's properties, for the User resource (only those the user has). */
export function propertyAttributes(properties: ReadonlyArray<{ key: string; value: string }>, baseUrl: string): Resource {
  const held = new Map(properties.map((p) => [p.key, p.value]));
  const out: Resource = {};
  for (const key of CORE_PROPERTY_KEYS) if (held.has(key)) out[key] = held.get(key);
  const phones = PHONE_TYPES.filter((type) => held.has(`${type}Phone`)).map((type) => ({
    value: held.get(`${type}Phone`),
    type,
  }));
  if (phones.length > 0) out.phoneNumbers = phones;
  const address = Object.entries(ADDRESS_PARTS).filter(([, key]) => held.has(key));
  if (address.length > 0) {
    out.addresses = [{ type: 'work', ...Object.fromEntries(address.map(([part, key]) => [part, held.get(key)])), primary: true }];
  }
  const enterprise: Resource = {};
  for (const key of ENTERPRISE_PROPERTY_KEYS) if (held.has(key)) enterprise[key] = held.get(key);
  const manager = held.get('manager');
  if (manager) enterprise.manager = { value: manager, $ref: `${baseUrl}/Users/${manager}` };
  if (Object.keys(enterprise).length > 0) out[ENTERPRISE_SCHEMA] = enterprise;
  return out;
}
