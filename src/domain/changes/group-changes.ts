/**
 * Groups as admins change them in Slack: create, rename and delete, and many members added or removed
 * at once. All Users is implicit and
 * neither renamed nor deleted; Default can be renamed, not deleted. Names are unique per account
 * whatever their case. A deleted group's members stay in the directory; their versions are bumped,
 * since their groups are part of them (as when the identity provider deletes a group).
 */
import { fail } from '../../errors';
import { findGroupByName, groupMemberIds } from '../../store/groups/group-reads';
import { addGroupMembers, createGroup, deleteGroup, removeGroupMembers, renameGroup } from '../../store/groups/group-writes';
import type { Group } from '../../store/records';
import { type UserEmail, userEmailsByEmails } from '../../store/users/user-reads';
import { isValidEmail, normaliseEmail } from '../email';
import { findGroup } from '../groups/find-group';
import { type Applied, type ChangeContext, type ChangeHandler, touchingNoUser } from './change-handler';
import type { DirectoryChange } from './directory-change';

/** A group's name as given: spaces collapsed, 1 to 60 characters. */
export function cleanGroupName(name: string, field = 'name'): string {
  const trimmed = name.trim().replace(/\s+/g, ' ');
  if (trimmed.length === 0 || trimmed.length > 60) throw fail.badInput('A group name is 1 to 60 characters.', { field });
  return trimmed;
}

async function refuseTaken(context: ChangeContext, name: string, except?: string): Promise<void> {
  const clash = await findGroupByName(context.tx, context.accountId, name, except);
  if (clash) throw fail.conflict(`A group named ${clash.name} already exists.`, { field: 'name' });
}

/** `/users group create <name>`. */
export const groupCreate: ChangeHandler<'group-create', { name: string }> = {
  permissions: () => ['groups:manage'],
  async apply(context, change) {
    const name = cleanGroupName(change.name);
    await refuseTaken(context, name);
    await createGroup(context.tx, context.accountId, name);
    return touchingNoUser(
      { name },
      {
        stored: change,
        summary: `Create the group ${name}.`,
        outcome: `Created the group ${name}.`,
        audit: [{ action: 'group.created', after: { group: name } }],
      },
    );
  },
};

/** `/users group rename <old> <new>`. */
export const groupRename: ChangeHandler<'group-rename', { from: string; to: string }> = {
  permissions: () => ['groups:manage'],
  async apply(context, change) {
    const to = cleanGroupName(change.to);
    const group = await findGroup(context.tx, context.accountId, change.group, 'name');
    if (group.kind === 'all_users') throw fail.badInput('All Users cannot be renamed.', { field: 'name' });
    await refuseTaken(context, to, group.id);
    await renameGroup(context.tx, group.id, to);
    return touchingNoUser(
      { from: group.name, to },
      {
        stored: change,
        summary: `Rename the group ${group.name} to ${to}.`,
        outcome: `Renamed ${group.name} to ${to}.`,
        audit: [{ action: 'group.renamed', before: { group: group.name }, after: { group: to } }],
      },
    );
  },
};

/** Who a `group-members` change added and removed, and who was already as asked. */
export interface GroupMembersResult {
  group: string;
  added: string[];
  removed: string[];
  unchanged: string[];
}

/** The users of these addresses, all or nothing: an address that is not valid or names nobody is refused, naming it. */
async function usersOfAddresses(context: ChangeContext, addresses: string[]) {
  const emails = [...new Set(addresses.map(normaliseEmail))];
  const invalid = emails.filter((email) => !isValidEmail(email));
  if (invalid.length > 0) throw fail.badInput(`Not an e-mail address: ${invalid.slice(0, 5).join(', ')}.`, { field: 'emails' });
  const found = new Map((await userEmailsByEmails(context.tx, context.accountId, emails)).map((u) => [u.email, u]));
  const missing = emails.filter((email) => !found.has(email));
  if (missing.length > 0) {
    const more = missing.length > 5 ? ` and ${missing.length - 5} more` : '';
    throw fail.notFound(`Not in the directory: ${missing.slice(0, 5).join(', ')}${more}.`, { field: 'emails' });
  }
  // In the order given, so the answer and the trail list them as the admin typed them.
  return emails.map((email) => found.get(email) as UserEmail);
}

