/**
 * Roster's user as a SCIM User resource, and back: what the identity provider sent (POST, PUT, or
 * the resource after a PATCH) as the `scim-user` change's attributes. `userName` is the identity
 * provider's identifier, kept as sent (a user it never named is named by their e-mail); the directory
 * e-mail is the primary, else work, else first of `emails`, else `userName` when it is an address.
 * `displayName`, `name.formatted` or given and family name are Roster's one name; the name parts are
 * also kept as sent. Other attributes are the user's properties (scim-user-properties.ts).
 */

import { isValidEmail } from '../domain/email';
import { roleLabel } from '../domain/roles/role-grants';
import type { UserRecord } from '../store/users/user-reads';
import { ScimError } from './scim-errors';
import type { PatchAttribute, PatchSchema } from './scim-patch';
import { ENTERPRISE_SCHEMA, propertiesOf, propertyAttributes } from './scim-user-properties';

export const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';

const stringAttribute = (name: string, extra: Partial<PatchAttribute> = {}): PatchAttribute => ({
  name,
  type: 'string',
  ...extra,
});

/**
 * Every attribute of the User resource below, for PATCH: a path or value naming anything else is
 * `invalidPath`. Roles may carry `primary` because Entra ID's default mapping is `roles[primary eq "True"].value`.
 */
export const USER_ATTRIBUTES: PatchSchema = {
  urn: USER_SCHEMA,
  attributes: [
    { name: 'schemas', type: 'string', multiValued: true, mutability: 'readOnly' },
    stringAttribute('id', { mutability: 'readOnly', caseExact: true }),
    { name: 'meta', type: 'complex', mutability: 'readOnly' },
    stringAttribute('userName', { required: true }),
    stringAttribute('externalId', { caseExact: true }),
    {
      name: 'name',
      type: 'complex',
      subAttributes: [stringAttribute('formatted'), stringAttribute('givenName'), stringAttribute('familyName')],
    },
    stringAttribute('displayName'),
    stringAttribute('nickName'),
    stringAttribute('title'),
    stringAttribute('preferredLanguage'),
    stringAttribute('locale'),
    stringAttribute('timezone'),
    {
      name: 'emails',
      type: 'complex',
      multiValued: true,
      subAttributes: [stringAttribute('value'), stringAttribute('type'), { name: 'primary', type: 'boolean' }],
    },
    {
      name: 'phoneNumbers',
      type: 'complex',
      multiValued: true,
      subAttributes: [stringAttribute('value'), stringAttribute('type'), { name: 'primary', type: 'boolean' }],
    },
    {
      name: 'addresses',
      type: 'complex',
      multiValued: true,
      subAttributes: [
        stringAttribute('type'),
        stringAttribute('formatted'),
        stringAttribute('streetAddress'),
        stringAttribute('locality'),
        stringAttribute('region'),
        stringAttribute('postalCode'),
        stringAttribute('country'),
        { name: 'primary', type: 'boolean' },
      ],
    },
    { name: 'active', type: 'boolean' },
    {
      name: 'roles',
      type: 'complex',
      multiValued: true,
      subAttributes: [
        stringAttribute('value'),
        stringAttribute('display', { mutability: 'readOnly' }),
        { name: 'primary', type: 'boolean' },
      ],
    },
  ],
  extensions: [
    {
      urn: ENTERPRISE_SCHEMA,
      attributes: [
        stringAttribute('employeeNumber'),
        stringAttribute('costCenter'),
        stringAttribute('organization'),
        stringAttribute('division'),
        stringAttribute('department'),
        {
          name: 'manager',
          type: 'complex',
          subAttributes: [
            stringAttribute('value'),
            stringAttribute('$ref', { mutability: 'readOnly' }),
            stringAttribute('displayName', { mutability: 'readOnly' }),
          ],
        },
      ],
    },
  ],
};

/** The attributes of a `scim-user` change. */
export interface ScimUserAttributes {
  email: string;
  /** As the identity provider sent it. */
  userName: string;
  name: string | null;
  /** The name parts as sent; undefined leaves them as they are. */
  givenName?: string | null;
  familyName?: string | null;
  externalId: string | null;
  active: boolean;
  roles?: string[];
  /** The SCIM-owned properties (`SCIM_PROPERTY_KEYS`): a value sets one, null removes it. */
  properties?: Record<string, string | null>;
}

type Resource = Record<string, unknown>;

/** The name parts as the identity provider sent them, else Roster's one name split: the last word is the family name. */
function nameParts(user: UserRecord) {
  const given = user.givenName;
  const family = user.familyName;
  if (given || family) {
    const formatted = user.name ?? [given, family].filter(Boolean).join(' ');
    return { formatted, ...(given ? { givenName: given } : {}), ...(family ? { familyName: family } : {}) };
  }
  if (!user.name) return undefined;
  const words = user.name.trim().split(/\s+/);
  const familyName = words.length > 1 ? words.pop() : undefined;
  return { formatted: user.name, givenName: words.join(' '), ...(familyName ? { familyName } : {}) };
}

