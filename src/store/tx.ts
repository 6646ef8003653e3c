/**
 * What services need from the store: a client that may be the root client or an open
 * transaction, and the account lock that serialises rule-bearing changes on PostgreSQL.
 */
import type { Prisma, PrismaClient } from './generated/client';

/** The Prisma client or an interactive transaction; repository functions accept either. */
export type Db = PrismaClient | Prisma.TransactionClient;

/**
 * Locks the account row until the transaction ends. Every change checked against a
 * directory-wide rule (seats, last Admin, owner) takes it first, so that two replicas
 * cannot both pass the check and both write. On PGlite it is a no-op in effect (one connection).
 */
export async function lockAccount(tx: Prisma.TransactionClient, accountId: string): Promise<void> {
  await tx.$queryRaw`SELECT id FROM "Account" WHERE id = ${accountId} FOR UPDATE`;
}
