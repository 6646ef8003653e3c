/** Finding a group by name, case-insensitively: the one lookup every path shares. */
import { fail } from '../../errors';
import { findGroupByName } from '../../store/groups/group-reads';
import type { Group } from '../../store/records';
import type { Db } from '../../store/tx';

/**
 * The account's group called `name` (names are unique per account whatever their case), or a refusal
 * naming it (on `field`, for a modal).
 */
export async function findGroup(db: Db, accountId: string, name: string, field = 'group'): Promise<Group> {
  const group = await findGroupByName(db, accountId, name);
  if (!group) throw fail.notFound(`There is no group \`${name.trim()}\`. See \`/users group list\`.`, { field });
  return group;
}