/** The SCIM User for a directory user; `version` is the user's `version` as a weak ETag. */
export function userResource(user: UserRecord, baseUrl: string): Resource {
  const name = nameParts(user);
  const properties = propertyAttributes(user.properties, baseUrl);
  return {
    schemas: properties[ENTERPRISE_SCHEMA] ? [USER_SCHEMA, ENTERPRISE_SCHEMA] : [USER_SCHEMA],
    id: user.id,
    ...(user.externalId ? { externalId: user.externalId } : {}),
    userName: user.userName ?? user.email,
    ...(name ? { name } : {}),
    ...(user.name ? { displayName: user.name } : {}),
    emails: [{ value: user.email, type: 'work', primary: true }],
    ...properties,
    active: user.status === 'active',
    roles: user.roles.map((h) => ({ value: roleLabel(h.role.key, h.scope), display: h.role.name })),
    meta: {
      resourceType: 'User',
      created: user.createdAt.toISOString(),
      lastModified: user.updatedAt.toISOString(),
      location: `${baseUrl}/Users/${user.id}`,
      version: etagOf(user.version),
    },
  };
}

export function etagOf(version: number): string {
  return `W/"${version}"`;
}

/** The version an `If-Match` names, or undefined for none (or `*`); a malformed one is refused. */
export function versionFromIfMatch(header: string | undefined): number | undefined {
  if (header === undefined || header.trim() === '*') return undefined;
  const match = /^\s*(?:W\/)?"(\d{1,9})"\s*$/.exec(header);
  if (!match) throw new ScimError(412, 'If-Match does not name a version of this resource.');
  return Number(match[1]);
}

function text(value: unknown, field: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new ScimError(400, `${field} must be a string.`, 'invalidValue');
  return value.trim() === '' ? undefined : value.trim();
}

/** `true`, `false`, or Entra's `"True"` / `"False"`. */
export function booleanOf(value: unknown, field: string): boolean | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string' && /^(true|false)$/i.test(value)) return value.toLowerCase() === 'true';
  throw new ScimError(400, `${field} must be true or false.`, 'invalidValue');
}

function emailsOf(resource: Resource): Array<{ value?: unknown; primary?: unknown; type?: unknown }> {
  const emails = resource.emails;
  if (emails === undefined || emails === null) return [];
  if (!Array.isArray(emails)) throw new ScimError(400, 'emails must be a list.', 'invalidValue');
  return emails as Array<{ value?: unknown; primary?: unknown; type?: unknown }>;
}

function primaryEmail(resource: Resource): string | undefined {
  const emails = emailsOf(resource);
  const chosen =
    emails.find((e) => booleanOf(e?.primary, 'emails.primary') === true) ??
    emails.find((e) => typeof e?.type === 'string' && e.type.toLowerCase() === 'work') ??
    emails[0];
  return text(chosen?.value, 'emails.value');
}

function nameOf(resource: Resource): string | null {
  const name = (resource.name ?? {}) as Resource;
  if (typeof name !== 'object') throw new ScimError(400, 'name must be an object.', 'invalidValue');
  const joined = [text(name.givenName, 'name.givenName'), text(name.familyName, 'name.familyName')].filter(Boolean).join(' ');
  return text(resource.displayName, 'displayName') ?? text(name.formatted, 'name.formatted') ?? (joined || null);
}

function rolesOf(resource: Resource): string[] | undefined {
  const roles = resource.roles;
  if (roles === undefined || roles === null) return undefined;
  if (!Array.isArray(roles)) throw new ScimError(400, 'roles must be a list.', 'invalidValue');
  return roles.map((role) => {
    const value = typeof role === 'string' ? role : text((role as Resource)?.value, 'roles.value');
    if (!value) throw new ScimError(400, 'Each role needs a value: a Roster role key.', 'invalidValue');
    return value;
  });
}

function userNameOf(resource: Resource): string {
  const userName = text(resource.userName, 'userName');
  if (!userName) throw new ScimError(400, 'userName is required.', 'invalidValue');
  if (userName.length > 320) throw new ScimError(400, 'userName is at most 320 characters.', 'invalidValue');
  return userName;
}

/** The directory e-mail: the primary, work or first of `emails`, else `userName` when it is an address. */
function emailOf(resource: Resource, userName: string): string {
  const email = primaryEmail(resource) ?? (isValidEmail(userName.toLowerCase()) ? userName : undefined);
  if (!email)
    throw new ScimError(
      400,
      `${userName} is not an e-mail address, and emails names none: send the user's address in emails.`,
      'invalidValue',
    );
  return email;
}

function namePart(resource: Resource, part: 'givenName' | 'familyName'): string | null {
  const name = resource.name;
  if (name === undefined || name === null) return null;
  if (typeof name !== 'object' || Array.isArray(name)) throw new ScimError(400, 'name must be an object.', 'invalidValue');
  const value = text((name as Resource)[part], `name.${part}`) ?? null;
  if (value && value.length > 200) throw new ScimError(400, `name.${part} is at most 200 characters.`, 'invalidValue');
  return value;
}

