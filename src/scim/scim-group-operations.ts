/**
 * What POST, PUT, PATCH and DELETE of a SCIM Group do, apart from HTTP: the single routes
 * (scim-group-routes.ts) and /Bulk (scim-bulk.ts) run this same code, so an operation is the same
 * `scim-group` or `scim-group-delete` change, with the same rules and audit, whichever way it arrives.
 */
import type { Actor } from '../domain/access/actor';
import type { ChangeService } from '../domain/changes/change-service';
import type { ChangeOf } from '../domain/changes/directory-change';
import type { GroupWithMembers, ScimDirectory } from '../domain/scim/scim-directory';
import { ScimError } from './scim-errors';
import { delta, displayNameOf, externalIdOf, GROUP_ATTRIBUTES, groupResource, memberIds } from './scim-group-resource';
import { applyPatch, patchOperations, UUID } from './scim-http';
import type { OperationResult } from './scim-user-operations';
import { etagOf } from './scim-user-resource';

type Resource = Record<string, unknown>;

export type ScimGroupOperations = ReturnType<typeof scimGroupOperations>;

export function scimGroupOperations(deps: { scim: ScimDirectory; changes: ChangeService; actor: Actor; baseUrl: string }) {
  const { scim, changes, actor, baseUrl } = deps;

  async function found(id: string): Promise<GroupWithMembers> {
    const group = UUID.test(id) ? await scim.getGroup(id) : null;
    if (!group) throw new ScimError(404, `No group ${id}.`);
    return group;
  }

  function writable(group: GroupWithMembers): void {
    if (group.kind === 'all_users') throw new ScimError(400, 'All Users is every user; it is read-only.', 'mutability');
  }

  /** The group as an operation's answer, read after the change committed (its version is the stored one). */
  async function answer(status: number, id: string): Promise<OperationResult> {
    const group = await found(id);
    return {
      status,
      id: group.id,
      resource: groupResource(group, baseUrl),
      etag: etagOf(group.version),
      location: `${baseUrl}/Groups/${group.id}`,
    };
  }

  async function submit(change: ChangeOf<'scim-group'>): Promise<string> {
    const submission = await changes.submit(actor, change);
    if (submission.status !== 'done') throw new ScimError(500, 'The change was not applied.');
    return submission.result.groupId;
  }

  const operations = {
    found,
    answer,

    /** The `scim-group` change a POST body makes (a create); parsing errors are thrown here, before anything is written. */
    createChange(body: unknown): ChangeOf<'scim-group'> {
      const resource = (body ?? {}) as Resource;
      const displayName = displayNameOf(resource);
      if (!displayName) throw new ScimError(400, 'A group needs a displayName.', 'invalidValue');
      return { kind: 'scim-group', displayName, externalId: externalIdOf(resource), add: memberIds(resource), remove: [] };
    },

    /** POST /Groups: 201 with the new group. */
    async create(body: unknown): Promise<OperationResult> {
      return answer(201, await submit(operations.createChange(body)));
    },

    /** PUT /Groups/:id: the name, externalId and members as sent. */
    async replace(id: string, body: unknown, ifVersion: number | undefined): Promise<OperationResult> {
      const group = await found(id);
      writable(group);
      const resource = (body ?? {}) as Resource;
      const members = delta(
        group.members.map((m) => m.id),
        memberIds(resource),
      );
      return answer(
        200,
        await submit({
          kind: 'scim-group',
          group: { id: group.id },
          ifVersion,
          displayName: displayNameOf(resource),
          externalId: externalIdOf(resource),
          ...members,
        }),
      );
    },

    /** PATCH /Groups/:id: the operations applied to the group's resource, submitted as the members they add and remove and the new name. */
    async patch(id: string, body: unknown, ifVersion: number | undefined): Promise<OperationResult> {
      const patch = patchOperations(body);
      const group = await found(id);
      writable(group);
      const before = groupResource(group, baseUrl);
      const after = applyPatch(before, patch, GROUP_ATTRIBUTES);
      const members = delta(memberIds(before), memberIds(after));
      const name = displayNameOf(after);
      // Members are added and removed as deltas, so a PATCH without If-Match applies to the group as it is now.
      return answer(
        200,
        await submit({
          kind: 'scim-group',
          group: { id: group.id },
          ifVersion,
          displayName: name === group.name ? undefined : name,
          externalId: externalIdOf(after),
          ...members,
        }),
      );
    },

    /** DELETE /Groups/:id: custom groups only (Default and All Users are built in). */
    async remove(id: string, ifVersion: number | undefined): Promise<OperationResult> {
      const group = await found(id);
      writable(group);
      if (group.kind === 'default') throw new ScimError(400, `${group.name} is built in and cannot be deleted.`, 'mutability');
      await changes.submit(actor, { kind: 'scim-group-delete', group: { id: group.id }, ifVersion });
      return { status: 204 };
    },
  };
  return operations;
}
