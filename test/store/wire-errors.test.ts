/**
 * A statement that fails on the embedded store leaves its pooled connection answering the next
 * statements with their own rows (PGlite answers a failed extended-protocol message with an extra
 * ReadyForQuery, pglite#958, which would shift every later answer on that connection by one).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { domainStore } from '../support/domain-harness';

describe('errors on the embedded store', () => {
  const store = domainStore('embedded');
  afterAll(() => store.close());

  it('a failed statement, in and out of a transaction, leaves every connection answering its own query', async () => {
    const { prisma } = (await store.fresh()).db;
    for (let round = 0; round < 4; round++) {
      await expect(prisma.$queryRaw`SELECT 1 / ${0}::int AS n`).rejects.toThrow();
      await expect(
        prisma.$transaction(async (tx) => {
          await tx.$queryRaw`SELECT ${1}::int AS n`;
          await tx.$queryRaw`SELECT 1 / ${0}::int AS n`;
        }),
      ).rejects.toThrow();
      const answers = await Promise.all(
        [10, 11, 12, 13, 14, 15].map(async (n) => (await prisma.$queryRaw<{ n: number }[]>`SELECT ${n}::int AS n`)[0]?.n),
      );
      expect(answers).toEqual([10, 11, 12, 13, 14, 15]);
    }
  });
});