/**
 * `/users group add|remove <group> <addresses…>`: many people into or out of one group in one change,
 * all or nothing. Only real changes count (adding a member or removing a non-member touches nobody);
 * the members' versions are bumped, since their groups are part of them.
 */
export const groupMembers: ChangeHandler<'group-members', GroupMembersResult> = {
  permissions: () => ['groups:manage'],
  async apply(context, change) {
    const group = await findGroup(context.tx, context.accountId, change.group, 'group');
    if (group.kind === 'all_users')
      throw fail.badInput('Everyone is in All Users; its members cannot be added or removed by hand.', { field: 'group' });
    if (change.add.length + change.remove.length === 0)
      throw fail.badInput('Give at least one e-mail address.', { field: 'emails' });
    const members = new Set(await groupMemberIds(context.tx, group.id));
    const toAdd = (await usersOfAddresses(context, change.add)).filter((u) => !members.has(u.id));
    const toRemove = (await usersOfAddresses(context, change.remove)).filter((u) => members.has(u.id));
    if (toRemove.length > 0)
      await removeGroupMembers(
        context.tx,
        group.id,
        toRemove.map((u) => u.id),
      );
    if (toAdd.length > 0)
      await addGroupMembers(
        context.tx,
        group.id,
        toAdd.map((u) => u.id),
      );
    const touched = [...toAdd, ...toRemove].map((u) => u.id);
    const added = toAdd.map((u) => u.email);
    const removed = toRemove.map((u) => u.email);
    const asked = [...change.add, ...change.remove].map(normaliseEmail);
    const unchanged = [...new Set(asked)].filter((email) => !added.includes(email) && !removed.includes(email));
    return {
      result: { group: group.name, added, removed, unchanged },
      stored: change,
      summary: `Add ${added.length} and remove ${removed.length} member${removed.length === 1 ? '' : 's'} of the group ${group.name}.`,
      outcome: `Changed the members of ${group.name}: ${added.length} added, ${removed.length} removed.`,
      touched,
      targets: touched,
      gains: [],
      facts: { users: touched.length },
      audit: touched.length > 0 ? [{ action: 'group.members-changed', after: { group: group.name, added, removed } }] : [],
    };
  },
};

/** `/users group delete <name>`: its members stay in the directory. */
export const groupDelete: ChangeHandler<'group-delete', { name: string; members: number }> = {
  permissions: () => ['groups:manage'],
  async apply(context, change) {
    const group = await findGroup(context.tx, context.accountId, change.group, 'name');
    return removeGroup(context, group, change, 'name');
  },
};

/** Deletes a custom group, from Slack or the identity provider; built-in groups are refused on `field`. */
export async function removeGroup(
  context: ChangeContext,
  group: Group,
  change: DirectoryChange,
  field: string,
): Promise<Applied<{ name: string; members: number }>> {
  if (group.kind !== 'custom') {
    throw fail.badInput(
      `${group.name} is built in and cannot be deleted${group.kind === 'default' ? ' (it can be renamed)' : ''}.`,
      { field },
    );
  }
  const touched = await groupMemberIds(context.tx, group.id);
  await deleteGroup(context.tx, group.id);
  return {
    result: { name: group.name, members: touched.length },
    stored: change,
    summary: `Delete the group ${group.name} (its ${touched.length} members stay in the directory).`,
    outcome: `Deleted the group ${group.name}.`,
    touched,
    targets: touched,
    gains: [],
    facts: { users: touched.length },
    audit: [{ action: 'group.deleted', before: { group: group.name, members: touched.length } }],
  };
}
