import { DateTime } from 'luxon';
import type { AuditRow, AuditState } from '../store/audit.ts';

/** How `omis audit` shows an entry (pure): one line a record, newest first. */
export function formatAuditRow(row: AuditRow, timeZone: string): string {
  const at = DateTime.fromJSDate(row.at, { zone: timeZone }).toFormat('yyyy-MM-dd HH:mm:ss');
  const who = row.account_id === null ? row.login : `${row.login} (${row.account_id})`;
  const target = `${row.target_type} ${row.target_id ?? '?'}`;
  const result = row.error_code === 0 ? 'OK' : `refused ${row.error_code}`;
  const expiry = row.action === 'launch.change-expiry';
  const change = row.after === null ? describeState(row.before, expiry) : `${describeState(row.before, expiry)} -> ${describeState(row.after, expiry)}`;
  return [at, who, row.client_ip, row.action, target, result, change].filter((part) => part !== '').join('  ');
}

/** The record's state in the page's terms (STATUS/ERRORCODE), with what a cascade touched. */
export function describeState(state: AuditState | null, showExpiry = false): string {
  if (!state) return '';
  const parts: string[] = [];
  const record = state.launch ?? state.job;
  if (record) {
    parts.push(`STATUS ${record.status} ERRORCODE ${record.errorCode}${record.deleted ? ' deleted' : ''}`);
  }
  if (showExpiry && state.launch) parts.push(`expires ${state.launch.expireTime ?? 'never'}`);
  if (state.jobs && state.jobs.length > 0) {
    parts.push(`jobs ${state.jobs.map((job) => `${job.jobId}:${job.errorCode}${job.pausedByLaunch ? 'p' : ''}`).join(',')}`);
  }
  if (state.rootPoints !== undefined) parts.push(`points ${state.rootPoints}`);
  if (!record && state.request) {
    parts.push(Object.entries(state.request).map(([name, value]) => `${name}=${value}`).join(' '));
  }
  return `[${parts.join('; ')}]`;
}
