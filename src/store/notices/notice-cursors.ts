/**
 * Notice cursors (table NoticeCursor): how far a digest has read a stream of events, per account.
 */
import type { Db, Tx } from '../tx';

/** The position of the account's cursor `name`; 0 when it does not exist yet. */
export async function readNoticeCursor(db: Db, accountId: string, name: string): Promise<bigint> {
  const rows = await db.$queryRaw<{ position: bigint }[]>`
    SELECT "position" FROM "NoticeCursor" WHERE "accountId" = ${accountId} AND "name" = ${name}`;
  return rows[0]?.position ?? 0n;
}

/** Locks the account's cursor `name` until the transaction ends and returns its position; 0 when it does not exist. */
export async function lockNoticeCursor(tx: Tx, accountId: string, name: string): Promise<bigint> {
  const rows = await tx.$queryRaw<{ position: bigint }[]>`
    SELECT "position" FROM "NoticeCursor" WHERE "accountId" = ${accountId} AND "name" = ${name} FOR UPDATE`;
  return rows[0]?.position ?? 0n;
}

/** Creates the account's cursor `name` at position 0 unless it exists. */
export async function ensureNoticeCursor(db: Db, accountId: string, name: string, now: Date): Promise<void> {
  await db.$executeRaw`
    INSERT INTO "NoticeCursor" ("accountId", "name", "position", "updatedAt")
    VALUES (${accountId}, ${name}, 0, ${now})
    ON CONFLICT ("accountId", "name") DO NOTHING`;
}

/** Moves the account's cursor `name` to `position`. */
export async function moveNoticeCursor(db: Db, accountId: string, name: string, position: bigint): Promise<void> {
  await db.noticeCursor.update({
    where: { accountId_name: { accountId, name } },
    data: { position },
  });
}
