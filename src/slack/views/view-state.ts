/**
 * Server-side copies of what a modal works on when it is too long for private_metadata (3 000
 * characters): the modal carries the copy's id instead. A copy is read only by the person who
 * opened the modal, and lasts a day (expired copies are pruned as new ones are saved).
 */
import { addHours, type Clock } from '../../domain/clock';
import type { Json } from '../../store/records';
import { createViewState, findViewStateData, pruneExpiredViewStates } from '../../store/sign-in/view-states';
import type { Store } from '../../store/tx';

const TTL_HOURS = 24;

export type ViewStateStore = ReturnType<typeof createViewStateStore>;

export function createViewStateStore(deps: { prisma: Store; accountId: string; clock: Clock }) {
  const { prisma, accountId, clock } = deps;
  return {
    /** Keeps `data` for `userId`; returns the id to put in the modal. */
    async save(userId: string, data: Json): Promise<string> {
      const now = clock.now();
      await pruneExpiredViewStates(prisma, accountId, now);
      return createViewState(prisma, accountId, userId, data, addHours(now, TTL_HOURS));
    },
    /** The data kept under `id` for `userId`, or null when there is none (expired, or someone else's). */
    async load(id: string, userId: string): Promise<unknown> {
      return findViewStateData(prisma, accountId, id, userId, clock.now());
    },
  };
}
