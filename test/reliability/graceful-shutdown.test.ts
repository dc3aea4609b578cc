import { once } from 'node:events';
import http from 'node:http';
import net from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, databaseKind, seedWith, type TestDatabase } from '../helper.ts';
import { standardSeed } from '../fixtures/standard-seed.ts';
import { listeningBase, spawnServer, type ServerProcess } from './server-process.ts';
import { parseResponse } from '../xml.ts';

/**
 * SIGTERM to the real server (a child process): the request already in flight is answered in full,
 * new connections are refused, and the process exits 0. On PostgreSQL the server uses a test
 * database; on PGlite its own embedded database with the demo data (which has the same login and
 * launch as the standard seed).
 */

describe(`graceful shutdown on SIGTERM (${databaseKind})`, () => {
  let database: TestDatabase | undefined;
  let dataDir: string | undefined;
  let server: ServerProcess;
  let base: URL;

  beforeAll(async () => {
    // debug: the server logs "incoming request" when a request's headers are in, which the test waits for.
    const env: Record<string, string> = { LOG_LEVEL: 'debug', OMIS_SECRET: 'shutdown-test-secret-0123456789' };
    if (databaseKind === 'postgres') {
      database = await createTestDatabase();
      await seedWith(database.db, standardSeed);
      env.DATABASE_URL = database.url!;
      server = spawnServer(env);
    } else {
      dataDir = mkdtempSync(path.join(os.tmpdir(), 'omis-shutdown-'));
      env.OMIS_DATA_DIR = dataDir;
      server = spawnServer(env, ['--demo']);
    }
    base = new URL(await listeningBase(server));
  }, 120_000);

  afterAll(async () => {
    server?.kill('SIGKILL');
    await server?.exited;
    await database?.drop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  /** Whether a new TCP connection to the server is refused. */
  function connectionRefused(): Promise<boolean> {
    return new Promise((resolve) => {
      const socket = net.connect(Number(base.port), base.hostname);
      socket.once('connect', () => {
        socket.destroy();
        resolve(false);
      });
      socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'));
    });
  }

  it('finishes the request in flight, refuses new connections, then exits 0', async () => {
    const body = Buffer.from('ManagerLoginName=acme-mkt&ManagerPassword=mkt-pass&LaunchID=5001');
    const half = Math.floor(body.length / 2);
    let answer!: Promise<{ status: number; text: string }>;
    const request = http.request({
      host: base.hostname,
      port: base.port,
      method: 'POST',
      path: '/WebAPI/TaskManager.aspx?Marker=in-flight',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': body.length },
    });
    answer = new Promise((resolve, reject) => {
      request.once('response', (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.once('end', () => resolve({ status: res.statusCode!, text: Buffer.concat(chunks).toString('utf8') }));
      });
      request.once('error', reject);
    });
    // Headers and half the body: the request is in flight, its handler waiting for the rest. The
    // server has it once it logged it (a busy machine can take a while to get there).
    request.write(body.subarray(0, half));
    await server.waitFor(/Marker=in-flight[^\n]*incoming request/);

    server.kill('SIGTERM');
    let refused = false;
    for (let attempt = 0; attempt < 100 && !refused; attempt++) {
      refused = await connectionRefused();
      if (!refused) await sleep(50);
    }
    expect(refused).toBe(true);
    expect(server.child.exitCode).toBeNull(); // still running: it waits for the request in flight

    request.end(body.subarray(half));
    const { status, text } = await answer;
    expect(status).toBe(200);
    expect(parseResponse(text)).toMatchObject({ ErrorCode: '0', LaunchID: '5001' });
    expect(await server.exited).toEqual({ code: 0, signal: null });
    // Logs are written asynchronously (plugins/logging.ts); what was still buffered at exit is flushed.
    await Promise.all([server.child.stdout!, server.child.stderr!].map((stream) => (stream.readableEnded ? undefined : once(stream, 'end'))));
    expect(server.output()).toMatch(/Marker=in-flight[^\n]*request completed/);
  });
});
