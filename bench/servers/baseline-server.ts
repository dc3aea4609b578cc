import Fastify from 'fastify';
import pg from 'pg';
import { openDatabase } from '../../src/db/database.ts';
import { readRequest } from '../../src/store/request-read.ts';

/**
 * The yardstick: a bare Fastify server that does one indexed `pg` query per request and
 * answers a fixed XML body — the same bytes the project answers for the same request, so that both
 * servers write the same amount. Same pool size as the project's default.
 *
 * With BENCH_STATEMENT=project it runs the project's own read statement instead (account, lockout
 * state, launch, ownership and jobs: src/store/request-read.ts's single read, through the project's
 * pool, prepared as the project prepares it straight to PostgreSQL), one per request — the project
 * shares one among the requests that arrive together — and nothing else: a reference point for what
 * the statement itself costs.
 */
const url = process.env.BENCH_DB_URL;
if (!url) throw new Error('BENCH_DB_URL is not set');
// The project's answer to the same request, as the bench captured it (BENCH_XML_BODY).
const body = process.env.BENCH_XML_BODY!;
const launchId = 5001;

async function pkQuery(): Promise<() => Promise<void>> {
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  return async () => {
    const { rows } = await pool.query('SELECT launch_id, status FROM launch WHERE launch_id = $1', [launchId]);
    if (rows.length !== 1) throw new Error('bench launch missing');
  };
}

async function projectStatement(): Promise<() => Promise<void>> {
  // Prepared, as the project prepares it on a direct connection.
  const db = await openDatabase({ databaseUrl: url, preparedStatements: true });
  const keys = { loginKey: 'acme-mkt', failureKey: 'acme-mkt', launchId };
  return async () => {
    const read = await readRequest(db, keys);
    if (!read.account || !read.launch) throw new Error('bench account or launch missing');
  };
}

const query = process.env.BENCH_STATEMENT === 'project' ? await projectStatement() : await pkQuery();
const app = Fastify({ logger: false });
app.get('/WebAPI/TaskManager.aspx', async (_request, reply) => {
  await query();
  return reply.type('text/xml; charset=utf-8').send(body);
});

const address = await app.listen({ port: 0, host: '127.0.0.1' });
console.error(`LISTENING ${new URL(address).port}`);
const stop = async () => {
  await app.close();
  process.exit(0);
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
