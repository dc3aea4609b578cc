import { existsSync } from 'node:fs';
import dotenv from 'dotenv';
import { loadConfig, type Config } from '../config/config.ts';
import { openDatabase, type Database } from '../db/database.ts';
import { DataDirBusyError, describeOwner } from '../db/data-dir-owner.ts';
import { DataDirInUseError, openEmbeddedDatabase } from '../db/embedded-database.ts';
import { migrate } from '../db/migrate.ts';
import { configuredDatabase } from '../plugins/database.ts';

export class CliError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliError';
  }
}

/** An option that must be a whole number from `min` to `max`; undefined when it was not given. */
export function wholeNumberOption(value: unknown, name: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !/^\d{1,10}$/.test(value) || Number(value) < min || Number(value) > max) {
    throw new CliError(`${name} must be a whole number from ${min} to ${max}`);
  }
  return Number(value);
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

export interface CommandDatabase {
  db: Database;
  /** Where the data is, for messages ("embedded database in ./.omis (through omis serve (pid 7))"). */
  described: string;
  /** The embedded database opened by this process itself (which must migrate it). */
  owner: boolean;
  /** Lets other processes in through the socket (an embedded owner that keeps running); else nothing. */
  share(): Promise<void>;
}

export interface CommandDatabaseOptions {
  /** Long-running commands (serve, simulate) let others in while they run. */
  share?: boolean;
  /** A second server refuses a directory that another process shares; commands go through it. */
  whenShared?: 'connect' | 'refuse';
  /** Refuse an owner whose schema lacks this version's migrations (all but `omis migrate`). */
  requireMigrated?: boolean;
}

/**
 * Opens the configured database for `command`: PostgreSQL at DATABASE_URL, or the embedded one in
 * OMIS_DATA_DIR — opened by this process if no other has it, or reached through the socket of the
 * server (or simulator) that has it open, so that both see each other's writes at once.
 */
export async function openCommandDatabase(config: Config, command: string, options: CommandDatabaseOptions = {}): Promise<CommandDatabase> {
  if (config.DATABASE_URL) {
    const db = await openDatabase(configuredDatabase(config));
    return { db, described: describeDatabase(config), owner: false, share: async () => {} };
  }
  const prefix = `omis ${command.split(' ')[0]}`;
  try {
    const embedded = await openEmbeddedDatabase(config.OMIS_DATA_DIR, {
      command,
      share: options.share ?? false,
      whenShared: options.whenShared ?? 'connect',
      requireMigrated: options.requireMigrated ?? true,
      onWait: (line) => console.error(`${prefix}: ${line}`),
      onSocketError: (error) => console.error(`${prefix}: a client of the embedded database failed: ${(error as Error).message}`),
    });
    const through = embedded.role === 'client' ? ` (through ${describeOwner(embedded.owner)})` : '';
    return { db: embedded.db, described: `${describeDatabase(config)}${through}`, owner: embedded.role === 'owner', share: () => embedded.share() };
  } catch (error) {
    if (error instanceof DataDirInUseError || error instanceof DataDirBusyError) throw new CliError(error.message);
    throw error;
  }
}

/**
 * Runs `work` on the configured database (openCommandDatabase). An embedded database this process
 * opened itself is migrated first (nobody else would); PostgreSQL is migrated by `omis migrate`,
 * run by whoever deploys, and a server that has the embedded one open has migrated it already.
 */
export async function withDatabase<T>(
  config: Config,
  work: (db: Database, described: string) => Promise<T>,
  options: CommandDatabaseOptions & { command?: string } = {},
): Promise<T> {
  const opened = await openCommandDatabase(config, options.command ?? 'command', options);
  try {
    if (opened.owner) await migrate(opened.db);
    await opened.share();
    return await work(opened.db, opened.described);
  } finally {
    await opened.db.close();
  }
}
