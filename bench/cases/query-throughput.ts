import { startChildServer } from '../lib/child-server.ts';
import { BENCH_LOGIN, SMALL_LAUNCH_ID } from '../lib/bench-db.ts';
import { fmt, table } from '../lib/load.ts';
import { targetLine, alternateRounds, headlineOf, startProjects, versus, type BenchServer, type HeadlineRow, type ProjectVariant } from '../lib/rounds.ts';

/**
 * The authenticated launch query (the document's GET example) against a bare
 * Fastify + one indexed pg query, all on the same database, alternated round by round so that drift
 * of the machine (other processes, PostgreSQL's caches) hits every server alike.
 */
export interface ThroughputOptions {
  /** The bench database, directly. */
  dbUrl: string;
  /** The same database through a pooler, for a bare baseline through it too (with --pooler). */
  poolerDbUrl?: string | undefined;
  rounds: number;
  seconds: number;
  warmupSeconds: number;
  connections: number;
  variants: ProjectVariant[];
}

/** The query's target against its baseline, at every concurrency (docs/PERFORMANCE.md). */
export const QUERY_TARGET = 0.9;

export const queryPath = () => `/WebAPI/TaskManager.aspx?${new URLSearchParams({ ...BENCH_LOGIN, LaunchID: String(SMALL_LAUNCH_ID) })}`;

export async function runQueryThroughput(options: ThroughputOptions): Promise<{ report: string; headline: HeadlineRow }> {
  const servers: BenchServer[] = [];
  try {
    await startProjects(options.variants, servers);
    // The baseline answers the very bytes the project answers.
    const body = await (await fetch(servers[0]!.server.url + queryPath())).text();
    if (!body.includes('<ErrorCode>0</ErrorCode>')) throw new Error(`the project did not answer the bench query:\n${body}`);
    const baseline = await startChildServer('baseline', 'baseline-server.ts', { BENCH_DB_URL: options.dbUrl, BENCH_XML_BODY: body });
    // A reference, not a target: the bare server running the project's read statement (one per
    // request, never shared) instead of the single index probe, so the table shows what the statement costs.
    const statementOnly = await startChildServer('statement', 'baseline-server.ts', {
      BENCH_DB_URL: options.dbUrl,
      BENCH_XML_BODY: body,
      BENCH_STATEMENT: 'project',
    });
    const references: BenchServer[] = [
      { label: 'bare Fastify + 1 pg query', server: baseline },
      { label: "(reference) bare Fastify + the project's statement, one per request", server: statementOnly },
    ];
    if (options.poolerDbUrl) {
      // What the pooler's extra hop costs a server that does nothing else.
      const pooled = await startChildServer('baseline-pooled', 'baseline-server.ts', { BENCH_DB_URL: options.poolerDbUrl, BENCH_XML_BODY: body });
      references.push({ label: '(reference) bare Fastify + 1 pg query, through the pooler', server: pooled });
    }
    servers.unshift(...references);

    const summaries = await alternateRounds(servers, { ...options, path: queryPath() });
    const base = summaries.get(servers[0]!.label)!;
    const rows = servers.map(({ label }, index) => {
      const s = summaries.get(label)!;
      const shared = s.readsPerStatement === undefined ? '1' : s.readsPerStatement.toFixed(1);
      return [label, fmt.int(s.rps), fmt.ms(s.p50), fmt.ms(s.p99), fmt.us(s.cpu), fmt.us(s.pgCpu), shared, index === 0 ? '' : versus(s, base)];
    });
    const headlineServers = servers.filter((s) => s.headline);
    const target = headlineServers[0] && summaries.get(headlineServers[0].label)!;
    const report =
      `Authenticated launch query (GET, LaunchID with 3 jobs), ${options.connections} connections, ` +
      `${options.rounds} alternated rounds of ${options.seconds} s each after ${options.warmupSeconds} s of warm-up per server (medians)\n` +
      table(['server', 'req/s', 'p50', 'p99', 'server CPU/req', 'PostgreSQL CPU/req', 'requests per statement', 'vs baseline'], rows) +
      '\n' +
      (target ? targetLine(headlineServers[0]!.label, target, base, QUERY_TARGET) : '');
    return { report, headline: headlineOf('launch query', options.connections, servers, summaries) };
  } finally {
    for (const { server } of servers) await server.stop();
  }
}
