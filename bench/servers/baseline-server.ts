import { readFileSync } from 'node:fs';
import Fastify from 'fastify';
import pg from 'pg';

/**
 * The yardstick (issue 6): a bare Fastify server that does one indexed `pg` query per request and
 * answers a fixed XML body — the same bytes the project answers for the same request, so that both
 * servers write the same amount. Same pool size as the project's default.
 */
const url = process.env.BENCH_DB_URL;
if (!url) throw new Error('BENCH_DB_URL is not set');
const body = readFileSync(process.env.BENCH_XML_BODY_FILE!, 'utf8');
const pool = new pg.Pool({ connectionString: url, max: 10 });

const app = Fastify({ logger: false });
app.get('/WebAPI/TaskManager.aspx', async (_request, reply) => {
  const { rows } = await pool.query('SELECT launch_id, status FROM launch WHERE launch_id = $1', [5001]);
  if (rows.length !== 1) throw new Error('bench launch missing');
  return reply.type('text/xml; charset=utf-8').send(body);
});

const address = await app.listen({ port: 0, host: '127.0.0.1' });
console.log(`LISTENING ${new URL(address).port}`);
const stop = async () => {
  await app.close();
  await pool.end();
  process.exit(0);
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
