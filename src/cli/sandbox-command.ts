import { DateTime } from 'luxon';
import { findAccount } from '../store/accounts.ts';
import { clearSandboxRule, listSandboxRules, setSandboxRule, type SandboxRow } from '../store/sandbox.ts';
import { describeRule, parseSandboxRule, SandboxRuleError } from '../tasks/sandbox-rule.ts';
import type { Database } from '../db/database.ts';
import { CliError, cliConfig, withDatabase } from './cli-support.ts';

export const SANDBOX_HELP = `Usage:
  omis sandbox set LOGIN [--latency-ms N] [--error-code N] (--requests N | --seconds T | both)
  omis sandbox clear LOGIN
  omis sandbox list

A sandbox rule delays LOGIN's requests to TaskManager.aspx by N ms and/or answers them with
ErrorCode N (e.g. 9999, 101), for its next N requests or for T seconds (whichever ends first), so
that a client's error handling can be tried against a real endpoint. It applies after the password
is checked, to that account only, on every instance; the journal marks each answer it shaped.
Setting a rule replaces the account's previous one.`;

export const SANDBOX_OPTIONS = {
  'latency-ms': { type: 'string' },
  'error-code': { type: 'string' },
  requests: { type: 'string' },
  seconds: { type: 'string' },
} as const;

/** One line a rule (pure). */
export function formatSandboxRow(row: SandboxRow, timeZone: string): string {
  const ends = [
    ...(row.remaining === null ? [] : [`${row.remaining} request${row.remaining === 1 ? '' : 's'} left`]),
    ...(row.until === null ? [] : [`until ${DateTime.fromJSDate(row.until, { zone: timeZone }).toFormat('yyyy-MM-dd HH:mm:ss')}`]),
  ];
  return [row.login, describeRule({ latencyMs: row.latency_ms, errorCode: row.error_code }), ends.join(', '), row.active ? 'active' : 'ended', `set by ${row.set_by}`].join('  ');
}

async function accountId(db: Database, login: string | undefined): Promise<number> {
  if (!login) throw new CliError(`a LOGIN is required\n\n${SANDBOX_HELP}`);
  const account = await findAccount(db.prisma, login);
  if (!account) throw new CliError(`account "${login}" does not exist`);
  return account.userId;
}

export async function sandboxCommand(positionals: string[], values: Record<string, unknown>): Promise<void> {
  const [action, login, ...rest] = positionals;
  if (rest.length > 0) throw new CliError(`unexpected argument "${rest[0]}"\n\n${SANDBOX_HELP}`);
  const config = cliConfig();
  switch (action) {
    case 'set': {
      let rule;
      try {
        rule = parseSandboxRule({
          latencyMs: values['latency-ms'] as string | undefined,
          errorCode: values['error-code'] as string | undefined,
          requests: values.requests as string | undefined,
          seconds: values.seconds as string | undefined,
        });
      } catch (error) {
        if (error instanceof SandboxRuleError) throw new CliError(error.message);
        throw error;
      }
      await withDatabase(config, async (db) => setSandboxRule(db, await accountId(db, login), rule, 'command line'), { command: 'sandbox set' });
      console.log(`sandbox rule set for ${login}: ${describeRule(rule)}`);
      return;
    }
    case 'clear': {
      const cleared = await withDatabase(config, async (db) => clearSandboxRule(db, await accountId(db, login)), { command: 'sandbox clear' });
      console.log(cleared ? `sandbox rule of ${login} cleared` : `${login} had no sandbox rule`);
      return;
    }
    case 'list': {
      if (login !== undefined) throw new CliError(`unexpected argument "${login}"\n\n${SANDBOX_HELP}`);
      const rows = await withDatabase(config, (db) => listSandboxRules(db), { command: 'sandbox list' });
      for (const row of rows) console.log(formatSandboxRow(row, config.OMIS_TIMEZONE));
      if (rows.length === 0) console.log('no sandbox rules');
      return;
    }
    default:
      throw new CliError(`${action === undefined ? 'a sandbox command is required' : `unknown sandbox command "${action}"`}\n\n${SANDBOX_HELP}`);
  }
}
