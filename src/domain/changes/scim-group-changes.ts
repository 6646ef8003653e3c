/**
 * Group changes the identity provider makes over SCIM: create or update a group (its name and
 * members added or removed by user id) and delete one. All Users is implicit and read-only; Default
 * can be renamed and given members but not deleted. Members' versions are bumped (their groups are
 * part of them) and so is the group's, its SCIM `meta.version`.
 */
import { fail, RosterError } from '../../errors';
import { findGroupById, findGroupByName, groupMemberIds } from '../../store/groups/group-reads';
import { addGroupMembers, createGroup, removeGroupMembers, renameGroup } from '../../store/groups/group-writes';
import type { Group } from '../../store/records';
import { userEmailsByIds } from '../../store/users/user-reads';
import type { ChangeContext, ChangeHandler } from './change-handler';
import { cleanGroupName, removeGroup } from './group-changes';

/** A group after a SCIM change, and whether it was created by it. */
export interface ScimGroupResult {
  groupId: string;
  created: boolean;
}

async function groupById(context: ChangeContext, id: string): Promise<Group> {
  const group = await findGroupById(context.tx, context.accountId, id);
  if (!group) throw fail.notFound('That group is no longer in the directory.');
  return group;
}

/** Users of the account by id; an id that names nobody is refused with the field at fault. */
async function usersByIds(context: ChangeContext, ids: string[]) {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return [];
  const users = await userEmailsByIds(context.tx, context.accountId, unique);
  const missing = unique.filter((id) => !users.some((u) => u.id === id));
  if (missing.length > 0)
    throw fail.notFound(`No user ${missing.slice(0, 5).join(', ')} in the directory.`, { field: 'members' });
  return users;
}

/** Creates a group or renames it and adds and removes members, all or nothing. */
export const scimGroup: ChangeHandler<'scim-group', ScimGroupResult> = {
  permissions: () => ['groups:manage'],
  async apply(context, change) {
    const { tx, accountId } = context;
    const name = change.displayName === undefined ? undefined : cleanGroupName(change.displayName, 'displayName');
    let existing: Group | null = null;
    if (change.group) {
      existing = await groupById(context, change.group.id);
      if (change.ifVersion !== undefined && existing.version !== change.ifVersion)
        throw new RosterError('stale', `${existing.name} changed since version ${change.ifVersion}; read it again.`);
      if (existing.kind === 'all_users')
        throw fail.badInput('All Users is every user; it cannot be changed.', { field: 'group' });
    } else if (!name) throw fail.badInput('A group needs a displayName.', { field: 'displayName' });
    if (name !== undefined && name !== existing?.name) {
      const clash = await findGroupByName(tx, accountId, name, existing?.id);
      if (clash) throw fail.conflict(`A group named ${clash.name} already exists.`, { field: 'displayName' });
    }
    const created = existing === null;
    const finalName = name ?? (existing as Group).name;
    const externalId = change.externalId === undefined ? undefined : change.externalId?.trim() || null;
    const group = existing
      ? await renameGroup(tx, existing.id, finalName, externalId)
      : await createGroup(tx, accountId, finalName, externalId ?? null);
    const before = existing?.name ?? null;
    // Only real changes count: adding a member or removing a non-member touches nobody (no version bump,
    // which would make a pending approval about them stale for nothing) and is not in the trail.
    const members = new Set(await groupMemberIds(tx, group.id));
    const added = (await usersByIds(context, change.add)).filter((u) => !members.has(u.id));
    const removed = (await usersByIds(context, change.remove)).filter((u) => members.has(u.id));
    const removedIds = removed.map((u) => u.id);
    const addedIds = added.map((u) => u.id);
    if (removedIds.length > 0) await removeGroupMembers(tx, group.id, removedIds);
    if (addedIds.length > 0) await addGroupMembers(tx, group.id, addedIds);
    const touched = [...new Set([...addedIds, ...removedIds])];
    const audit = [
      ...(created ? [{ action: 'group.created', after: { group: finalName } }] : []),
      ...(before !== null && before !== finalName
        ? [{ action: 'group.renamed', before: { group: before }, after: { group: finalName } }]
        : []),
      ...(existing && externalId !== undefined && externalId !== existing.externalId
        ? [
            {
              action: 'group.external-id-changed',
              before: { group: finalName, externalId: existing.externalId },
              after: { externalId },
            },
          ]
        : []),
      ...(added.length + removed.length > 0
        ? [
            {
              action: 'group.members-changed',
              after: { group: finalName, added: added.map((u) => u.email), removed: removed.map((u) => u.email) },
            },
          ]
        : []),
    ];
    return {
      result: { groupId: group.id, created },
      stored: { ...change, ...(created ? {} : { group: { id: group.id } }) },
      summary: `${created ? 'Create' : 'Update'} the group ${finalName} from the identity provider.`,
      outcome: `${created ? 'Created' : 'Updated'} the group ${finalName}.`,
      touched,
      targets: touched,
      gains: [],
      facts: { users: touched.length },
      audit,
    };
  },
};

/** Deletes a custom group (its members stay in the directory). */
export const scimGroupDelete: ChangeHandler<'scim-group-delete', { name: string; members: number }> = {
  permissions: () => ['groups:manage'],
  async apply(context, change) {
    const group = await groupById(context, change.group.id);
    if (change.ifVersion !== undefined && group.version !== change.ifVersion)
      throw new RosterError('stale', `${group.name} changed since version ${change.ifVersion}; read it again.`);
    return removeGroup(context, group, change, 'group');
  },
};
