// What SQL would turn "the database the migrations build" into "the database schema.prisma
// describes"? Used by scripts/make-migration.ts (to write the next migration) and by
// test/db/schema-matches-migrations.test.ts (which wants the answer to be nothing).
//
// Prisma's CLI answers this with its native schema engine, which cannot be downloaded on these
// machines. The same engine is published for WebAssembly as @prisma/schema-engine-wasm; it reaches
// the database through a driver adapter, and here that is an in-memory PGlite. It is an internal
// Prisma package whose API changes without notice: package.json pins its exact version.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { PGlite } from '@electric-sql/pglite';
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';
import * as engineGlue from '@prisma/schema-engine-wasm/schema_engine_bg';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { MIGRATIONS_DIR, readMigrations } from '../../src/db/migrate.ts';

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const schemaPath = path.join(projectRoot, 'prisma/schema.prisma');
export const migrationsDir = MIGRATIONS_DIR;

// The same reader `omis migrate` uses, so the two can never disagree about what a migration is.
export { readMigrations };

// Node has WebAssembly at run time, but the project's lib (ES2023, no DOM) declares no value for it.
const wasmApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
interface WasmApi {
  instantiate(bytes: Uint8Array, imports: object): Promise<{ instance: { exports: Record<string, unknown> } }>;
}

// The package's own entry point imports the .wasm file as an ES module, which plain Node 20 cannot
// do (it needs --experimental-wasm-modules). So do what Prisma's CLI does: instantiate the .wasm
// ourselves with the package's JS glue as its import object. Once per process: the glue keeps the
// instance in a module-level variable.
let loaded: Promise<typeof engineGlue> | undefined;
function loadEngine(): Promise<typeof engineGlue> {
  loaded ??= (async () => {
    const require = createRequire(import.meta.url);
    const glueFile = require.resolve('@prisma/schema-engine-wasm/schema_engine_bg');
    const bytes = await readFile(path.join(path.dirname(glueFile), 'schema_engine_bg.wasm'));
    const { instance } = await wasmApi.instantiate(bytes, { './schema_engine_bg.js': engineGlue });
    engineGlue.__wbg_set_wasm(instance.exports);
    (instance.exports.__wbindgen_start as () => void)();
    return engineGlue;
  })();
  return loaded;
}

/**
 * The SQL script that would bring a database built by the migrations up to schema.prisma, or ''
 * when the two describe the same database.
 */
export async function diffMigrationsToSchema(
  options: { schemaFile?: string; migrationsFolder?: string } = {},
): Promise<string> {
  const schemaFile = options.schemaFile ?? schemaPath;
  const schema = { path: schemaFile, content: await readFile(schemaFile, 'utf8') };
  const migrations = await readMigrations(options.migrationsFolder);

  // Build the database the migrations describe, the way `omis migrate` builds it: run the files.
  const db = new PGlite();
  try {
    for (const m of migrations) {
      try {
        await db.exec(m.sql);
      } catch (e) {
        throw new Error(`migration ${m.name} failed on PGlite: ${(e as Error).message}`, { cause: e });
      }
    }

    const { SchemaEngine } = await loadEngine();
    // bindMigrationAwareSqlAdapterFactory wraps the adapter's calls into the { ok, value } results
    // the engine expects, and records the JS errors so they can be looked up again.
    const adapter = bindMigrationAwareSqlAdapterFactory(new PrismaPGlite(db));
    const log = process.env.SCHEMA_ENGINE_DEBUG ? (line: string) => console.error(line) : () => {};
    let engine: engineGlue.SchemaEngine | undefined;
    try {
      engine = await SchemaEngine.new({ datamodels: [[schema.path, schema.content]] }, log, adapter);
      // From "the database the adapter connects to" (introspected) to "the schema file". No
      // shadow database is involved, since we applied the migrations ourselves.
      const result = await engine.diff({
        from: { tag: 'schemaDatasource', files: [schema], configDir: projectRoot },
        to: { tag: 'schemaDatamodel', files: [schema] },
        script: true,
        // With exitCode set, the engine reports 2 for a non-empty diff and 0 for an empty one
        // (an empty script is not empty text: it is the comment "-- This is an empty migration.").
        exitCode: true,
        filters: { externalTables: [], externalEnums: [] },
      });
      return result.exitCode === 0 ? '' : (result.stdout ?? '');
    } finally {
      engine?.free();
    }
  } finally {
    await db.close();
  }
}
