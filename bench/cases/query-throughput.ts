import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { postgresCpuByPid, postgresCpuSince, startChildServer, type ChildServer } from '../lib/child-server.ts';
import { BENCH_LOGIN, SMALL_LAUNCH_ID } from '../lib/bench-db.ts';
import { fmt, load, median, table, type LoadFigures } from '../lib/load.ts';

/**
 * The authenticated launch query (the document's GET example) against a bare
 * Fastify + one indexed pg query, all on the same database, alternated round by round so that drift
 * of the machine (other processes, PostgreSQL's caches) hits every server alike.
 */
export interface ProjectVariant {
  label: string;
  /** Environment of the project server beyond DATABASE_URL (LOG_LEVEL, OMIS_AUTH_CACHE_SECONDS, ...). */
  env: Record<string, string>;
}

export interface ThroughputOptions {
  dbUrl: string;
  rounds: number;
  seconds: number;
  /** Load on each server before the first round, so that V8 has optimised what the request runs. */
  warmupSeconds: number;
  connections: number;
  variants: ProjectVariant[];
}

/** The issue states the throughput target at this concurrency. */
const TARGET_CONNECTIONS = 32;

export const queryPath = () => `/WebAPI/TaskManager.aspx?${new URLSearchParams({ ...BENCH_LOGIN, LaunchID: String(SMALL_LAUNCH_ID) })}`;

/** The project's count of reads and of the statements that carried them (its /metrics), so far. */
async function readStatements(baseUrl: string): Promise<{ reads: number; statements: number } | undefined> {
  const text = await (await fetch(`${baseUrl}/metrics`)).text().catch(() => '');
  const value = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1]);
  const reads = value('omis_db_reads_per_statement_sum');
  const statements = value('omis_db_reads_per_statement_count');
  return Number.isFinite(reads) && Number.isFinite(statements) ? { reads, statements } : undefined;
}

interface Summary {
  rps: number;
  p50: number;
  p99: number;
  cpu: number;
  pgCpu: number;
  readsPerStatement: number | undefined;
}

const summarise = (list: LoadFigures[]): Summary => ({
  rps: median(list.map((f) => f.rps)),
  p50: median(list.map((f) => f.p50)),
  p99: median(list.map((f) => f.p99)),
  cpu: median(list.map((f) => f.cpuPerRequest!)),
  pgCpu: median(list.map((f) => f.postgresCpuPerRequest!)),
  readsPerStatement: list.every((f) => f.readsPerStatement !== undefined) ? median(list.map((f) => f.readsPerStatement!)) : undefined,
});

