/**
 * What services need from the store: a handle that may be the root client or an open transaction,
 * transactions, and the account lock that serialises rule-bearing changes on PostgreSQL. The
 * domain holds these handles and passes them to the repository functions of `src/store/`; it never
 * queries through them itself (test/unit/data-layer.test.ts).
 */
import type { Prisma, PrismaClient } from './generated/client';

/** The root client: what a service keeps to read, and to open transactions with. */
export type Store = PrismaClient;

/** An open transaction. */
export type Tx = Prisma.TransactionClient;

/** The root client or an open transaction; every repository function accepts either. */
export type Db = Store | Tx;

/** How long a transaction may wait for a connection and run. */
export interface TransactionLimits {
  maxWait?: number;
  timeout?: number;
}

/**
 * Changes wait for the account lock behind other changes, and on the embedded store for its one
 * backend: give them longer than Prisma's defaults.
 */
export const CHANGE_TRANSACTION: TransactionLimits = { maxWait: 15_000, timeout: 30_000 };

/** Runs `work` in one transaction: all its writes commit together, or none do. */
export function transaction<T>(store: Store, work: (tx: Tx) => Promise<T>, limits?: TransactionLimits): Promise<T> {
  return store.$transaction(work, limits);
}

/**
 * Locks the account row until the transaction ends. Every change checked against a
 * directory-wide rule (seats, last Admin, owner) takes it first, so that two replicas
 * cannot both pass the check and both write. On PGlite it is a no-op in effect (one connection).
 */
export async function lockAccount(tx: Tx, accountId: string): Promise<AccountLock> {
  // The seats in use and the catalog's version come with the lock (one round trip): under it, nobody else changes them.
  const rows = await tx.$queryRaw<
    AccountLock[]
  >`SELECT "seatsUsed", "catalogVersion" FROM "Account" WHERE id = ${accountId} FOR UPDATE`;
  return { seatsUsed: rows[0]?.seatsUsed ?? 0, catalogVersion: rows[0]?.catalogVersion ?? -1 };
}

/** What the account lock reads of the account: its seats in use and its role catalog's version. */
export interface AccountLock {
  seatsUsed: number;
  catalogVersion: number;
}

/**
 * Runs `work` inside a savepoint of the open transaction: when it throws, its writes (and only
 * those) are undone and the error is rethrown, and the transaction goes on. `name` must be an SQL
 * identifier; a savepoint that succeeded is left in place (releasing it would cost a round trip and
 * changes nothing: it commits or rolls back with the transaction).
 */
export async function inSavepoint<T>(tx: Tx, name: string, work: () => Promise<T>): Promise<T> {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`not a savepoint name: ${name}`);
  await tx.$executeRawUnsafe(`SAVEPOINT ${name}`);
  try {
    return await work();
  } catch (error) {
    try {
      await tx.$executeRawUnsafe(`ROLLBACK TO SAVEPOINT ${name}`);
    } catch (lost) {
      throw new SavepointLost(lost);
    }
    throw error;
  }
}

/** The transaction could not go back to a savepoint (the connection failed): it is lost as a whole. */
class SavepointLost extends Error {
  constructor(cause: unknown) {
    super('could not roll back to the savepoint; the transaction is lost', { cause });
  }
}

/** True when `error` says the transaction could not go back to a savepoint (see `inSavepoint`). */
export function isSavepointLost(error: unknown): boolean {
  return error instanceof SavepointLost;
}

/** True when a write failed on a unique constraint (someone else wrote the same key first). */
export function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: string } | null)?.code === 'P2002';
}
