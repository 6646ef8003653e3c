/**
 * The property keys under which Roster keeps the SCIM User attributes that are not columns
 * (src/scim/scim-user-properties.ts maps the resource onto them; scim-user-filter.ts filters on them).
 */

/** Single-valued core attributes, kept under their own name. */
export const CORE_PROPERTY_KEYS = ['nickName', 'title', 'preferredLanguage', 'locale', 'timezone'] as const;

/** Enterprise attributes kept under their own name (`manager`, the manager's user id, apart). */
export const ENTERPRISE_PROPERTY_KEYS = ['employeeNumber', 'costCenter', 'organization', 'division', 'department'] as const;

/** Phone numbers are kept one per type, as `workPhone`, `mobilePhone`, … */
export const PHONE_TYPES = ['work', 'mobile', 'home', 'fax', 'pager', 'other'] as const;
export const PHONE_KEYS: readonly string[] = PHONE_TYPES.map((type) => `${type}Phone`);

/** The parts of the work address, by SCIM sub-attribute. */
export const ADDRESS_PARTS = {
  formatted: 'formattedAddress',
  streetAddress: 'streetAddress',
  locality: 'locality',
  region: 'region',
  postalCode: 'postalCode',
  country: 'country',
} as const;

/** The single-valued attributes kept as properties: core, enterprise, `manager` and the address parts. */
export const SCIM_USER_PROPERTIES = [
  ...CORE_PROPERTY_KEYS,
  ...ENTERPRISE_PROPERTY_KEYS,
  'manager',
  ...Object.values(ADDRESS_PARTS),
] as const;

export type ScimUserProperty = (typeof SCIM_USER_PROPERTIES)[number];

/** Every property key SCIM owns. */
export const SCIM_PROPERTY_KEYS: readonly string[] = [...SCIM_USER_PROPERTIES, ...PHONE_KEYS];
