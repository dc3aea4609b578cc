import { existsSync } from 'node:fs';
import dotenv from 'dotenv';
import { loadConfig, type Config } from '../config/config.ts';
import { openDatabase, type Database } from '../db/database.ts';
import { migrate } from '../db/migrate.ts';

export class CliError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliError';
  }
}

/** The environment, with a .env file in the working directory filling what it does not set. */
export function cliConfig(): Config {
  if (existsSync('.env')) dotenv.config({ path: '.env', quiet: true } as never);
  return loadConfig(process.env);
}

export function describeDatabase(config: Config): string {
  return config.DATABASE_URL ? `PostgreSQL (${redactUrl(config.DATABASE_URL)})` : `embedded database in ${config.OMIS_DATA_DIR}`;
}

export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}

/**
 * Opens the configured database for a command. The embedded one is always migrated first (nobody
 * else would); PostgreSQL is migrated by `omis migrate`, run by whoever deploys.
 */
export async function withDatabase<T>(config: Config, work: (db: Database) => Promise<T>): Promise<T> {
  const db = await openDatabase({ databaseUrl: config.DATABASE_URL, dataDir: config.OMIS_DATA_DIR });
  try {
    if (db.kind === 'pglite') await migrate(db);
    return await work(db);
  } finally {
    await db.close();
  }
}
