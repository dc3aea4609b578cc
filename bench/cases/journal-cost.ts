import pg from 'pg';
import { fmt, table } from '../lib/load.ts';
import { alternateRounds, startProjects, versus, type BenchServer } from '../lib/rounds.ts';
import { queryPath } from './query-throughput.ts';

/**
 * What the request journal costs the query path (docs/CONSOLE.md#what-the-journal-costs): the
 * authenticated launch query (the document's GET example) against two project servers on the same
 * database, one with the journal (the default) and one with OMIS_JOURNAL=false, alternated round by
 * round so that drift of the machine hits both alike. The journal writes after the answers have
 * gone, so its cost shows as CPU of the server and of PostgreSQL per request, and through them as
 * throughput.
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
  const client = new pg.Client({ connectionString: dbUrl });
  await client.connect();
  try {
    return Number((await client.query<{ n: string }>('SELECT count(*) AS n FROM request_journal')).rows[0]!.n);
  } finally {
    await client.end();
  }
}

export async function runJournalCost(options: JournalCostOptions): Promise<string> {
  const servers: BenchServer[] = [];
  try {
    const env = { DATABASE_URL: options.dbUrl, LOG_LEVEL: 'info' };
    await startProjects(
      [
        { label: 'journal off (OMIS_JOURNAL=false)', env: { ...env, OMIS_JOURNAL: 'false' } },
        { label: 'journal on (the default)', env: { ...env, OMIS_JOURNAL: 'true' } },
      ],
      servers,
    );
    const summaries = await alternateRounds(servers, { ...options, path: queryPath() });
    const off = summaries.get(servers[0]!.label)!;
    const on = summaries.get(servers[1]!.label)!;
    const rows = servers.map(({ label }, index) => {
      const s = summaries.get(label)!;
      return [label, fmt.int(s.rps), fmt.ms(s.p50), fmt.ms(s.p99), fmt.us(s.cpu), fmt.us(s.pgCpu), index === 0 ? '' : versus(s, off)];
    });
    const cost = 1 - on.rps / off.rps;
    return (
      `Request journal on the query path (GET, LaunchID with 3 jobs), ${options.connections} connections, ` +
      `${options.rounds} alternated rounds of ${options.seconds} s each after ${options.warmupSeconds} s of warm-up per server (medians)\n` +
      table(['server', 'req/s', 'p50', 'p99', 'server CPU/req', 'PostgreSQL CPU/req', 'vs journal off'], rows) +
      `\njournal cost: ${(cost * 100).toFixed(1)} % of the throughput (budget ${BUDGET * 100} %) → ${cost <= BUDGET ? 'within' : 'OVER'}; ` +
      `${fmt.int(await journalRows(options.dbUrl))} rows in request_journal at the end\n`
    );
  } finally {
    for (const { server } of servers) await server.stop();
  }
}
