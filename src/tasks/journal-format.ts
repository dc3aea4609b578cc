import { DateTime } from 'luxon';
import type { JournalEntry } from '../store/journal.ts';
import { describeRule } from '../tasks/sandbox-rule.ts';

/** How the request journal reads on the command line (pure); the console shows the same fields. */
export function journalTime(at: Date, timeZone: string): string {
  return DateTime.fromJSDate(at, { zone: timeZone }).toFormat('yyyy-MM-dd HH:mm:ss.SSS');
}

export function journalOutcome(entry: Pick<JournalEntry, 'error_code' | 'http_status' | 'injected'>): string {
  const code = entry.error_code === null ? `HTTP ${entry.http_status}` : `ErrorCode ${entry.error_code}`;
  return entry.injected ? `${code} (sandbox: ${describeRule(entry.injected)})` : code;
}

/** One line a request: time, client, method, login, outcome, duration. */
export function formatJournalLine(entry: JournalEntry, timeZone: string): string {
  return [
    journalTime(entry.at, timeZone),
    entry.client_ip,
    entry.method,
    entry.login ?? '(no login)',
    journalOutcome(entry),
    `${entry.duration_ms.toFixed(1)} ms`,
  ].join('  ');
}

/** The line, then each parameter with its source (`*` marks the value the page used), the XML source and the answer. */
export function formatJournalDetail(entry: JournalEntry, timeZone: string): string {
  const lines = [formatJournalLine(entry, timeZone), `  content type: ${entry.content_type ?? '(none)'}   HTTP ${entry.http_status}`];
  if (entry.xml_source) lines.push(`  XML source: ${entry.xml_source}`);
  for (const param of entry.params) lines.push(`  ${param.used ? '*' : ' '} ${param.source.padEnd(5)} ${param.name} = ${param.value.replace(/\r?\n/g, ' ')}`);
  if (entry.answer !== '') lines.push('  answer:', ...entry.answer.replace(/\r?\n$/, '').split(/\r?\n/).map((line) => `    ${line}`));
  return lines.join('\n');
}
