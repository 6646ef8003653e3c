/** Test data written straight to the store (the directory as a test needs it to be). */
import { hashPassword } from '../../src/domain/secrets';
import type { Roster } from '../../src/main';
import type { UserStatus } from '../../src/store/generated/client';

export async function seedUser(
  roster: Pick<Roster, 'prisma' | 'accountId'>,
  user: {
    email: string;
    roles?: string[];
    status?: UserStatus;
    name?: string;
    slackUserId?: string;
    extraPermissions?: string[];
  },
) {
  const roles = await roster.prisma.role.findMany({
    where: { accountId: roster.accountId, key: { in: user.roles ?? ['viewer'] } },
  });
  return roster.prisma.user.create({
    data: {
      accountId: roster.accountId,
      email: user.email,
      name: user.name,
      status: user.status ?? 'active',
      slackUserId: user.slackUserId,
      extraPermissions: user.extraPermissions ?? [],
      roles: { create: roles.map((role) => ({ roleId: role.id })) },
    },
  });
}

/** A user who signs in with `password`. */
export async function seedWithPassword(
  roster: Pick<Roster, 'prisma' | 'accountId'>,
  email: string,
  password: string,
  user: { slackUserId?: string; status?: UserStatus } = {},
) {
  const seeded = await seedUser(roster, { email, ...user });
  await roster.prisma.user.update({ where: { id: seeded.id }, data: { passwordHash: await hashPassword(password) } });
  return seeded;
}

/** A fingerprint of everything a refused change must leave alone. */
export async function directoryState(roster: Pick<Roster, 'prisma'>): Promise<string> {
  const [users, roles, groups, memberships, props, audit, account] = await Promise.all([
    roster.prisma.user.findMany({
      orderBy: { email: 'asc' },
      select: { email: true, name: true, status: true, version: true, extraPermissions: true, passwordHash: true },
    }),
    roster.prisma.userRole.findMany({ orderBy: [{ userId: 'asc' }, { roleId: 'asc' }] }),
    roster.prisma.group.findMany({ orderBy: { name: 'asc' }, select: { name: true } }),
    roster.prisma.groupMembership.count(),
    roster.prisma.userProperty.findMany({ orderBy: [{ userId: 'asc' }, { key: 'asc' }] }),
    roster.prisma.auditEvent.count(),
    roster.prisma.account.findFirst({ select: { ownerId: true } }),
  ]);
  return JSON.stringify({ users, roles, groups, memberships, props, audit, account });
}
