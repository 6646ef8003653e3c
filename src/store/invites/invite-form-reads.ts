/** What the invite form offers, read in one go. */
import type { Role } from '../records';
import type { Db } from '../tx';

/** The invite form's choices: roles by precedence, groups besides All Users, permissions and partners by name. */
export interface InviteFormChoices {
  roles: Role[];
  groups: string[];
  permissions: { key: string; description: string }[];
  partners: string[];
}

/** The account's roles (highest precedence first), group names (not All Users), permissions and partner names. */
export async function inviteFormChoices(db: Db, accountId: string): Promise<InviteFormChoices> {
  const [roles, groups, permissions, partners] = await Promise.all([
    db.role.findMany({ where: { accountId }, orderBy: { precedence: 'desc' } }),
    db.group.findMany({
      where: { accountId, kind: { not: 'all_users' } },
      orderBy: { name: 'asc' },
      select: { name: true },
    }),
    db.permission.findMany({ where: { accountId }, orderBy: { key: 'asc' }, select: { key: true, description: true } }),
    db.partner.findMany({ where: { accountId }, orderBy: { nameKey: 'asc' }, select: { name: true } }),
  ]);
  return { roles, groups: groups.map((g) => g.name), permissions, partners: partners.map((p) => p.name) };
}
