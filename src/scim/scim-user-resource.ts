/**
 * Roster's user as a SCIM User resource, and back: what the identity provider sent (POST, PUT, or
 * the resource after a PATCH) as the `scim-user` change's attributes. `userName` and the primary
 * e-mail are the e-mail; `displayName`, `name.formatted` or given and family name are the one name.
 */

import { isValidEmail } from '../domain/email';
import { roleLabel } from '../domain/roles/role-grants';
import type { UserRecord } from '../store/users/user-reads';
import { ScimError } from './scim-errors';
import type { PatchAttribute, PatchSchema } from './scim-patch';

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
    {
      name: 'emails',
      type: 'complex',
      multiValued: true,
      subAttributes: [stringAttribute('value'), stringAttribute('type'), { name: 'primary', type: 'boolean' }],
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
};

/** The attributes of a `scim-user` change. */
export interface ScimUserAttributes {
  email: string;
  name: string | null;
  externalId: string | null;
  active: boolean;
  roles?: string[];
}

type Resource = Record<string, unknown>;

/** Roster's one name as SCIM's parts: the last word is the family name. */
function nameParts(name: string | null) {
  if (!name) return undefined;
  const words = name.trim().split(/\s+/);
  const familyName = words.length > 1 ? words.pop() : undefined;
  return { formatted: name, givenName: words.join(' '), ...(familyName ? { familyName } : {}) };
}

/** The SCIM User for a directory user; `version` is the user's `version` as a weak ETag. */
export function userResource(user: UserRecord, baseUrl: string): Resource {
  const name = nameParts(user.name);
  return {
    schemas: [USER_SCHEMA],
    id: user.id,
    ...(user.externalId ? { externalId: user.externalId } : {}),
    userName: user.email,
    ...(name ? { name, displayName: user.name } : {}),
    emails: [{ value: user.email, type: 'work', primary: true }],
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

/** The e-mail: `userName` when it is an address (Okta), else the primary or work e-mail (Entra's UPNs). */
function emailOf(resource: Resource): string {
  const userName = text(resource.userName, 'userName');
  const email = userName && isValidEmail(userName.toLowerCase()) ? userName : (primaryEmail(resource) ?? userName);
  if (!email) throw new ScimError(400, 'userName is required.', 'invalidValue');
  return email;
}

/** A POST or PUT body as the attributes of a `scim-user` change; `active` defaults to true. */
export function attributesOf(resource: Resource): ScimUserAttributes {
  if (typeof resource !== 'object' || resource === null || Array.isArray(resource))
    throw new ScimError(400, 'The body must be a SCIM User object.', 'invalidSyntax');
  return {
    email: emailOf(resource),
    name: nameOf(resource),
    externalId: text(resource.externalId, 'externalId') ?? null,
    active: booleanOf(resource.active, 'active') ?? true,
    roles: rolesOf(resource),
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
  let email = old.email;
  if (!same(before.userName, after.userName)) email = emailOf(after);
  else if (!same(before.emails, after.emails)) email = primaryEmail(after) ?? old.email;
  return {
    email,
    name,
    externalId: text(after.externalId, 'externalId') ?? null,
    active: booleanOf(after.active, 'active') ?? old.active,
    roles: same(before.roles, after.roles) ? undefined : (rolesOf(after) ?? []),
  };
}

/** Keeps what `attributes` asks for, or drops what `excludedAttributes` names; `id` and `schemas` always stay. */
export function project(resource: Resource, attributes?: string, excluded?: string): Resource {
  const names = (list?: string) =>
    (list ?? '')
      .split(',')
      .map((a) =>
        a
          .trim()
          .toLowerCase()
          .replace(/^urn:ietf:params:scim:schemas:core:2\.0:user:/, ''),
      )
      .filter(Boolean);
  const include = names(attributes);
  const exclude = names(excluded);
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
    } else if (always.has(lower) || !exclude.includes(lower)) out[key] = value;
  }
  return out;
}
