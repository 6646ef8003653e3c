/**
 * Prisma's schema engine as WebAssembly (`@prisma/schema-engine-wasm`), driven through a
 * migration-aware driver adapter, so migrations need none of Prisma's downloaded binaries.
 */
import { readdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bindMigrationAwareSqlAdapterFactory, type SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import type { MigrationDirectory, SchemaEngine } from '@prisma/schema-engine-wasm';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const SCHEMA_PATH = path.join(root, 'prisma/schema.prisma');
export const MIGRATIONS_DIR = path.join(root, 'prisma/migrations');

type Bindings = typeof import('@prisma/schema-engine-wasm');

/** The slice of the WebAssembly API used here (Node's typings for it need the DOM lib). */
declare const WebAssembly: {
  compile(bytes: Uint8Array): Promise<object>;
  instantiate(module: object, imports: Record<string, unknown>): Promise<{ exports: Record<string, unknown> }>;
};
let bindings: Promise<Bindings> | undefined;

/** Instantiates the bundler-style wasm package once per process. */
function loadBindings(): Promise<Bindings> {
  bindings ??= (async () => {
    const require = createRequire(import.meta.url);
    const dir = path.dirname(require.resolve('@prisma/schema-engine-wasm/schema_engine_bg'));
    const bg = (await import(pathToUrl(path.join(dir, 'schema_engine_bg.js')))) as Bindings & {
      __wbg_set_wasm(exports: Record<string, unknown>): void;
    };
    const module = await WebAssembly.compile(await readFile(path.join(dir, 'schema_engine_bg.wasm')));
    const instance = await WebAssembly.instantiate(module, { './schema_engine_bg.js': bg });
    bg.__wbg_set_wasm(instance.exports);
    (instance.exports.__wbindgen_start as () => void)();
    return bg;
  })();
  return bindings;
}

function pathToUrl(file: string): string {
  return new URL(`file://${file}`).href;
}

/** Opens a schema engine over a driver adapter factory (PrismaPGlite or PrismaPg). */
export async function openSchemaEngine(
  factory: SqlMigrationAwareDriverAdapterFactory,
  onLog: (message: string) => void = () => undefined,
): Promise<SchemaEngine> {
  const { SchemaEngine } = await loadBindings();
  const schema = await readFile(SCHEMA_PATH, 'utf8');
  return SchemaEngine.new({ datamodels: [[SCHEMA_PATH, schema]] }, onLog, bindMigrationAwareSqlAdapterFactory(factory));
}

/** The migrations folder in the shape the engine reads. */
export async function readMigrations() {
  const entries = await readdir(MIGRATIONS_DIR, { withFileTypes: true }).catch(() => []);
  const migrationDirectories: MigrationDirectory[] = [];
  for (const entry of entries.filter((e) => e.isDirectory()).sort((a, b) => a.name.localeCompare(b.name))) {
    const sql = await readFile(path.join(MIGRATIONS_DIR, entry.name, 'migration.sql'), 'utf8');
    migrationDirectories.push({ path: entry.name, migrationFile: { path: 'migration.sql', content: { tag: 'ok', value: sql } } });
  }
  const lockPath = path.join(MIGRATIONS_DIR, 'migration_lock.toml');
  const lockContent = await readFile(lockPath, 'utf8').catch(() => null);
  return {
    baseDir: MIGRATIONS_DIR,
    lockfile: { path: 'migration_lock.toml', content: lockContent },
    shadowDbInitScript: '',
    migrationDirectories,
  };
}

export const NO_FILTERS = { externalTables: [], externalEnums: [] };
