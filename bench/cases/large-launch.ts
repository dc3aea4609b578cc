import { startProjectServer, resetPeak } from '../lib/child-server.ts';
import { BENCH_LOGIN } from '../lib/bench-db.ts';
import { createJobs, createLaunch } from '../lib/generate.ts';
import type { Loader } from '../lib/generate.ts';
import { fmt, table } from '../lib/load.ts';

/**
 * A launch with 10,000 jobs answered as XML and as CSV with < 50 MB extra RSS.
 * Extra RSS = the server's peak resident size (VmHWM, reset before each form) minus its resident
 * size when idle after a warm-up request, for one request and for 4 at once.
 */
export const LARGE_LAUNCH_ID = 5500;
export const LARGE_LAUNCH_JOBS = 10_000;

export async function prepareLargeLaunch(db: Loader): Promise<void> {
  await createLaunch(db, LARGE_LAUNCH_ID, 'Ten thousand jobs');
  await createJobs(db, LARGE_LAUNCH_ID, 600_000, LARGE_LAUNCH_JOBS);
}

const pathFor = (returnType: string) =>
  `/WebAPI/TaskManager.aspx?${new URLSearchParams({ ...BENCH_LOGIN, LaunchID: String(LARGE_LAUNCH_ID), ReturnType: returnType })}`;

export async function runLargeLaunch(dbUrl: string, env: Record<string, string> = {}): Promise<string> {
  const server = await startProjectServer('project', { DATABASE_URL: dbUrl, LOG_LEVEL: 'warn', ...env });
  const rows: string[][] = [];
  try {
    for (const returnType of ['XML', 'CSV']) {
      // Warm-up: code paths compiled, pools filled, the credential verified once.
      const warm = await fetch(server.url + pathFor(returnType));
      const warmBody = await warm.text();
      const expected = returnType === 'XML' ? '<JobID>' : '\r\n';
      if (warmBody.split(expected).length - 1 < LARGE_LAUNCH_JOBS) throw new Error(`${returnType}: the answer does not hold ${LARGE_LAUNCH_JOBS} jobs`);
      for (const parallel of [1, 4]) {
        (globalThis as { gc?: () => void }).gc?.();
        await new Promise((resolve) => setTimeout(resolve, 500));
        const idle = server.memory().rss;
        const peakReset = resetPeak(server.pid);
        const started = performance.now();
        const bodies = await Promise.all(
          Array.from({ length: parallel }, async () => {
            const res = await fetch(server.url + pathFor(returnType));
            // Read as a stream and count bytes: the client holds nothing.
            let bytes = 0;
            for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) bytes += chunk.length;
            return { bytes, chunked: res.headers.get('transfer-encoding') === 'chunked' };
          }),
        );
        const seconds = (performance.now() - started) / 1000;
        const peak = server.memory().peak;
        const extra = peakReset ? peak - idle : NaN;
        rows.push([
          returnType,
          String(parallel),
          fmt.mb(bodies[0]!.bytes),
          bodies[0]!.chunked ? 'chunked' : 'one body',
          `${seconds.toFixed(2)} s`,
          fmt.mb(idle),
          fmt.mb(peak),
          `${fmt.mb(extra)} ${extra < 50 * 1024 * 1024 ? '(met)' : '(NOT met)'}`,
        ]);
        console.error(`  large launch ${returnType} ×${parallel}: extra RSS ${fmt.mb(extra)} in ${seconds.toFixed(2)} s`);
      }
    }
  } finally {
    await server.stop();
  }
  return (
    `Launch with ${LARGE_LAUNCH_JOBS.toLocaleString('en-US')} jobs through the page (target: < 50 MB extra RSS)\n` +
    table(['form', 'requests at once', 'body', 'transfer', 'time', 'idle RSS', 'peak RSS', 'extra RSS'], rows) +
    '\n'
  );
}
