/**
 * Assets the managed product registers: locking one by its external id, writing it, counting them by
 * owner, and handing deleted users' assets to the owner.
 */
import type { Asset } from '../records';
import type { Db, Tx } from '../tx';

/** What registering an asset sets. */
export interface AssetFields {
  kind: string;
  name: string;
  ownerId: string;
  transferable: boolean;
}

/** The account's asset of `kind` with `externalId`, locked until the transaction ends; null when none. */
export async function lockAssetByExternalId(
  tx: Tx,
  accountId: string,
  kind: string,
  externalId: string,
): Promise<{ id: string; ownerId: string } | null> {
  const [existing] = await tx.$queryRaw<{ id: string; ownerId: string }[]>`
              SELECT "id", "ownerId" FROM "Asset"
              WHERE "accountId" = ${accountId} AND "kind" = ${kind} AND "externalId" = ${externalId}
              FOR UPDATE`;
  return existing ?? null;
}

/** Sets the fields of asset `id`; returns it. */
export function updateAsset(db: Db, id: string, fields: AssetFields): Promise<Asset> {
  return db.asset.update({ where: { id }, data: fields });
}

/** Creates an asset (fails on a unique violation when `externalId` is taken); returns it. */
export function createAsset(db: Db, accountId: string, externalId: string | undefined, fields: AssetFields): Promise<Asset> {
  return db.asset.create({ data: { accountId, externalId, ...fields } });
}

/** How many assets these users own that are (or are not) transferable. */
export function countOwnedAssets(db: Db, ownerIds: string[], transferable: boolean): Promise<number> {
  return db.asset.count({ where: { ownerId: { in: ownerIds }, transferable } });
}

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
