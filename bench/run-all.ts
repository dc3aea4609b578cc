import { parseArgs } from 'node:util';
import { createBenchDatabase, seedBench, withDatabaseName } from './lib/bench-db.ts';
import { runQueryThroughput } from './cases/query-throughput.ts';
import { runActionThroughput } from './cases/action-throughput.ts';
import { buildProject } from './lib/child-server.ts';
import { fmt, table } from './lib/load.ts';
import type { HeadlineRow, ProjectVariant } from './lib/rounds.ts';
import { prepareLargeLaunch, runLargeLaunch } from './cases/large-launch.ts';
import { prepareReport, runReport } from './cases/report-stream.ts';
import { prepareLookup, runLookup } from './cases/recipient-lookup.ts';
import { runStartup } from './cases/startup.ts';
import { runJournalCost } from './cases/journal-cost.ts';

/**
 * `npm run bench`: every measurement of docs/PERFORMANCE.md against one throwaway PostgreSQL database.
 *   --only=query,action,journal,launch,report,lookup,startup   run some cases only
 *   --quick                                      shorter runs (a smoke test of the bench itself)
 *   --rounds=N --seconds=S                       throughput: N alternated rounds of S seconds per server
 *   --warmup=S                                   throughput: S seconds of load per server before round 1
 *   --connections=1,8,32                         throughput: the query case at each of these concurrencies (the target holds at each)
 *   --action-connections=8                       throughput: the action case at each of these
 *   --pooler=URL                                 also run the project through a pooler in transaction mode in front of
 *                                                the same PostgreSQL (e.g. postgresql://postgres@127.0.0.1:6432/postgres;
 *                                                scripts/ci/pgbouncer.sh starts one); the database name is replaced
 * Not run from here: the one-process micro-measurements in bench/micro, each `npx tsx bench/micro/<name>.ts`,
 * among them csv-writers.ts (the job report's rows through the project's CSV writer and through fast-csv).
 */
const { values } = parseArgs({
  options: {
    only: { type: 'string' },
    quick: { type: 'boolean', default: false },
    rounds: { type: 'string' },
    seconds: { type: 'string' },
    warmup: { type: 'string' },
    connections: { type: 'string', default: '1,8,32' },
    'action-connections': { type: 'string', default: '8' },
    pooler: { type: 'string' },
  },
});
const only = values.only ? new Set(values.only.split(',')) : undefined;
const wants = (name: string) => !only || only.has(name);
const rounds = Number(values.rounds ?? (values.quick ? 1 : 3));
const seconds = Number(values.seconds ?? (values.quick ? 3 : 10));
// The project has far more code than the baseline for V8 to optimise: with 2 s of warm-up its first
// rounds still spend a tenth of the CPU compiling. A server runs for hours.
const warmupSeconds = Number(values.warmup ?? (values.quick ? 2 : 20));

// The project's server runs its compiled code, as `npm start` does: compiled from the sources now.
buildProject();
const bench = await createBenchDatabase();
const report: string[] = [];
const headlines: HeadlineRow[] = [];
const cleanup = async () => {
  await bench.drop();
};
process.once('SIGINT', () => void cleanup().finally(() => process.exit(130)));
try {
  await seedBench(bench.db);
  console.error(`bench database ${bench.name} ready`);
  const poolerDbUrl = values.pooler ? withDatabaseName(values.pooler, bench.name) : undefined;
  const direct = { DATABASE_URL: bench.url };
  const defaults: ProjectVariant[] = [
    { label: 'defaults (LOG_LEVEL=info)', env: { ...direct, LOG_LEVEL: 'info' }, headline: true },
    ...(poolerDbUrl
      ? [{ label: 'defaults, through the pooler', env: { DATABASE_URL: poolerDbUrl, DIRECT_URL: bench.url, LOG_LEVEL: 'info' }, headline: true }]
      : []),
  ];
  const throughput = { rounds, seconds, warmupSeconds, dbUrl: bench.url };
  if (wants('query')) {
    const variants: ProjectVariant[] = [
      ...defaults,
      // What the page's optional work per request costs: without the request line and the journal,
      // the rest of the gap to the baseline is the work every answer needs (docs/PERFORMANCE.md).
      { label: 'no request line, no journal (LOG_LEVEL=warn, OMIS_JOURNAL=false)', env: { ...direct, LOG_LEVEL: 'warn', OMIS_JOURNAL: 'false' } },
    ];
    for (const connections of values.connections.split(',').map(Number)) {
      const { report: text, headline } = await runQueryThroughput({ ...throughput, poolerDbUrl, connections, variants });
      report.push(text);
      headlines.push(headline);
    }
  }
  if (wants('action')) {
    for (const connections of values['action-connections'].split(',').map(Number)) {
      const { report: text, headline } = await runActionThroughput({ ...throughput, connections, variants: defaults });
      report.push(text);
      headlines.push(headline);
    }
  }
  if (headlines.length > 0) report.push(summaryTable(headlines));
  if (wants('journal')) {
    // The journal's cost on the query path: with and without it, in one run, alternated.
    for (const connections of values.connections.split(',').map(Number)) report.push(await runJournalCost({ ...throughput, connections }));
  }
  if (wants('launch')) {
    await prepareLargeLaunch(bench.loader);
    report.push(await runLargeLaunch(bench.url));
  }
  if (wants('report')) {
    const recipients = values.quick ? 100_000 : 1_000_000;
    await prepareReport(bench.loader, recipients);
    report.push(await runReport(bench.url, recipients));
  }
  if (wants('lookup')) {
    const [small, large] = values.quick ? [10_000, 1_000_000] : [10_000, 10_000_000];
    await prepareLookup(bench.loader, small, large, (line) => console.error(line));
    report.push(await runLookup(bench.url, bench.loader, small, large, seconds, rounds));
  }
  if (wants('startup')) report.push(await runStartup());
} finally {
  await cleanup();
}
console.log(report.join('\n'));

/** The closing summary: each case and concurrency with the project's ratio to its bare baseline. */
function summaryTable(rows: HeadlineRow[]): string {
  const lines = rows.flatMap((row) =>
    row.project.map(({ label, summary }) => [
      row.case,
      String(row.connections),
      label,
      fmt.int(row.baseline.rps),
      fmt.int(summary.rps),
      fmt.ratio(summary.rps / row.baseline.rps),
      row.baseline.p99 > 0 ? fmt.ratio(summary.p99 / row.baseline.p99) : `${fmt.ms(summary.p99)} vs < 1 ms`,
    ]),
  );
  return (
    `Summary: the project against its bare baseline (which reaches PostgreSQL directly), medians of alternated rounds\n` +
    table(['case', 'connections', 'project', 'baseline req/s', 'project req/s', 'req/s ratio', 'p99 ratio'], lines) +
    '\n'
  );
}
