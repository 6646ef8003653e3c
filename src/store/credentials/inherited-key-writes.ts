/**
 * Writes of inherited API keys: a deleted user's keys moving to the account's owner (its heir), and
 * ending one. An inherited key keeps its hash, so the integration using it keeps working.
 */
import type { Prisma } from '../generated/client';
import type { Tx } from '../tx';

/** A key that moved to the heir, and whom it was issued to. */
export interface MovedApiKey {
  id: string;
  prefix: string;
  fromEmail: string;
}

/**
 * Moves the API keys of `users` (their own, and any they had inherited) to `heirId`, before the users
 * are deleted; a key keeps the user it was first issued to as where it came from, and `access`, what
 * that user could do then, as the most it may ever answer with.
 */
export async function moveApiKeysToHeir(
  tx: Tx,
  users: { id: string; email: string; name: string | null; access: Prisma.InputJsonValue }[],
  heirId: string,
  now: Date,
): Promise<MovedApiKey[]> {
  const ids = users.map((u) => u.id);
  const byId = new Map(users.map((u) => [u.id, u]));
  const keys = await tx.apiKey.findMany({
    where: { OR: [{ userId: { in: ids } }, { heirId: { in: ids } }] },
    select: { id: true, prefix: true, userId: true, inheritedFromEmail: true },
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
  });
  const moved: MovedApiKey[] = [];
  for (const key of keys) {
    const from = key.userId ? byId.get(key.userId) : undefined;
    if (from) {
      await tx.apiKey.update({
        where: { id: key.id },
        data: {
          userId: null,
          heirId,
          inheritedFromEmail: from.email,
          inheritedFromName: from.name,
          inheritedAt: now,
          inheritedAccess: from.access,
        },
      });
      moved.push({ id: key.id, prefix: key.prefix, fromEmail: from.email });
    } else {
      // Inherited by a user now deleted: it passes on, still naming whom it was issued to, with the access it had.
      await tx.apiKey.update({ where: { id: key.id }, data: { heirId, inheritedAt: now } });
      moved.push({ id: key.id, prefix: key.prefix, fromEmail: key.inheritedFromEmail ?? 'a deleted user' });
    }
  }
  return moved;
}

/** Ends inherited key `id`: it stops working at once. */
export async function deleteInheritedApiKey(tx: Tx, id: string): Promise<void> {
  await tx.apiKey.deleteMany({ where: { id, heirId: { not: null } } });
}
