import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ConfigError } from '../config/config.ts';
import { AccountError } from '../store/accounts.ts';
import { SeedError } from '../store/seed.ts';
import { accountCommand, ACCOUNT_HELP } from './account-command.ts';
import { auditCommand, AUDIT_HELP, AUDIT_OPTIONS } from './audit-command.ts';
import { migrateCommand, seedCommand, MIGRATE_HELP, SEED_HELP } from './database-commands.ts';
import { serveCommand, SERVE_HELP } from './serve-command.ts';
import { simulateCommand, SIMULATE_HELP } from './simulate-command.ts';
import { CliError } from './cli-support.ts';
import { describeDatabaseError, isTransientDatabaseError } from '../db/wait-for-database.ts';

/** `omis` — the command line (docs/API.md#command-line). */
const HELP = `Usage: omis <command> [options]

Commands:
  serve [--demo]          start the server (migrates the embedded database by itself)
  migrate                 apply pending database migrations
  seed FILE               load accounts and launches from a seed file (JSON)
  account add|passwd|points|unlock ...   manage manager accounts
  simulate [--once]       run the job simulator alone
  audit                   list the audit log

Run 'omis <command> --help' for a command's options.
Configuration comes from the environment (or a .env file): see docs/API.md#configuration.`;

export interface Command {
  help: string;
  options: ParseArgsConfig['options'];
  run(positionals: string[], values: Record<string, unknown>): Promise<void>;
}

const commands: Record<string, Command> = {
  serve: { help: SERVE_HELP, options: { demo: { type: 'boolean' }, 'no-simulator': { type: 'boolean' } }, run: serveCommand },
  migrate: { help: MIGRATE_HELP, options: {}, run: migrateCommand },
  simulate: {
    help: SIMULATE_HELP,
    options: { 'tick-ms': { type: 'string' }, 'step-ms': { type: 'string' }, once: { type: 'boolean' } },
    run: simulateCommand,
  },
  seed: { help: SEED_HELP, options: {}, run: seedCommand },
  audit: { help: AUDIT_HELP, options: AUDIT_OPTIONS, run: auditCommand },
  account: {
    help: ACCOUNT_HELP,
    options: {
      login: { type: 'string' },
      password: { type: 'string' },
      'user-id': { type: 'string' },
      'customer-id': { type: 'string' },
      parent: { type: 'string' },
      licence: { type: 'string', multiple: true },
      points: { type: 'string' },
    },
    run: accountCommand,
  },
};

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    console.log(HELP);
    return name === undefined ? 1 : 0;
  }
  const command = commands[name];
  if (!command) {
    console.error(`omis: unknown command "${name}"\n\n${HELP}`);
    return 1;
  }
  try {
    const { values, positionals } = parseArgs({
      args: rest,
      options: { ...command.options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
    if (values.help) {
      console.log(command.help);
      return 0;
    }
    await command.run(positionals, values);
    return 0;
  } catch (error) {
    if (error instanceof ConfigError || error instanceof CliError || error instanceof SeedError || error instanceof AccountError) {
      console.error(`omis ${name}: ${error.message}`);
      return 1;
    }
    if ((error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      console.error(`omis ${name}: ${(error as Error).message}\n\n${command.help}`);
      return 1;
    }
    // The database down (omis migrate, seed, account …): one line, not a driver's stack trace.
    if (isTransientDatabaseError(error)) {
      console.error(`omis ${name}: database not reachable (${describeDatabaseError(error)})`);
      return 1;
    }
    throw error;
  }
}

// Run when executed (bin/omis.js or tsx), not when imported by tests.
const invoked = process.argv[1] ?? '';
if (/omis(\.ts|\.js)?$/.test(invoked)) {
  const code = await main(process.argv.slice(2));
  if (code !== 0) process.exitCode = code;
}
