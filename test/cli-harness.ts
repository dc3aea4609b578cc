import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, vi } from 'vitest';
import { main } from '../src/cli/omis.ts';
import { openDatabase, type Database } from '../src/db/database.ts';
import { createTestDatabase, type TestDatabase } from './helper.ts';

/** Runs `omis …` in-process and captures what it prints. */
export async function captureCli(argv: string[]) {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...args) => void stdout.push(args.join(' ')));
  const error = vi.spyOn(console, 'error').mockImplementation((...args) => void stderr.push(args.join(' ')));
  try {
    const code = await main(argv);
    return { code, lines: stdout, stdout: stdout.join('\n'), stderr: stderr.join('\n'), output: [...stdout, ...stderr].join('\n') };
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
}

/**
 * Points the CLI at a database of this test file's own: an embedded one in a temporary
 * OMIS_DATA_DIR (the commands create and migrate it), or with TEST_DATABASE_URL a fresh PostgreSQL
 * database as DATABASE_URL (through the pooler with TEST_POOLER_URL, the direct connection then being
 * DIRECT_URL, as a deployment behind a pooler sets them). Restores the environment afterwards.
 */
export function useCliDatabase(prefix: string): { dir: string } {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  let pgDatabase: TestDatabase | undefined;
  const saved = { ...process.env };
  beforeAll(async () => {
    process.env.OMIS_DATA_DIR = path.join(dir, 'data');
    delete process.env.DATABASE_URL;
    delete process.env.DIRECT_URL;
    if (process.env.TEST_DATABASE_URL) {
      pgDatabase = await createTestDatabase();
      process.env.DATABASE_URL = pgDatabase.url;
      if (pgDatabase.url !== pgDatabase.directUrl) process.env.DIRECT_URL = pgDatabase.directUrl;
    }
  });
  afterAll(async () => {
    process.env = saved;
    await pgDatabase?.drop();
    rmSync(dir, { recursive: true, force: true });
  });
  return { dir };
}

/** Opens the database the CLI is pointed at (by useCliDatabase) for a test to look into. */
export async function withCliDatabase<T>(work: (db: Database) => Promise<T>): Promise<T> {
  const db = await openDatabase({ databaseUrl: process.env.DATABASE_URL, dataDir: process.env.OMIS_DATA_DIR });
  try {
    return await work(db);
  } finally {
    await db.close();
  }
}