export async function runQueryThroughput(options: ThroughputOptions): Promise<string> {
  const servers: Array<{ label: string; server: ChildServer; project?: boolean }> = [];
  try {
    for (const variant of options.variants) {
      const server = await startChildServer(variant.label, 'project-server.ts', { DATABASE_URL: options.dbUrl, ...variant.env });
      servers.push({ label: `project, ${variant.label}`, server, project: true });
    }
    // The baseline answers the very bytes the project answers.
    const body = await (await fetch(servers[0]!.server.url + queryPath())).text();
    if (!body.includes('<ErrorCode>0</ErrorCode>')) throw new Error(`the project did not answer the bench query:\n${body}`);
    const bodyFile = path.join(os.tmpdir(), `omis-bench-body-${process.pid}.xml`);
    writeFileSync(bodyFile, body);
    const baseline = await startChildServer('baseline', 'baseline-server.ts', { BENCH_DB_URL: options.dbUrl, BENCH_XML_BODY_FILE: bodyFile });
    // A reference, not a target: the bare server running the project's read statement (one per
    // request, never shared) instead of the single index probe, so the table shows what the statement costs.
    const statementOnly = await startChildServer('statement', 'baseline-server.ts', {
      BENCH_DB_URL: options.dbUrl,
      BENCH_XML_BODY_FILE: bodyFile,
      BENCH_STATEMENT: 'project',
    });
    servers.unshift({ label: 'bare Fastify + 1 pg query', server: baseline }, { label: "(reference) bare Fastify + the project's statement, one per request", server: statementOnly });

    const runs = new Map<string, LoadFigures[]>(servers.map(({ label }) => [label, []]));
    for (const { server } of servers) await load(server.url + queryPath(), { connections: options.connections, seconds: options.warmupSeconds });
    for (let round = 0; round < options.rounds; round++) {
      for (const { label, server, project } of servers) {
        const cpuBefore = server.cpuSeconds();
        const postgresBefore = postgresCpuByPid();
        const statementsBefore = project ? await readStatements(server.url) : undefined;
        const figures = await load(server.url + queryPath(), { connections: options.connections, seconds: options.seconds });
        figures.cpuPerRequest = (server.cpuSeconds() - cpuBefore) / Math.max(1, figures.requests);
        figures.postgresCpuPerRequest = postgresCpuSince(postgresBefore) / Math.max(1, figures.requests);
        const statementsAfter = statementsBefore && (await readStatements(server.url));
        if (statementsBefore && statementsAfter) {
          figures.readsPerStatement = (statementsAfter.reads - statementsBefore.reads) / Math.max(1, statementsAfter.statements - statementsBefore.statements);
        }
        if (figures.failures > 0) throw new Error(`${label}: ${figures.failures} failed requests in round ${round + 1}`);
        runs.get(label)!.push(figures);
        console.error(
          `  round ${round + 1} ${label}: ${fmt.int(figures.rps)} req/s p50 ${fmt.ms(figures.p50)} p99 ${fmt.ms(figures.p99)} ` +
            `server CPU ${fmt.us(figures.cpuPerRequest)}/req, PostgreSQL CPU ${fmt.us(figures.postgresCpuPerRequest)}/req` +
            (figures.readsPerStatement === undefined ? '' : `, ${figures.readsPerStatement.toFixed(1)} reads/statement`),
        );
      }
    }
    const base = summarise(runs.get(servers[0]!.label)!);
    const rows = servers.map(({ label }, index) => {
      const s = summarise(runs.get(label)!);
      // autocannon measures latency in whole milliseconds: a baseline p99 of 0 ms has no ratio.
      const p99 = base.p99 > 0 ? fmt.ratio(s.p99 / base.p99) : `${fmt.ms(s.p99)} vs < 1 ms`;
      const vs = index === 0 ? '' : `${fmt.ratio(s.rps / base.rps)} req/s, p99 ${p99}`;
      const shared = s.readsPerStatement === undefined ? '1' : s.readsPerStatement.toFixed(1);
      return [label, fmt.int(s.rps), fmt.ms(s.p50), fmt.ms(s.p99), fmt.us(s.cpu), fmt.us(s.pgCpu), shared, vs];
    });
    const headlineLabel = servers[2]!.label;
    const headline = summarise(runs.get(headlineLabel)!);
    return (
      `Authenticated launch query (GET, LaunchID with 3 jobs), ${options.connections} connections, ` +
      `${options.rounds} alternated rounds of ${options.seconds} s each after ${options.warmupSeconds} s of warm-up per server (medians)\n` +
      table(['server', 'req/s', 'p50', 'p99', 'server CPU/req', 'PostgreSQL CPU/req', 'requests per statement', 'vs baseline'], rows) +
      (options.connections === TARGET_CONNECTIONS
        ? `\ntarget (${headlineLabel}): req/s >= 0.70× → ${headline.rps / base.rps >= 0.7 ? 'met' : 'NOT met'}; ` +
          `p99 <= 2× → ${headline.p99 <= 2 * base.p99 ? 'met' : 'NOT met'}\n`
        : `\n(the target is stated for ${TARGET_CONNECTIONS} connections)\n`)
    );
  } finally {
    for (const { server } of servers) await server.stop();
  }
}
