import { postgresCpuByPid, postgresCpuSince, startChildServer, type ChildServer } from '../lib/child-server.ts';
import { fmt, load, median, table, type LoadFigures } from '../lib/load.ts';
import { queryPath } from './query-throughput.ts';

/**
 * What the request journal costs the query path: the authenticated launch query (the document's
 * GET example) against two project servers on the same database, one with the journal (the
 * default) and one with OMIS_JOURNAL=false, alternated round by round so that drift of the machine
 * hits both alike. The journal writes its rows in batches after the answers have gone, so its cost
 * shows as CPU of the server and of PostgreSQL per request, and through them as throughput.
 */
export interface JournalCostOptions {
  dbUrl: string;
  rounds: number;
  seconds: number;
  warmupSeconds: number;
  connections: number;
}

/** The journal may cost the query path at most this share of its throughput. */
export const BUDGET = 0.1;

async function journalRows(dbUrl: string): Promise<number> {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: dbUrl });
  await client.connect();
  try {
    return Number((await client.query<{ n: string }>('SELECT count(*) AS n FROM request_journal')).rows[0]!.n);
  } finally {
    await client.end();
  }
}

export async function runJournalCost(options: JournalCostOptions): Promise<string> {
  const servers: Array<{ label: string; server: ChildServer }> = [];
  try {
    // The journal's default bounds; LOG_LEVEL as in production.
    servers.push({ label: 'journal off (OMIS_JOURNAL=false)', server: await startChildServer('journal-off', 'project-server.ts', { DATABASE_URL: options.dbUrl, OMIS_JOURNAL: 'false', LOG_LEVEL: 'info' }) });
    servers.push({ label: 'journal on (default)', server: await startChildServer('journal-on', 'project-server.ts', { DATABASE_URL: options.dbUrl, OMIS_JOURNAL: 'true', LOG_LEVEL: 'info' }) });
    const runs = new Map<string, LoadFigures[]>(servers.map(({ label }) => [label, []]));
    for (const { server } of servers) await load(server.url + queryPath(), { connections: options.connections, seconds: options.warmupSeconds });
    for (let round = 0; round < options.rounds; round++) {
      // Alternate which server goes first, so that neither always follows the other's write-back.
      const order = round % 2 === 0 ? servers : [...servers].reverse();
      for (const { label, server } of order) {
        const cpuBefore = server.cpuSeconds();
        const postgresBefore = postgresCpuByPid();
        const figures = await load(server.url + queryPath(), { connections: options.connections, seconds: options.seconds });
        // The journal's last batch of the round is written just after it: let it land in this round's CPU.
        await new Promise((resolve) => setTimeout(resolve, 1000));
        figures.cpuPerRequest = (server.cpuSeconds() - cpuBefore) / Math.max(1, figures.requests);
        figures.postgresCpuPerRequest = postgresCpuSince(postgresBefore) / Math.max(1, figures.requests);
        if (figures.failures > 0) throw new Error(`${label}: ${figures.failures} failed requests in round ${round + 1}`);
        runs.get(label)!.push(figures);
        console.error(
          `  round ${round + 1} ${label}: ${fmt.int(figures.rps)} req/s p50 ${fmt.ms(figures.p50)} p99 ${fmt.ms(figures.p99)} ` +
            `server CPU ${fmt.us(figures.cpuPerRequest)}/req, PostgreSQL CPU ${fmt.us(figures.postgresCpuPerRequest)}/req`,
        );
      }
    }
    const summary = (label: string) => {
      const list = runs.get(label)!;
      return {
        rps: median(list.map((f) => f.rps)),
        p50: median(list.map((f) => f.p50)),
        p99: median(list.map((f) => f.p99)),
        cpu: median(list.map((f) => f.cpuPerRequest!)),
        pgCpu: median(list.map((f) => f.postgresCpuPerRequest!)),
      };
    };
    const off = summary(servers[0]!.label);
    const on = summary(servers[1]!.label);
    const rows = servers.map(({ label }, index) => {
      const s = summary(label);
      return [label, fmt.int(s.rps), fmt.ms(s.p50), fmt.ms(s.p99), fmt.us(s.cpu), fmt.us(s.pgCpu), index === 0 ? '' : `${fmt.ratio(s.rps / off.rps)} req/s`];
    });
    const cost = 1 - on.rps / off.rps;
    const written = await journalRows(options.dbUrl);
    return (
      `Request journal on the query path (GET, LaunchID with 3 jobs), ${options.connections} connections, ` +
      `${options.rounds} alternated rounds of ${options.seconds} s each after ${options.warmupSeconds} s of warm-up per server (medians)\n` +
      table(['server', 'req/s', 'p50', 'p99', 'server CPU/req', 'PostgreSQL CPU/req', 'vs journal off'], rows) +
      `\njournal cost: ${(cost * 100).toFixed(1)} % of the throughput (budget ${BUDGET * 100} %) → ${cost <= BUDGET ? 'within' : 'OVER'}; ` +
      `${fmt.int(written)} rows in request_journal at the end (OMIS_JOURNAL_MAX_ROWS keeps it bounded)\n`
    );
  } finally {
    for (const { server } of servers) await server.stop();
  }
}
