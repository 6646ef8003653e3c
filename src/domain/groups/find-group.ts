/** Finding a group by name, case-insensitively: the one lookup every path shares. */
import { fail } from '../../errors';
import type { Group } from '../../store/generated/client';
import type { Db } from '../../store/tx';

/** The `where` of the account's group called `name` (names are unique per account whatever their case). */
export function groupNamed(accountId: string, name: string) {
  return { accountId, name: { equals: name.trim(), mode: 'insensitive' as const } };
}

/** The account's group called `name`, or a refusal naming it (on `field`, for a modal). */
export async function findGroup(db: Db, accountId: string, name: string, field = 'group'): Promise<Group> {
  const group = await db.group.findFirst({ where: groupNamed(accountId, name) });
  if (!group) throw fail.notFound(`There is no group \`${name.trim()}\`. See \`/users group list\`.`, { field });
  return group;
}
