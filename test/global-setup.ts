import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { openDatabase } from '../src/db/database.ts';
import { migrate } from '../src/db/migrate.ts';
import { buildEmbeddedTemplate } from '../src/db/embedded-template.ts';

/**
 * Migrates once per test run: a PGlite snapshot that every test file loads (a fresh PGlite takes ~5 s
 * to create, a snapshot ~1.5 s), and with TEST_DATABASE_URL a template database on the real
 * PostgreSQL from which every test file clones its own database.
 */
declare module 'vitest' {
  export interface ProvidedContext {
    pgliteSnapshot: string;
    pgTemplate: string;
  }
}

export default async function setup(project: TestProject) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'omis-test-'));
  const cleanups: Array<() => Promise<void>> = [async () => rmSync(dir, { recursive: true, force: true })];

  const snapshot = path.join(dir, 'migrated.tar.gz');
  await buildEmbeddedTemplate(async (pglite) => {
    const db = await openDatabase({ pglite });
    await migrate(db);
    await db.prisma.$disconnect();
  }, snapshot);
  project.provide('pgliteSnapshot', snapshot);

  const url = process.env.TEST_DATABASE_URL;
  if (url) {
    const template = `omis_tpl_${process.pid}_${Date.now()}`;
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${template}`);
    const templateDb = await openDatabase({ databaseUrl: withDatabaseName(url, template), poolSize: 2 });
    await migrate(templateDb);
    await templateDb.close();
    project.provide('pgTemplate', template);
    cleanups.push(async () => {
      await admin.query(`DROP DATABASE IF EXISTS ${template} WITH (FORCE)`);
      await admin.end();
    });
  } else {
    project.provide('pgTemplate', '');
  }

  return async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  };
}

export function withDatabaseName(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}
