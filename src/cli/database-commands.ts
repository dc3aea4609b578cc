import { readFileSync } from 'node:fs';
import { migrate, readMigrations } from '../db/migrate.ts';
import { seedDatabase } from './seed-file.ts';
import { sessionDatabaseUrl } from '../config/config.ts';
import { CliError, cliConfig, openCommandDatabase, withDatabase } from './cli-support.ts';

export const MIGRATE_HELP = `Usage: omis migrate

Applies the pending migrations of prisma/migrations to DIRECT_URL when it is set, else DATABASE_URL (or
the embedded database when both are unset), each in a transaction, under an advisory lock: safe to run
from several instances at once. The lock is held across transactions, so it needs a connection of its
own: behind a pooler in transaction mode, set DIRECT_URL to PostgreSQL itself.`;

export async function migrateCommand(): Promise<void> {
  const config = cliConfig();
  const target = { ...config, DATABASE_URL: sessionDatabaseUrl(config) };
  // Beside a running server, through its socket: the server may be older than these migrations.
  const { db, described } = await openCommandDatabase(target, 'migrate', { requireMigrated: false });
  try {
    const result = await migrate(db, readMigrations());
    for (const name of result.applied) console.log(`applied ${name}`);
    console.log(`${described}: ${result.applied.length} applied, ${result.alreadyApplied} already applied`);
  } finally {
    await db.close();
  }
}

export const SEED_HELP = `Usage: omis seed FILE

Loads accounts and launches (with their jobs and recipients) from a JSON seed file (format: docs/API.md#seed-file).
All or nothing: a bad file is refused with a message naming the entry, and nothing of it is written.
Records whose ID or login already exists are left as they are, so loading a file twice changes nothing.`;

export async function seedCommand(positionals: string[]): Promise<void> {
  const [file] = positionals;
  if (!file || positionals.length > 1) throw new CliError(`expected one FILE\n\n${SEED_HELP}`);
  const config = cliConfig();
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new CliError(`cannot read ${file}: ${(error as Error).message}`);
  }
  await withDatabase(config, async (db, described) => {
    const { created, skipped } = await seedDatabase(db.prisma, json, config.OMIS_TIMEZONE);
    console.log(
      `seeded ${described}: ${created.accounts} accounts, ${created.launches} launches, ` +
        `${created.jobs} jobs, ${created.recipients} recipients created; ` +
        `${skipped.accounts} accounts and ${skipped.launches} launches already present`,
    );
  }, { command: 'seed' });
}
