/** Bulk test data for benchmarks: many users (and their invites) inserted in large statements. */
import { randomUUID } from 'node:crypto';
import type { Roster } from '../src/main';

export async function seedUsers(
  roster: Pick<Roster, 'prisma' | 'accountId'>,
  count: number,
  options: {
    status?: 'active' | 'invited';
    invite?: (i: number) => { sentAt: Date; expiresAt: Date };
    /** Distinguishes the addresses of several seedings of one account. */
    prefix?: string;
    /** The one role each user holds (`viewer` unless told). */
    role?: string;
    /** Links each user to a Slack user, as a first command from them would. */
    slackUserId?: (i: number) => string;
  } = {},
): Promise<void> {
  const roleId = (
    await roster.prisma.role.findFirstOrThrow({ where: { accountId: roster.accountId, key: options.role ?? 'viewer' } })
  ).id;
  const owner = await roster.prisma.account.findUniqueOrThrow({ where: { id: roster.accountId } });
  for (let start = 0; start < count; start += 2000) {
    const users = Array.from({ length: Math.min(2000, count - start) }, (_, j) => ({
      id: randomUUID(),
      accountId: roster.accountId,
      email: `${options.prefix ?? 'bench'}${start + j}@example.com`,
      name: `Bench, "User" ${start + j}`,
      status: options.status ?? ('active' as const),
      invitedById: owner.ownerId,
      slackUserId: options.slackUserId?.(start + j) ?? null,
    }));
    await roster.prisma.user.createMany({ data: users });
    await roster.prisma.userRole.createMany({ data: users.map((u) => ({ userId: u.id, roleId })) });
    const invite = options.invite;
    if (invite) {
      await roster.prisma.invite.createMany({
        data: users.map((u, j) => {
          const { sentAt, expiresAt } = invite(start + j);
          return {
            accountId: roster.accountId,
            userId: u.id,
            tokenHash: randomUUID(),
            tokenNonce: randomUUID(),
            sentAt,
            lastSentAt: sentAt,
            expiresAt,
            invitedById: owner.ownerId,
          };
        }),
      });
    }
  }
}
