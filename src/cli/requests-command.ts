import { setTimeout as sleep } from 'node:timers/promises';
import { listJournal, type JournalEntry, type JournalFilter } from '../store/journal.ts';
import { formatJournalDetail, formatJournalLine } from '../tasks/journal-format.ts';
import type { Database } from '../db/database.ts';
import { CliError, cliConfig, wholeNumberOption, withDatabase } from './cli-support.ts';

export const REQUESTS_HELP = `Usage: omis requests [--login NAME] [--code N] [--limit N] [--follow] [--full | --json]

The request journal: recent requests to TaskManager.aspx from every client and instance, oldest
first — time (OMIS_TIMEZONE), client address, method, login, ErrorCode (and a sandbox rule that
shaped the answer), duration. Passwords and secrets are never kept. Unlike the console, which shows
a manager the requests of its own tree, this shows every request, those whose login is no account too.
  --login NAME  requests naming this login (case-insensitive)
  --code N      requests answered with ErrorCode N
  --limit N     the last N requests (default 20, at most 10000)
  --follow      keep printing new requests as they come (Ctrl-C ends)
  --full        each parameter with its source (* marks the value used), the XML source, the answer
  --json        one JSON document a line
The journal is off when OMIS_JOURNAL=false.`;

export const REQUESTS_OPTIONS = {
  login: { type: 'string' },
  code: { type: 'string' },
  limit: { type: 'string' },
  follow: { type: 'boolean' },
  full: { type: 'boolean' },
  json: { type: 'boolean' },
} as const;

/** How often --follow looks for new requests. */
export const FOLLOW_POLL_MS = 1000;

/** The filter the options ask for (exported for tests). */
export function requestsFilter(values: Record<string, unknown>): JournalFilter {
  if (values.full && values.json) throw new CliError('--full and --json exclude each other');
  const filter: JournalFilter = { limit: wholeNumberOption(values.limit, '--limit', 1, 10_000) ?? 20 };
  if (typeof values.login === 'string' && values.login.trim() !== '') filter.login = values.login;
  filter.errorCode = wholeNumberOption(values.code, '--code', 0, 99_999);
  return filter;
}

export function formatEntry(entry: JournalEntry, values: Record<string, unknown>, timeZone: string): string {
  if (values.json) return JSON.stringify({ ...entry, at: entry.at.toISOString() });
  return values.full ? formatJournalDetail(entry, timeZone) : formatJournalLine(entry, timeZone);
}

/**
 * Prints the last entries, oldest first; with `follow`, then every new one until `signal` aborts.
 * Each poll asks for the entries after the last one printed (an index range, however long it runs).
 */
export async function printJournal(db: Database, filter: JournalFilter, options: { follow: boolean; print(entry: JournalEntry): void; signal?: AbortSignal }): Promise<number> {
  let printed = 0;
  let lastId = filter.afterId;
  const show = (entries: JournalEntry[]) => {
    for (const entry of entries.reverse()) {
      options.print(entry);
      lastId = entry.journal_id;
      printed++;
    }
  };
  show(await listJournal(db, filter));
  while (options.follow && !options.signal?.aborted) {
    await sleep(FOLLOW_POLL_MS, undefined, { signal: options.signal }).catch(() => undefined);
    if (options.signal?.aborted) break;
    show(await listJournal(db, { ...filter, afterId: lastId, limit: 1000 }));
  }
  return printed;
}

export async function requestsCommand(positionals: string[], values: Record<string, unknown>): Promise<void> {
  if (positionals.length > 0) throw new CliError(`unexpected argument "${positionals[0]}"\n\n${REQUESTS_HELP}`);
  const filter = requestsFilter(values);
  const config = cliConfig();
  const follow = Boolean(values.follow);
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  if (follow) process.once('SIGINT', onSignal).once('SIGTERM', onSignal);
  try {
    const printed = await withDatabase(
      config,
      (db) => printJournal(db, filter, { follow, signal: stop.signal, print: (entry) => console.log(formatEntry(entry, values, config.OMIS_TIMEZONE)) }),
      { command: 'requests' },
    );
    if (printed === 0 && !values.json) console.log(config.OMIS_JOURNAL ? 'no requests match' : 'no requests match (the journal is off: OMIS_JOURNAL=false)');
  } finally {
    process.off('SIGINT', onSignal).off('SIGTERM', onSignal);
  }
}
