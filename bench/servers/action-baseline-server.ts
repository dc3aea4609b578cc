import Fastify from 'fastify';
import pg from 'pg';

/**
 * The yardstick for an action: a bare Fastify server doing the least an action must do — one
 * transaction that locks the job (SELECT … FOR UPDATE), writes its new state (UPDATE) and records
 * the action (INSERT into audit_log) — then answering the bytes the project answers for that action
 * (BENCH_XML_BODIES: a JSON object from JobAction to body). Same pool size as the project's default.
 * No authentication, no state machine, no launch: what is left is the database's share.
 */
const url = process.env.BENCH_DB_URL;
if (!url) throw new Error('BENCH_DB_URL is not set');
const bodies = JSON.parse(process.env.BENCH_XML_BODIES!) as Record<string, string>;
const pool = new pg.Pool({ connectionString: url, max: 10 });

/** Pause (3) takes a running job to -2, unpause (4) takes a paused one back to 0; else it stays. */
function nextErrorCode(action: string, current: number): number {
  if (action === '3' && current === 0) return -2;
  if (action === '4' && current === -2) return 0;
  return current;
}

async function act(jobId: number, action: string): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const { rows } = await client.query<{ error_code: number }>('SELECT error_code FROM job WHERE job_id = $1 FOR UPDATE', [jobId]);
    if (rows.length !== 1) throw new Error(`bench job ${jobId} missing`);
    const before = rows[0]!.error_code;
    const after = nextErrorCode(action, before);
    await client.query('UPDATE job SET error_code = $2, updated_at = now() WHERE job_id = $1', [jobId, after]);
    await client.query(
      `INSERT INTO audit_log (account_id, login, client_ip, action, target_type, target_id, error_code, before, after)
       VALUES (1002, 'acme-mkt', '127.0.0.1', $1, 'job', $2, $3, $4::jsonb, $5::jsonb)`,
      [action === '3' ? 'job.pause' : 'job.unpause', jobId, after === before ? 115 : 0, JSON.stringify({ errorCode: before }), JSON.stringify({ errorCode: after })],
    );
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  } finally {
    client.release();
  }
}

const app = Fastify({ logger: false });
app.get('/WebAPI/TaskManager.aspx', async (request, reply) => {
  const { JobID, JobAction } = request.query as Record<string, string | undefined>;
  const body = JobAction === undefined ? undefined : bodies[JobAction];
  if (!JobID || body === undefined) return reply.code(400).send('JobID and JobAction 3 or 4');
  await act(Number(JobID), JobAction!);
  return reply.type('text/xml; charset=utf-8').send(body);
});

const address = await app.listen({ port: 0, host: '127.0.0.1' });
console.error(`LISTENING ${new URL(address).port}`);
const stop = async () => {
  await app.close();
  await pool.end();
  process.exit(0);
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
