import net, { type AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { app as omisApp, buildApp, fastifyOptions } from '../../src/app.ts';
import { loggingOptions } from '../../src/plugins/logging.ts';
import { configWith } from '../../src/config/config.ts';
import { pageUrl } from '../helper.ts';
import { logins } from '../fixtures/standard-seed.ts';
import { createSeededThrowawayPostgres, throwawayPostgresUnavailable, type ThrowawayPostgres } from './throwaway-postgres.ts';
import { parseResponse } from '../xml.ts';

/**
 * PostgreSQL taken away under a running server and given back: a cluster this test starts and stops
 * itself. Runs the same whether the suite runs on PGlite or PostgreSQL (the cluster is its own).
 */
const unavailable = throwawayPostgresUnavailable();
if (unavailable) console.warn(`database-fault tests skipped: ${unavailable}`);

/** The promise: 9999 within a second, not after a driver's default minute. */
const ANSWER_DEADLINE_MS = 1000;

describe.skipIf(unavailable)('PostgreSQL stopped under a running server', () => {
  let cluster: ThrowawayPostgres;
  let app: FastifyInstance;
  let base: string;

  beforeAll(async () => {
    cluster = await createSeededThrowawayPostgres();
    // The app opens its own pool from DATABASE_URL, as `omis serve` does.
    app = await buildApp({ config: configWith({ DATABASE_URL: cluster.url, OMIS_SECRET: 'fault-test-secret-0123456789' }) });
    await app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await cluster?.destroy();
  });

  /** A real HTTP request, raced against the deadline so that a hanging request fails the test. */
  async function timedGet(fields: Record<string, string>) {
    const started = performance.now();
    const answer = fetch(`${base}${pageUrl(fields)}`).then(async (res) => ({ status: res.status, body: await res.text() }));
    const deadline = new Promise<'hung'>((resolve) => setTimeout(() => resolve('hung'), ANSWER_DEADLINE_MS).unref());
    const result = await Promise.race([answer, deadline]);
    if (result === 'hung') throw new Error(`no answer within ${ANSWER_DEADLINE_MS} ms: the request hangs`);
    const xml = parseResponse(result.body);
    return { status: result.status, code: xml?.ErrorCode as string, message: xml?.ErrorMSG as string, ms: performance.now() - started };
  }

  const query = { ...logins.mkt, LaunchID: '5001' };

  it('answers normally while the database is up', async () => {
    expect(await timedGet(query)).toMatchObject({ status: 200, code: '0' });
  });

  it('answers 9999 with HTTP 503 within a second once the database is stopped, for every request', async () => {
    await cluster.stop();
    const answers = await Promise.all([
      timedGet(query),
      timedGet({ ...logins.root, JobID: '9001' }),
      timedGet({ ManagerLoginName: 'acme-mkt', ManagerPassword: 'wrong', LaunchID: '5001' }),
      timedGet({ ManagerLoginName: 'nobody', ManagerPassword: 'x', LaunchID: '1' }),
    ]);
    for (const answer of answers) {
      expect(answer).toMatchObject({ status: 503, code: '9999', message: 'Service temporarily unavailable' });
    }
    // Still down a while later: still 9999, and the server is still there to say so.
    expect(await timedGet(query)).toMatchObject({ status: 503, code: '9999' });
  });

  it('resumes by itself when the database returns, without a restart', async () => {
    await cluster.start();
    // The first request after the restart may meet a connection the pool has not yet seen die.
    let answer = await timedGet(query);
    for (let attempt = 0; attempt < 5 && answer.code !== '0'; attempt++) answer = await timedGet(query);
    expect(answer).toMatchObject({ status: 200, code: '0' });
    expect(await timedGet({ ...logins.root, JobID: '9001' })).toMatchObject({ status: 200, code: '0' });
  });

  it('survives the database going away again, mid-traffic', async () => {
    const traffic = Array.from({ length: 20 }, (_, i) => (i === 5 ? cluster.stop().then(() => undefined) : timedGet(query)));
    const answers = (await Promise.all(traffic)).filter((a) => a !== undefined);
    for (const answer of answers) expect(['0', '9999']).toContain(answer!.code);
    await cluster.start();
    let answer = await timedGet(query);
    for (let attempt = 0; attempt < 5 && answer.code !== '0'; attempt++) answer = await timedGet(query);
    expect(answer.code).toBe('0');
  });
});

/**
 * A database that accepts connections and never answers (a hung server, a half-open network path):
 * nothing refuses, so only the pool's connection timeout keeps requests from hanging.
 */
describe('PostgreSQL unresponsive', () => {
  const logLines: string[] = [];
  const logStream = new Writable({
    write(chunk, _encoding, done) {
      logLines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  let blackHole: net.Server;
  const sockets = new Set<net.Socket>();
  let app: FastifyInstance;
  let base: string;

  beforeAll(async () => {
    blackHole = net.createServer((socket) => {
      sockets.add(socket);
      socket.on('error', () => {});
      socket.on('close', () => sockets.delete(socket));
    });
    await new Promise<void>((resolve) => blackHole.listen(0, '127.0.0.1', resolve));
    const url = `postgresql://postgres@127.0.0.1:${(blackHole.address() as AddressInfo).port}/postgres`;
    const config = configWith({ DATABASE_URL: url, OMIS_SECRET: 'fault-test-secret-0123456789', LOG_LEVEL: 'info' });
    app = Fastify({ ...fastifyOptions(config), ...loggingOptions(config, logStream) });
    await app.register(omisApp, { config });
    await app.ready();
    await app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await app?.close();
    // Closing, the app writes its last journal entries: those attempts leave connections here too.
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => blackHole?.close(resolve));
  });

  // 800 ms connection timeout, plus a margin for a machine busy with other test files.
  it('answers 9999 with HTTP 503 after the connection timeout instead of hanging', async () => {
    const answer = fetch(`${base}${pageUrl({ ...logins.mkt, LaunchID: '5001' })}`).then(async (res) => ({ status: res.status, body: await res.text() }));
    const deadline = new Promise<'hung'>((resolve) => setTimeout(() => resolve('hung'), ANSWER_DEADLINE_MS + 500).unref());
    const result = await Promise.race([answer, deadline]);
    expect(result).not.toBe('hung');
    const { status, body } = result as { status: number; body: string };
    expect(status).toBe(503);
    expect(parseResponse(body)).toMatchObject({ ErrorCode: '9999', ErrorMSG: 'Service temporarily unavailable' });
    // Logged as one line naming the fault, without a stack trace (an outage would repeat it per request).
    const logged = logLines.map((line) => JSON.parse(line)).filter((record) => record.msg === 'database unavailable; answering 9999');
    expect(logged).toHaveLength(1);
    expect(logged[0].reason).toMatch(/timeout/i);
    expect(JSON.stringify(logged[0])).not.toContain('stack');
  });
});
