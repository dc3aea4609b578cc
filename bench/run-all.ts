import { parseArgs } from 'node:util';
import { createBenchDatabase, seedBench } from './lib/bench-db.ts';
import { runQueryThroughput } from './cases/query-throughput.ts';
import { prepareLargeLaunch, runLargeLaunch } from './cases/large-launch.ts';
import { prepareReport, runReport } from './cases/report-stream.ts';
import { prepareLookup, runLookup } from './cases/recipient-lookup.ts';
import { runStartup } from './cases/startup.ts';

/**
 * `npm run bench`: every measurement of docs/PERFORMANCE.md against one throwaway PostgreSQL database.
 *   --only=query,launch,report,lookup,startup   run some cases only
 *   --quick                                      shorter runs (a smoke test of the bench itself)
 *   --rounds=N --seconds=S                       throughput: N alternated rounds of S seconds per server
 *   --warmup=S                                   throughput: S seconds of load per server before round 1
 *   --connections=32,8,1                         throughput: the query case at each of these concurrencies (the target is at 32)
 */
const { values } = parseArgs({
  options: {
    only: { type: 'string' },
    quick: { type: 'boolean', default: false },
    rounds: { type: 'string' },
    seconds: { type: 'string' },
    warmup: { type: 'string' },
    connections: { type: 'string', default: '32' },
  },
});
const only = values.only ? new Set(values.only.split(',')) : undefined;
const wants = (name: string) => !only || only.has(name);
const rounds = Number(values.rounds ?? (values.quick ? 1 : 3));
const seconds = Number(values.seconds ?? (values.quick ? 3 : 10));
// The project has far more code than the baseline for V8 to optimise: with 2 s of warm-up its first
// rounds still spend a tenth of the CPU compiling (docs/PERFORMANCE.md §7). A server runs for hours.
const warmupSeconds = Number(values.warmup ?? (values.quick ? 2 : 20));

const bench = await createBenchDatabase();
const report: string[] = [];
const cleanup = async () => {
  await bench.drop();
};
process.once('SIGINT', () => void cleanup().finally(() => process.exit(130)));
try {
  await seedBench(bench.db);
  console.error(`bench database ${bench.name} ready`);
  if (wants('query')) {
    const variants = [
      { label: 'defaults (LOG_LEVEL=info)', env: { LOG_LEVEL: 'info' } },
      { label: 'LOG_LEVEL=warn', env: { LOG_LEVEL: 'warn' } },
    ];
    for (const connections of values.connections.split(',').map(Number)) {
      report.push(await runQueryThroughput({ dbUrl: bench.url, rounds, seconds, warmupSeconds, connections, variants }));
    }
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
