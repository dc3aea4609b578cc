import { listAudit, type AuditFilter } from '../store/audit.ts';
import { formatAuditRow } from './audit-format.ts';
import { CliError, cliConfig, wholeNumberOption, withDatabase } from './cli-support.ts';

export const AUDIT_HELP = `Usage: omis audit [--launch ID] [--job ID] [--login NAME] [--refused | --accepted]
                  [--limit N] [--json]

Lists the audit log of LaunchAction / JobAction requests, newest first: time (OMIS_TIMEZONE),
account, client address, action, target, result (OK or the refusing ErrorCode), and the record's
state before -> after.
  --launch ID   actions on the launch and on its jobs
  --job ID      actions on the job, and launch actions that changed it
  --login NAME  actions by that account (case-insensitive)
  --limit N     at most N entries (default 50, at most 10000)
  --json        one JSON document a line, with the full before/after state`;

export const AUDIT_OPTIONS = {
  launch: { type: 'string' },
  job: { type: 'string' },
  login: { type: 'string' },
  limit: { type: 'string' },
  refused: { type: 'boolean' },
  accepted: { type: 'boolean' },
  json: { type: 'boolean' },
} as const;

/** The filter the options ask for (exported for tests). */
export function auditFilter(values: Record<string, unknown>): AuditFilter {
  if (values.refused && values.accepted) throw new CliError('--refused and --accepted exclude each other');
  const filter: AuditFilter = { limit: wholeNumberOption(values.limit, '--limit', 1, 10_000) ?? 50 };
  const launchId = wholeNumberOption(values.launch, '--launch', 1, 2_147_483_647);
  const jobId = wholeNumberOption(values.job, '--job', 1, 2_147_483_647);
  if (launchId !== undefined) filter.launchId = launchId;
  if (jobId !== undefined) filter.jobId = jobId;
  if (typeof values.login === 'string' && values.login.trim() !== '') filter.login = values.login;
  if (values.refused) filter.refused = true;
  if (values.accepted) filter.refused = false;
  return filter;
}

export async function auditCommand(positionals: string[], values: Record<string, unknown>): Promise<void> {
  if (positionals.length > 0) throw new CliError(`unexpected argument "${positionals[0]}"\n\n${AUDIT_HELP}`);
  const filter = auditFilter(values);
  const config = cliConfig();
  const rows = await withDatabase(config, (db) => listAudit(db, filter), { command: 'audit' });
  for (const row of rows) {
    if (values.json) {
      console.log(JSON.stringify({ ...row, at: row.at.toISOString() }));
    } else {
      console.log(formatAuditRow(row, config.OMIS_TIMEZONE));
    }
  }
  if (!values.json && rows.length === 0) console.log('no audit entries match');
}
