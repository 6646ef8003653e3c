/**
 * The data layer (docs/architecture.md, "Layers"): the generated Prisma client and its query API stay
 * in `src/store/`. The domain, the surfaces and the scheduler call repository functions there and
 * hold only `Db`/`Tx` handles and the row types of `src/store/records.ts`. What is not moved yet is
 * listed below, and the lists may only shrink.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sourceTexts } from '../support/source-files';

const ROOT = join(__dirname, '..', '..');

/** Files outside src/store that may still import the generated client (target: at most 5). */
const CLIENT_IMPORTERS: string[] = [];

/** Files outside src/store that still query through a Prisma handle. */
const QUERYING: string[] = [];

/** Prisma's model delegates, as the client names them. */
const DELEGATES = readFileSync(join(ROOT, 'prisma/schema.prisma'), 'utf8')
  .split('\n')
  .flatMap((line) => /^model (\w+)/.exec(line)?.[1] ?? [])
  .map((model) => model[0]?.toLowerCase() + model.slice(1));

const METHODS = [
  'findMany',
  'findFirst',
  'findFirstOrThrow',
  'findUnique',
  'findUniqueOrThrow',
  'count',
  'aggregate',
  'groupBy',
  'create',
  'createMany',
  'createManyAndReturn',
  'update',
  'updateMany',
  'updateManyAndReturn',
  'upsert',
  'delete',
  'deleteMany',
];

/** `db.user.findMany(` (also across lines), and the client's own `$queryRaw`, `$transaction` and the like. */
const QUERY = new RegExp(
  String.raw`\.\s*(?:(?:${DELEGATES.join('|')})\s*\.\s*(?:${METHODS.join('|')})\s*\(|\$(?:queryRaw|executeRaw|queryRawUnsafe|executeRawUnsafe|transaction)\b)`,
);

const CLIENT_IMPORT = /from\s+['"][^'"]*(?:store\/generated|\.\/generated|@prisma\/client)[^'"]*['"]/;

/** Every source file outside src/store, with its text. */
function outsideStore(): { file: string; text: string }[] {
  return sourceTexts().filter(({ file }) => !file.startsWith('src/store/'));
}

describe('the data layer', () => {
  it('the scan sees queries by delegate, across lines, raw SQL and transactions', () => {
    expect(DELEGATES).toContain('passwordLink');
    for (const text of [
      'await tx.user.findMany({})',
      'await db.passwordLink\n  .deleteMany({})',
      'prisma.$transaction(async (tx) => 1)',
      'tx.$queryRaw`SELECT 1`',
    ]) {
      expect(QUERY.test(text), text).toBe(true);
    }
    expect(QUERY.test('users.findMany(db, accountId)')).toBe(false);
    expect(CLIENT_IMPORT.test("import type { User } from '../../store/generated/client';")).toBe(true);
    expect(CLIENT_IMPORT.test("import type { User } from '../../store/records';")).toBe(false);
  });

  it('the generated client is imported in src/store and at most five files beside it', () => {
    const importers = outsideStore()
      .filter(({ text }) => CLIENT_IMPORT.test(text))
      .map(({ file }) => file);
    // Import row types from src/store/records.ts and handles from src/store/tx.ts instead.
    expect(importers.filter((file) => !CLIENT_IMPORTERS.includes(file))).toEqual([]);
    expect(
      CLIENT_IMPORTERS.filter((file) => !importers.includes(file)),
      'listed but gone: remove them',
    ).toEqual([]);
    expect(CLIENT_IMPORTERS.length).toBeLessThanOrEqual(5);
  });

  it('queries run in src/store, behind repository functions', () => {
    const querying = outsideStore()
      .filter(({ text }) => QUERY.test(text))
      .map(({ file }) => file);
    // Move the query into a repository function of src/store/ and call that.
    expect(querying.filter((file) => !QUERYING.includes(file))).toEqual([]);
    expect(
      QUERYING.filter((file) => !querying.includes(file)),
      'listed but gone: remove them',
    ).toEqual([]);
  });
});
