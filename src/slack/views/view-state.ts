/**
 * Server-side copies of what a modal works on when it is too long for private_metadata (3 000
 * characters): the modal carries the copy's id instead. A copy is read only by the person who
 * opened the modal, and lasts a day (expired copies are pruned as new ones are saved).
 */
import { addHours, type Clock } from '../../domain/clock';
import type { Prisma, PrismaClient } from '../../store/generated/client';

const TTL_HOURS = 24;

export type ViewStateStore = ReturnType<typeof createViewStateStore>;

export function createViewStateStore(deps: { prisma: PrismaClient; accountId: string; clock: Clock }) {
  const { prisma, accountId, clock } = deps;
  return {
    /** Keeps `data` for `userId`; returns the id to put in the modal. */
    async save(userId: string, data: Prisma.InputJsonValue): Promise<string> {
      const now = clock.now();
      await prisma.viewState.deleteMany({ where: { accountId, expiresAt: { lt: now } } });
      const row = await prisma.viewState.create({ data: { accountId, userId, data, expiresAt: addHours(now, TTL_HOURS) } });
      return row.id;
    },
    /** The data kept under `id` for `userId`, or null when there is none (expired, or someone else's). */
    async load(id: string, userId: string): Promise<unknown> {
      const row = await prisma.viewState.findFirst({ where: { id, accountId, userId, expiresAt: { gt: clock.now() } } });
      return row?.data ?? null;
    },
  };
}
