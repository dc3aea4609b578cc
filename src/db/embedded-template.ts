import { existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';

/**
 * A migrated, empty embedded database, made once when the package is built (npm ci runs it).
 * Creating a PGlite data directory from nothing runs initdb (~5–9 s on these machines); unpacking
 * this template takes ~1.5 s, so a fresh `npm start` answers within a few seconds. `serve` still
 * migrates afterwards, so a template older than the migrations is only a head start.
 */

// src/db and dist/db both sit two levels below the package root.
export const TEMPLATE_FILE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../dist/embedded-template.tar.gz');

function isEmptyDir(dir: string): boolean {
  return !existsSync(dir) || readdirSync(dir).length === 0;
}

/** A PGlite in `dir`, unpacked from the template when the directory is new and a template exists. */
export async function openEmbeddedDir(dir: string): Promise<PGlite> {
  if (isEmptyDir(dir) && existsSync(TEMPLATE_FILE)) {
    return PGlite.create(dir, { loadDataDir: new Blob([readFileSync(TEMPLATE_FILE)]) });
  }
  return PGlite.create(dir);
}

/** Writes the template: a new in-memory PGlite, migrated, dumped (written atomically). */
export async function buildEmbeddedTemplate(migrateDatabase: (pglite: PGlite) => Promise<void>, file = TEMPLATE_FILE): Promise<void> {
  const pglite = await PGlite.create();
  try {
    await migrateDatabase(pglite);
    const dump = await pglite.dumpDataDir('gzip');
    writeFileSync(`${file}.tmp`, Buffer.from(await dump.arrayBuffer()));
    renameSync(`${file}.tmp`, file);
  } finally {
    if (!pglite.closed) await pglite.close();
  }
}
