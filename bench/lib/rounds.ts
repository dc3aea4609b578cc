import type { Request } from 'autocannon';
import { postgresCpuByPid, postgresCpuSince, startProjectServer, type ChildServer } from './child-server.ts';
import { fmt, load, median, type LoadFigures } from './load.ts';

/**
 * The bench's way of comparing servers: each is warmed up, then they take turns, round by round,
 * under the same load, so that drift of the machine (other processes, PostgreSQL's caches) hits
 * every server alike. Medians of the rounds are compared.
 */
export interface BenchServer {
  label: string;
  server: ChildServer;
  /** The project's own server (it has /metrics to read). */
  project?: boolean;
  /** Shown in the closing summary. */
  headline?: boolean;
}

/** A configuration of the project's server under test. */
export interface ProjectVariant {
  label: string;
  /** Environment of the project server (DATABASE_URL, LOG_LEVEL, ...). */
  env: Record<string, string>;
  /** Shown in the closing summary (the defaults, directly and through the pooler). */
  headline?: boolean;
}

/** Starts the project's server once per variant, appending each to `servers` as it comes up. */
export async function startProjects(variants: ProjectVariant[], servers: BenchServer[]): Promise<void> {
  for (const variant of variants) {
    const server = await startProjectServer(variant.label, variant.env);
    servers.push({ label: `project, ${variant.label}`, server, project: true, headline: variant.headline ?? false });
  }
}

export interface RoundOptions {
  rounds: number;
  seconds: number;
  /** Load on each server before the first round, so that V8 has optimised what the request runs. */
  warmupSeconds: number;
  connections: number;
  /** The one request every connection sends, or a sequence each connection sends in turn. */
  path?: string;
  requests?: Request[];
}

export interface Summary {
  rps: number;
  p50: number;
  p99: number;
  cpu: number;
  pgCpu: number;
  readsPerStatement: number | undefined;
}

/** The project's count of reads and of the statements that carried them (its /metrics), so far. */
async function readStatements(baseUrl: string): Promise<{ reads: number; statements: number } | undefined> {
  const text = await (await fetch(`${baseUrl}/metrics`)).text().catch(() => '');
  const value = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1]);
  const reads = value('omis_db_reads_per_statement_sum');
  const statements = value('omis_db_reads_per_statement_count');
  return Number.isFinite(reads) && Number.isFinite(statements) ? { reads, statements } : undefined;
}

export function summarise(list: LoadFigures[]): Summary {
  return {
    rps: median(list.map((f) => f.rps)),
    p50: median(list.map((f) => f.p50)),
    p99: median(list.map((f) => f.p99)),
    cpu: median(list.map((f) => f.cpuPerRequest!)),
    pgCpu: median(list.map((f) => f.postgresCpuPerRequest!)),
    readsPerStatement: list.every((f) => f.readsPerStatement !== undefined) ? median(list.map((f) => f.readsPerStatement!)) : undefined,
  };
}

/** Warm-up, then alternated rounds; a failed request in any round stops the bench. Medians by label. */
export async function alternateRounds(servers: BenchServer[], options: RoundOptions): Promise<Map<string, Summary>> {
  const target = (server: ChildServer) => server.url + (options.path ?? '');
  const loadOptions = (seconds: number) => ({ connections: options.connections, seconds, requests: options.requests });
  const runs = new Map<string, LoadFigures[]>(servers.map(({ label }) => [label, []]));
  for (const { server } of servers) await load(target(server), loadOptions(options.warmupSeconds));
  for (let round = 0; round < options.rounds; round++) {
    for (const { label, server, project } of servers) {
      const cpuBefore = server.cpuSeconds();
      const postgresBefore = postgresCpuByPid();
      const statementsBefore = project ? await readStatements(server.url) : undefined;
      const figures = await load(target(server), loadOptions(options.seconds));
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
  return new Map([...runs].map(([label, list]) => [label, summarise(list)]));
}

/** "0.72× req/s, p99 1.40×" of a server against the baseline. */
export function versus(s: Summary, base: Summary): string {
  // autocannon measures latency in whole milliseconds: a baseline p99 of 0 ms has no ratio.
  const p99 = base.p99 > 0 ? fmt.ratio(s.p99 / base.p99) : `${fmt.ms(s.p99)} vs < 1 ms`;
  return `${fmt.ratio(s.rps / base.rps)} req/s, p99 ${p99}`;
}

/**
 * Whether a project server meets its target against the baseline of the same run: at least
 * `minRatio` of its requests per second, and a p99 at most twice its p99 (a baseline p99 under the
 * 1 ms autocannon can tell counts as 1 ms).
 */
export function targetLine(label: string, s: Summary, base: Summary, minRatio: number): string {
  const ratio = s.rps / base.rps;
  const p99Met = s.p99 <= 2 * Math.max(base.p99, 1);
  return `target (${label}): req/s >= ${minRatio.toFixed(2)}× → ${ratio >= minRatio ? 'met' : 'NOT met'}; p99 <= 2× → ${p99Met ? 'met' : 'NOT met'}\n`;
}

/** One line of the closing summary: a project server against its baseline, at one concurrency. */
export interface HeadlineRow {
  case: string;
  connections: number;
  baseline: Summary;
  /** The project server, by how it reaches the database (direct; through the pooler). */
  project: Array<{ label: string; summary: Summary }>;
}

/** The summary's lines of one case: the first server is the baseline, the headline ones follow it. */
export function headlineOf(name: string, connections: number, servers: BenchServer[], summaries: Map<string, Summary>): HeadlineRow {
  return {
    case: name,
    connections,
    baseline: summaries.get(servers[0]!.label)!,
    project: servers.filter((s) => s.headline).map(({ label }) => ({ label, summary: summaries.get(label)! })),
  };
}
