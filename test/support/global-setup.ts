/**
 * Once per test run: a migrated store to copy for every suite, so that a suite's fresh store costs
 * a copy rather than PGlite's initdb and the migrations (measured: ~0.6 s instead of ~5 s embedded).
 * The embedded one is a backup that `memory://?from=` loads; the PostgreSQL one a template database;
 * and for tests of the embedded store on disk, a migrated data directory to copy into a DATA_DIR
 * (~1 s to copy and open instead of ~3.5 s).
 * Each project of vitest.config.ts runs this; the first builds the templates and the others share them.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openDatabase } from '../../src/store/database';
import { createDatabase, DATA_DIR_TEMPLATE_ENV, dropDatabase, TEMPLATE_ENV } from './test-database';

const shared = globalThis as { rosterTemplates?: Promise<() => Promise<void>> };

/** The first project builds the templates and tears them down; the others wait for them. */
export default async function setup(): Promise<(() => Promise<void>) | undefined> {
  if (shared.rosterTemplates) {
    await shared.rosterTemplates;
    return undefined;
  }
  shared.rosterTemplates = buildTemplates();
  return shared.rosterTemplates;
}

async function buildTemplates(): Promise<() => Promise<void>> {
  const dir = await mkdtemp(path.join(tmpdir(), 'roster-template-'));
  const backup = path.join(dir, 'migrated.tar.gz');
  const onDisk = path.join(dir, 'data');
  await Promise.all([
    (async () => {
      const embedded = await openDatabase({ databaseUrl: 'memory://', dataDir: dir });
      try {
        await embedded.embedded?.backup(backup);
      } finally {
        await embedded.close();
      }
    })(),
    (async () => {
      const embedded = await openDatabase({ dataDir: onDisk });
      await embedded.close();
    })(),
  ]);
  process.env[TEMPLATE_ENV.embedded] = backup;
  process.env[DATA_DIR_TEMPLATE_ENV] = onDisk;

  let template: string | undefined;
  if (process.env.TEST_POSTGRES_URL) {
    const created = await createDatabase();
    template = created.name;
    const postgres = await openDatabase({ databaseUrl: created.url, dataDir: dir });
    await postgres.close();
    process.env[TEMPLATE_ENV.postgres] = template;
  }

  return async () => {
    if (template) await dropDatabase(template);
    await rm(dir, { recursive: true, force: true });
  };
}
