/**
 * Roster's group as a SCIM Group resource (RFC 7643 §4.2), and back: what the identity provider
 * sent (POST, PUT, or the resource after a PATCH) as the fields of a `scim-group` change.
 */
import type { GroupWithMembers } from '../domain/scim/scim-directory';
import { ScimError } from './scim-errors';
import { UUID } from './scim-http';
import type { PatchSchema } from './scim-patch';
import { etagOf } from './scim-user-resource';

export const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';

/** Every attribute of the Group resource below, for PATCH: a path or value naming anything else is `invalidPath`. */
export const GROUP_ATTRIBUTES: PatchSchema = {
  urn: GROUP_SCHEMA,
  attributes: [
    { name: 'schemas', type: 'string', multiValued: true, mutability: 'readOnly' },
    { name: 'id', type: 'string', mutability: 'readOnly', caseExact: true },
    { name: 'externalId', type: 'string', caseExact: true },
    { name: 'meta', type: 'complex', mutability: 'readOnly' },
    { name: 'displayName', type: 'string', required: true },
    {
      name: 'members',
      type: 'complex',
      multiValued: true,
      // Only `value` counts (display, type and $ref are Roster's); a member is added or removed, never re-pointed.
      subAttributes: [
        { name: 'value', type: 'string', mutability: 'immutable' },
        { name: 'display', type: 'string', mutability: 'readOnly' },
        { name: 'type', type: 'string', mutability: 'readOnly' },
        { name: '$ref', type: 'string', mutability: 'readOnly' },
      ],
    },
  ],
};

type Resource = Record<string, unknown>;

/** The SCIM Group for a group; `version` is the group's `version` as a weak ETag. */
export function groupResource(group: GroupWithMembers, baseUrl: string): Resource {
  return {
    schemas: [GROUP_SCHEMA],
    id: group.id,
    ...(group.externalId ? { externalId: group.externalId } : {}),
    displayName: group.name,
    members: group.members.map((m) => ({ value: m.id, $ref: `${baseUrl}/Users/${m.id}`, display: m.email, type: 'User' })),
    meta: {
      resourceType: 'Group',
      created: group.createdAt.toISOString(),
      lastModified: group.updatedAt.toISOString(),
      location: `${baseUrl}/Groups/${group.id}`,
      version: etagOf(group.version),
    },
  };
}

export function displayNameOf(resource: Resource): string | undefined {
  const name = resource.displayName;
  if (name === undefined || name === null) return undefined;
  if (typeof name !== 'string') throw new ScimError(400, 'displayName must be a string.', 'invalidValue');
  return name;
}

/** The group's `externalId`: a string, or null when absent or empty. */
export function externalIdOf(resource: Resource): string | null {
  const id = resource.externalId;
  if (id === undefined || id === null) return null;
  if (typeof id !== 'string') throw new ScimError(400, 'externalId must be a string.', 'invalidValue');
  if (id.length > 400) throw new ScimError(400, 'externalId is at most 400 characters.', 'invalidValue');
  return id.trim() === '' ? null : id;
}

/** The user ids in `members`; each must be a Roster user id. */
export function memberIds(resource: Resource): string[] {
  const members = resource.members ?? [];
  if (!Array.isArray(members)) throw new ScimError(400, 'members must be a list.', 'invalidValue');
  return members.map((member) => {
    const value = typeof member === 'string' ? member : (member as Resource)?.value;
    if (typeof value !== 'string' || !UUID.test(value))
      throw new ScimError(400, 'Each member needs a value: the id of a user.', 'invalidValue');
    return value;
  });
}

/** The members to add and remove to go from `current` to `wanted`. */
export function delta(current: string[], wanted: string[]) {
  const now = new Set(current);
  const next = new Set(wanted);
  return { add: [...next].filter((id) => !now.has(id)), remove: [...now].filter((id) => !next.has(id)) };
}
