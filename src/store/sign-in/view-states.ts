/** Server-side copies of what a modal works on (view state): saving, pruning and reading them. */
import type { Json } from '../records';
import type { Db } from '../tx';

/** Deletes the account's copies that expired before `now`. */
export async function pruneExpiredViewStates(db: Db, accountId: string, now: Date): Promise<void> {
  await db.viewState.deleteMany({ where: { accountId, expiresAt: { lt: now } } });
}

/** Keeps `data` for `userId` until `expiresAt`; returns the copy's id. */
export async function createViewState(db: Db, accountId: string, userId: string, data: Json, expiresAt: Date): Promise<string> {
  const row = await db.viewState.create({ data: { accountId, userId, data, expiresAt } });
  return row.id;
}

/** The data of copy `id` kept for `userId` and not expired at `now`; null when there is none. */
export async function findViewStateData(db: Db, accountId: string, id: string, userId: string, now: Date): Promise<unknown> {
  const row = await db.viewState.findFirst({ where: { id, accountId, userId, expiresAt: { gt: now } } });
  return row?.data ?? null;
}
