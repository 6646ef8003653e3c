/** Reading directory users as actors (with their roles' keys, permissions, precedence, product), and counting them. */
import type { Prisma } from '../generated/client';
import type { Db } from '../tx';

const ACTOR_INCLUDE = {
  roles: { include: { role: { select: { key: true, permissions: true, precedence: true, product: true } } } },
} as const;

/** A user with what their roles grant: what an actor is built from. */
export type ActorUser = Prisma.UserGetPayload<{ include: typeof ACTOR_INCLUDE }>;

/** The account's user with the address `email` (already normalised), or null. */
export function findActorUserByEmail(db: Db, accountId: string, email: string): Promise<ActorUser | null> {
  return db.user.findUnique({ where: { accountId_email: { accountId, email } }, include: ACTOR_INCLUDE });
}

/** The user `userId` (in whichever account), or null. */
export function findActorUserById(db: Db, userId: string): Promise<ActorUser | null> {
  return db.user.findUnique({ where: { id: userId }, include: ACTOR_INCLUDE });
}

/** The account's user `userId`, or null when the account has no such user. */
export function findAccountActorUser(db: Db, accountId: string, userId: string): Promise<ActorUser | null> {
  return db.user.findFirst({ where: { id: userId, accountId }, include: ACTOR_INCLUDE });
}

/** The account's user linked to the Slack user `slackUserId`, or null. */
export function findActorUserBySlackId(db: Db, accountId: string, slackUserId: string): Promise<ActorUser | null> {
  return db.user.findUnique({ where: { accountId_slackUserId: { accountId, slackUserId } }, include: ACTOR_INCLUDE });
}
