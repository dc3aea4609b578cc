import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pageUrl } from '../helper.ts';
import { logins } from '../fixtures/standard-seed.ts';
import { createSeededThrowawayPostgres, throwawayPostgresUnavailable, type ThrowawayPostgres } from './throwaway-postgres.ts';
import { listeningBase, spawnServer, type ServerProcess } from './server-process.ts';
import { parseResponse } from '../xml.ts';

const unavailable = throwawayPostgresUnavailable();
if (unavailable) console.warn(`start-up without database tests skipped: ${unavailable}`);

/** A line of a JavaScript stack trace. */
const STACK_LINE = /^\s+at .+[:(]/m;

describe.skipIf(unavailable)('omis serve started while PostgreSQL is down', () => {
  let cluster: ThrowawayPostgres;
  const servers: ServerProcess[] = [];

  beforeAll(async () => {
    cluster = await createSeededThrowawayPostgres();
    await cluster.stop();
  }, 120_000);

  afterAll(async () => {
    for (const server of servers) {
      server.kill('SIGKILL');
      await server.exited;
    }
    await cluster?.destroy();
  });

  it('retries with a clear one-line log, then serves once the database is up', async () => {
    const server = spawnServer({ DATABASE_URL: cluster.url, LOG_LEVEL: 'warn', OMIS_SECRET: 'startup-test-secret-0123456789' });
    servers.push(server);
    await server.waitFor(/database not reachable \(connect ECONNREFUSED [^)]*\); retrying in [\d.]+ s/);
    await server.waitFor(/retrying in 1 s/); // a second attempt: it keeps trying
    await cluster.start();
    const base = await listeningBase(server);
    expect(server.output()).toMatch(/^omis serve: PostgreSQL \(postgresql:\/\/postgres@127\.0\.0\.1:\d+\/postgres\): database not reachable/m);
    expect(server.output()).not.toMatch(STACK_LINE);
    const res = await fetch(`${base}${pageUrl({ ...logins.mkt, LaunchID: '5001' })}`);
    expect(parseResponse(await res.text()).ErrorCode).toBe('0');
    server.kill('SIGTERM');
    expect(await server.exited).toEqual({ code: 0, signal: null });
  });

  it('stops with a clear message, exit code 1 and no stack trace when waiting cannot help', async () => {
    const url = cluster.url.replace(/\/postgres$/, '/no_such_database');
    const server = spawnServer({ DATABASE_URL: url, LOG_LEVEL: 'warn', OMIS_SECRET: 'startup-test-secret-0123456789' });
    servers.push(server);
    expect(await server.exited).toEqual({ code: 1, signal: null });
    expect(server.output()).toMatch(/omis serve: PostgreSQL \(.*\): database refused the connection: database "no_such_database" does not exist/);
    expect(server.output()).not.toMatch(STACK_LINE);
  });
});