/** A POST or PUT body as the attributes of a `scim-user` change; `active` defaults to true. */
export function attributesOf(resource: Resource): ScimUserAttributes {
  if (typeof resource !== 'object' || resource === null || Array.isArray(resource))
    throw new ScimError(400, 'The body must be a SCIM User object.', 'invalidSyntax');
  const userName = userNameOf(resource);
  return {
    email: emailOf(resource, userName),
    userName,
    name: nameOf(resource),
    givenName: namePart(resource, 'givenName'),
    familyName: namePart(resource, 'familyName'),
    externalId: text(resource.externalId, 'externalId') ?? null,
    active: booleanOf(resource.active, 'active') ?? true,
    roles: rolesOf(resource),
    properties: propertiesOf(resource),
  };
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * The attributes after a PATCH: what changed between the resource before and after it. Each part
 * of the name or e-mail that was touched wins (Okta patches `name.givenName` alone); roles only when patched.
 */
export function patchedAttributes(before: Resource, after: Resource): ScimUserAttributes {
  const old = attributesOf(before);
  const nameB = (before.name ?? {}) as Resource;
  const nameA = (after.name ?? {}) as Resource;
  let name = old.name;
  if (!same(before.displayName, after.displayName)) name = text(after.displayName, 'displayName') ?? null;
  else if (!same(nameB.formatted, nameA.formatted)) name = text(nameA.formatted, 'name.formatted') ?? null;
  else if (!same(nameB.givenName, nameA.givenName) || !same(nameB.familyName, nameA.familyName)) {
    name = [text(nameA.givenName, 'name.givenName'), text(nameA.familyName, 'name.familyName')].filter(Boolean).join(' ') || null;
  }
  const userName = userNameOf(after);
  const email = same(before.emails, after.emails) && same(before.userName, after.userName) ? old.email : emailOf(after, userName);
  // Name parts are written only when the PATCH touched them: a user made in Slack shows parts split from one name.
  const parts = same(nameB.givenName, nameA.givenName) && same(nameB.familyName, nameA.familyName);
  return {
    email,
    userName,
    name,
    ...(parts ? {} : { givenName: namePart(after, 'givenName'), familyName: namePart(after, 'familyName') }),
    externalId: text(after.externalId, 'externalId') ?? null,
    active: booleanOf(after.active, 'active') ?? old.active,
    roles: same(before.roles, after.roles) ? undefined : (rolesOf(after) ?? []),
    properties: propertiesOf(after),
  };
}

/** Keeps what `attributes` asks for, or drops what `excludedAttributes` names; `id` and `schemas` always stay. */
export function project(resource: Resource, attributes?: string, excluded?: string): Resource {
  const include = attributeNames(attributes);
  const exclude = attributeNames(excluded);
  const always = new Set(['id', 'schemas']);
  const out: Resource = {};
  for (const [key, value] of Object.entries(resource)) {
    const lower = key.toLowerCase();
    if (include.length > 0) {
      if (always.has(lower) || include.includes(lower)) out[key] = value;
      else {
        const subs = include.filter((a) => a.startsWith(`${lower}.`)).map((a) => a.slice(lower.length + 1));
        if (subs.length > 0 && value && typeof value === 'object' && !Array.isArray(value)) {
          out[key] = Object.fromEntries(Object.entries(value).filter(([k]) => subs.includes(k.toLowerCase())));
        } else if (subs.length > 0 && Array.isArray(value)) {
          out[key] = value.map((item) =>
            Object.fromEntries(Object.entries(item as Resource).filter(([k]) => subs.includes(k.toLowerCase()))),
          );
        }
      }
    } else if (always.has(lower) || !exclude.includes(lower)) {
      const subs = exclude.filter((a) => a.startsWith(`${lower}.`)).map((a) => a.slice(lower.length + 1));
      out[key] =
        subs.length > 0 && value && typeof value === 'object' && !Array.isArray(value)
          ? Object.fromEntries(Object.entries(value).filter(([k]) => !subs.includes(k.toLowerCase())))
          : value;
    }
  }
  return out;
}

const CORE_PREFIX = /^urn:ietf:params:scim:schemas:core:2\.0:(user|group):/;

/**
 * A comma-separated list of attribute names, lower-cased, without the core schema's URN; an
 * extension's attribute is `<extension urn>.<attribute>`, so it selects inside the extension's object.
 */
function attributeNames(list?: string): string[] {
  const extension = ENTERPRISE_SCHEMA.toLowerCase();
  return (list ?? '')
    .split(',')
    .map((a) => a.trim().toLowerCase().replace(CORE_PREFIX, ''))
    .map((a) => (a.startsWith(`${extension}:`) ? `${extension}.${a.slice(extension.length + 1)}` : a))
    .filter(Boolean);
}
