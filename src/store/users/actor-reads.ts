/**
 * Reading directory users as actors (with their roles' keys, permissions, precedence, product, and the
 * time-bound grants in force at the caller's `now`).
 */
import type { Prisma } from '../generated/client';
import { inForce } from '../grants/grant-reads';
import type { Db } from '../tx';

const ROLE_FIELDS = { select: { key: true, permissions: true, precedence: true, product: true } } as const;

function actorInclude(now: Date) {
  return {
    roles: { include: { role: ROLE_FIELDS } },
    timedGrants: { where: inForce(now), include: { role: ROLE_FIELDS } },
  } as const;
}

/** A user with what their roles and their time-bound grants in force grant: what an actor is built from. */
export type ActorUser = Prisma.UserGetPayload<{ include: ReturnType<typeof actorInclude> }>;

/** The account's user with the address `email` (already normalised), or null. */
export function findActorUserByEmail(db: Db, accountId: string, email: string, now: Date): Promise<ActorUser | null> {
  return db.user.findUnique({ where: { accountId_email: { accountId, email } }, include: actorInclude(now) });
}

/** The user `userId` (in whichever account), or null. */
export function findActorUserById(db: Db, userId: string, now: Date): Promise<ActorUser | null> {
  return db.user.findUnique({ where: { id: userId }, include: actorInclude(now) });
}

/** The account's user `userId`, or null when the account has no such user. */
export function findAccountActorUser(db: Db, accountId: string, userId: string, now: Date): Promise<ActorUser | null> {
  return db.user.findFirst({ where: { id: userId, accountId }, include: actorInclude(now) });
}

/** The account's user linked to the Slack user `slackUserId`, or null. */
export function findActorUserBySlackId(db: Db, accountId: string, slackUserId: string, now: Date): Promise<ActorUser | null> {
  return db.user.findUnique({ where: { accountId_slackUserId: { accountId, slackUserId } }, include: actorInclude(now) });
}
