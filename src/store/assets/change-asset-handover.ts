/** Handing deleted users' assets to the owner. */
import type { Db } from '../tx';

/**
 * Moves every asset the users own to `ownerId`; the non-transferable ones are flagged as needing
 * reconfiguration. How many of each moved.
 */
export async function handOverAssets(
  db: Db,
  userIds: string[],
  ownerId: string,
): Promise<{ transferable: number; nonTransferable: number }> {
  const moved = await db.asset.updateMany({
    where: { ownerId: { in: userIds }, transferable: true },
    data: { ownerId },
  });
  const flagged = await db.asset.updateMany({
    where: { ownerId: { in: userIds }, transferable: false },
    data: { ownerId, needsReconfiguration: true },
  });
  return { transferable: moved.count, nonTransferable: flagged.count };
}
