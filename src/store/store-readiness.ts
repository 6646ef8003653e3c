/**
 * Readiness of the store for `/readyz`: it answers, and every migration this build ships is recorded
 * as applied (a store restored from an older backup, or swapped under a running Roster, is not ready).
 */
import { readdir } from 'node:fs/promises';
import type { PrismaClient } from './generated/client';
import { MIGRATIONS_DIR } from './schema-engine';

/** Whether the store answers with every migration of `prisma/migrations` applied. */
export function storeReadiness(prisma: PrismaClient): () => Promise<boolean> {
  // Read once: the migrations this build ships do not change while it runs.
  const shipped = readdir(MIGRATIONS_DIR, { withFileTypes: true }).then((entries) =>
    entries.filter((entry) => entry.isDirectory()).map((entry) => entry.name),
  );
  return async () => {
    const names = await shipped;
    const [row] = await prisma.$queryRaw<{ applied: number }[]>`
      SELECT count(DISTINCT migration_name)::int AS applied FROM "_prisma_migrations"
      WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL AND migration_name = ANY(${names}::text[])`;
    return row?.applied === names.length;
  };
}
