import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import type { Database } from '../db/database.ts';
import { migrate } from '../db/migrate.ts';
import { parseSeed, seedDatabase, type SeedFile } from './seed-file.ts';
import { countAccounts } from '../store/accounts.ts';
import type { Config } from '../config/config.ts';
import { checkCanListen, ListenError, startServer } from '../server.ts';
import { CliError, cliConfig, describeDatabase, openCommandDatabase } from './cli-support.ts';
import { demoBanner } from './demo-banner.ts';
import { DatabaseUnavailableError, waitForDatabase } from '../db/wait-for-database.ts';

export const SERVE_HELP = `Usage: omis serve [--demo]

Starts the server on HOST:PORT. With DATABASE_URL unset it uses the embedded database in
OMIS_DATA_DIR and applies pending migrations itself; on PostgreSQL run 'omis migrate' first. Other
omis commands run while it serves reach the embedded database through it; a second server on the
same OMIS_DATA_DIR, or on a PORT that is taken, stops at once with one line.
  --demo           load the demo accounts and launches when the database is empty, print URLs to
                   try, and run the simulator (unless OMIS_SIMULATOR=false is set)
  --no-simulator   do not run the simulator, whatever OMIS_SIMULATOR says`;

export const DEMO_SEED_FILE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../demo/demo-seed.json');

export async function serveCommand(_positionals: string[], values: Record<string, unknown>): Promise<void> {
  const config = withSimulatorChoice(cliConfig(), values);
  // The port first: a taken one must not cost a database, a migration or a simulator.
  await listenable(config);
  const opened = await openCommandDatabase(config, 'serve', { share: true, whenShared: 'refuse' });
  const { db } = opened;
  let app: FastifyInstance;
  try {
    if (db.kind === 'postgres') await waitForPostgres(db, describeDatabase(config));
    if (opened.owner) await migrate(db);
    if (values.demo && (await countAccounts(db.prisma)) === 0) {
      await seedDatabase(db.prisma, demoFile(), config.OMIS_TIMEZONE);
    }
    // Commands run beside the server from here on reach the database through it.
    await opened.share();
    app = await startServer({ config, database: db, onClose: () => db.close() });
  } catch (error) {
    await db.close().catch(() => {});
    if (error instanceof ListenError) throw new CliError(error.message);
    throw error;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  const base = `http://${config.HOST.includes(':') ? `[${config.HOST}]` : config.HOST}:${port}`;
  console.log(`omis-taskmanager listening on ${base} (${opened.described})`);
  console.log(`Console: ${base}/console/   Original forms: ${base}/WebAPI/forms   Health: ${base}/healthz   Metrics: ${base}/metrics`);
  if (config.OMIS_SIMULATOR) {
    console.log(`Simulator: on (a step every ${config.OMIS_SIMULATOR_STEP_MS} ms; OMIS_SIMULATOR=false or --no-simulator turns it off)`);
  }
  if (values.demo) console.log(demoBanner(demoSeed(config.OMIS_TIMEZONE), base));
}

async function listenable(config: Config): Promise<void> {
  try {
    await checkCanListen(config.HOST, config.PORT);
  } catch (error) {
    if (error instanceof ListenError) throw new CliError(error.message);
    throw error;
  }
}

function demoFile(): unknown {
  return JSON.parse(readFileSync(DEMO_SEED_FILE, 'utf8'));
}

function demoSeed(timeZone: string): SeedFile {
  return parseSeed(demoFile(), timeZone);
}

/**
 * The simulator runs with --demo unless OMIS_SIMULATOR is set explicitly (in the environment or
 * .env, which cliConfig has loaded); --no-simulator always wins.
 */
export function withSimulatorChoice(config: Config, values: Record<string, unknown>, env = process.env): Config {
  const explicit = env.OMIS_SIMULATOR !== undefined && env.OMIS_SIMULATOR.trim() !== '';
  const on = values['no-simulator'] ? false : explicit ? config.OMIS_SIMULATOR : config.OMIS_SIMULATOR || Boolean(values.demo);
  return { ...config, OMIS_SIMULATOR: on };
}

/** PostgreSQL may come up after the server (containers): wait for it with one line per attempt. */
async function waitForPostgres(db: Database, described: string): Promise<void> {
  try {
    await waitForDatabase(db, { onRetry: (message) => console.error(`omis serve: ${described}: ${message}`) });
  } catch (error) {
    await db.close();
    if (error instanceof DatabaseUnavailableError) throw new CliError(`${described}: ${error.message}`);
    throw error;
  }
}
