import { startProjectServer, resetPeak } from '../lib/child-server.ts';
import { BENCH_LOGIN } from '../lib/bench-db.ts';
import { createJobs, createLaunch, createRecipients, withoutRecipientIndexes } from '../lib/generate.ts';
import type { Loader } from '../lib/generate.ts';
import { fmt, table } from '../lib/load.ts';

/**
 * A job report of 1,000,000 recipients streamed at >= 100,000 rows/s with flat
 * memory. The client follows the job's signed ReportPath from a page answer, reads the CSV as a
 * stream and counts rows; the server's RSS is sampled every 100 ms while it streams.
 */
export const REPORT_LAUNCH_ID = 5600;
export const REPORT_JOB_ID = 700_000;

export async function prepareReport(db: Loader, recipients: number): Promise<void> {
  await createLaunch(db, REPORT_LAUNCH_ID, 'One million recipients');
  await createJobs(db, REPORT_LAUNCH_ID, REPORT_JOB_ID, 1);
  await withoutRecipientIndexes(db, () => createRecipients(db, REPORT_JOB_ID, recipients));
}

export async function runReport(dbUrl: string, recipients: number, env: Record<string, string> = {}): Promise<string> {
  const server = await startProjectServer('project', { DATABASE_URL: dbUrl, LOG_LEVEL: 'warn', ...env });
  const rows: string[][] = [];
  const tenths: string[] = [];
  try {
    const page = await fetch(`${server.url}/WebAPI/TaskManager.aspx?${new URLSearchParams({ ...BENCH_LOGIN, JobID: String(REPORT_JOB_ID) })}`);
    const reportPath = /<ReportPath>([^<]+)<\/ReportPath>/.exec(await page.text())?.[1]?.replaceAll('&amp;', '&');
    if (!reportPath) throw new Error('no ReportPath in the page answer');
    for (let run = 1; run <= 2; run++) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      const idle = server.memory().rss;
      resetPeak(server.pid);
      let maxRss = idle;
      const sampler = setInterval(() => {
        maxRss = Math.max(maxRss, server.memory().rss);
      }, 100);
      const started = performance.now();
      const res = await fetch(server.url + reportPath);
      if (res.status !== 200) throw new Error(`report answered HTTP ${res.status}`);
      let lines = 0;
      let bytes = 0;
      // RSS when each tenth of the rows has been read: flat memory means no trend across them.
      const marks: number[] = [];
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        bytes += chunk.length;
        for (const byte of chunk) if (byte === 10) lines++;
        if (lines >= ((marks.length + 1) * recipients) / 10 && marks.length < 10) marks.push(server.memory().rss);
      }
      console.error(`  report run ${run}: RSS at each tenth of the rows: ${marks.map((rss) => fmt.mb(rss)).join(', ')}`);
      tenths.push(marks.map((rss) => fmt.mb(rss).replace(' MB', '')).join(' '));
      const seconds = (performance.now() - started) / 1000;
      clearInterval(sampler);
      const peak = server.memory().peak;
      const recipientRows = lines - 3; // header, LAUNCH and JOB rows
      if (recipientRows !== recipients) throw new Error(`report had ${recipientRows} recipient rows, expected ${recipients}`);
      const rate = recipientRows / seconds;
      rows.push([
        String(run),
        fmt.int(recipientRows),
        fmt.mb(bytes),
        `${seconds.toFixed(2)} s`,
        `${fmt.int(rate)} ${rate >= 100_000 ? '(met)' : '(NOT met)'}`,
        fmt.mb(idle),
        fmt.mb(Math.max(peak, maxRss)),
        fmt.mb(Math.max(peak, maxRss) - idle),
      ]);
      console.error(`  report run ${run}: ${fmt.int(rate)} rows/s, peak extra ${fmt.mb(Math.max(peak, maxRss) - idle)}`);
    }
  } finally {
    await server.stop();
  }
  return (
    `Job report (Report.aspx, CSV) of ${fmt.int(recipients)} recipients, read as a stream (target: >= 100,000 rows/s, flat memory)\n` +
    table(['run', 'rows', 'body', 'time', 'rows/s', 'idle RSS', 'peak RSS', 'growth'], rows) +
    `\nServer RSS (MB) after each tenth of the rows, run by run:\n${tenths.map((line, i) => `  run ${i + 1}: ${line}`).join('\n')}\n`
  );
}
