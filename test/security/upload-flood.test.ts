import http from 'node:http';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, databaseKind, seedWith, type TestDatabase } from '../helper.ts';
import { standardSeed } from '../fixtures/standard-seed.ts';
import { listeningBase, spawnServer, type ServerProcess } from '../reliability/server-process.ts';
import { parseResponse } from '../xml.ts';

/**
 * An anonymous client must not be able to exhaust the server's memory with bodies that never end:
 * 30 concurrent chunked multipart uploads of 180 MiB each (no Content-Length, so only counting the
 * bytes as they arrive can stop them). The server refuses each once it passes the body limit, keeps
 * answering ordinary queries throughout, and its resident memory stays under 1 GiB.
 */
const UPLOADS = 30;
const UPLOAD_BYTES = 180 * 1024 * 1024;
const CHUNK = Buffer.alloc(64 * 1024, 'a');
const RSS_LIMIT = 1024 * 1024 * 1024;

describe(`a flood of endless uploads (${databaseKind})`, () => {
  let database: TestDatabase | undefined;
  let dataDir: string | undefined;
  let server: ServerProcess;
  let base: URL;

  beforeAll(async () => {
    const env: Record<string, string> = { LOG_LEVEL: 'warn', OMIS_SIMULATOR: 'false', OMIS_SECRET: 'flood-test-secret-0123456789' };
    if (process.env.TEST_DATABASE_URL) {
      database = await createTestDatabase();
      await seedWith(database.db, standardSeed);
      env.DATABASE_URL = database.url!;
    } else {
      dataDir = mkdtempSync(path.join(os.tmpdir(), 'omis-flood-'));
      env.OMIS_DATA_DIR = dataDir;
    }
    // The embedded database gets the demo data, which has the same login and launch as the standard seed.
    server = spawnServer(env, database ? [] : ['--demo']);
    base = new URL(await listeningBase(server));
  }, 120_000);

  afterAll(async () => {
    server?.kill('SIGTERM');
    await server?.exited;
    await database?.drop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  function rss(): number {
    const status = readFileSync(`/proc/${server.child.pid}/status`, 'utf8');
    return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) * 1024;
  }

  /** One upload that would go on for 180 MiB: resolves with the status, or 'reset' when the server cut the connection first. */
  function endlessUpload(): Promise<number | 'reset'> {
    return new Promise((resolve) => {
      const boundary = 'flood-boundary';
      const request = http.request({
        host: base.hostname,
        port: base.port,
        method: 'POST',
        path: '/WebAPI/TaskManager.aspx',
        headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
        agent: false,
      });
      let settled = false;
      const settle = (outcome: number | 'reset') => {
        if (!settled) {
          settled = true;
          resolve(outcome);
        }
      };
      request.once('response', (res) => {
        res.resume();
        settle(res.statusCode!);
        request.destroy();
      });
      request.once('error', () => settle('reset'));
      request.write(`--${boundary}\r\nContent-Disposition: form-data; name="ManagerLoginName"\r\n\r\nacme-mkt\r\n`);
      let sent = 0;
      let field = 0;
      const pump = () => {
        while (!settled && sent < UPLOAD_BYTES) {
          // Fields of 192 KiB, each within the field limit: only the limit on the whole body stops them early.
          const header = sent % (3 * CHUNK.length) === 0 ? `--${boundary}\r\nContent-Disposition: form-data; name="F${field++}"\r\n\r\n` : '';
          sent += CHUNK.length;
          if (!request.write(header ? Buffer.concat([Buffer.from(header), CHUNK]) : CHUNK)) return void request.once('drain', pump);
        }
        if (!settled) request.end(`\r\n--${boundary}--\r\n`);
      };
      pump();
    });
  }

  async function query(): Promise<string> {
    const res = await fetch(new URL('/WebAPI/TaskManager.aspx?ManagerLoginName=acme-mkt&ManagerPassword=mkt-pass&LaunchID=5001', base));
    return parseResponse(await res.text()).ErrorCode as string;
  }

  it('refuses every upload early, keeps answering queries, and stays under 1 GiB', async () => {
    expect(await query()).toBe('0');
    let peak = rss();
    let flooding = true;
    const sampler = (async () => {
      while (flooding) {
        peak = Math.max(peak, rss());
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    })();
    const answers: string[] = [];
    const querying = (async () => {
      while (flooding) answers.push(await query());
    })();
    const outcomes = await Promise.all(Array.from({ length: UPLOADS }, () => endlessUpload()));
    flooding = false;
    await Promise.all([sampler, querying]);

    expect(outcomes.every((outcome) => outcome === 413 || outcome === 'reset')).toBe(true);
    expect(outcomes.filter((outcome) => outcome === 413).length).toBeGreaterThan(0);
    expect(answers.length).toBeGreaterThan(0);
    expect(answers.every((code) => code === '0')).toBe(true);
    expect(peak).toBeLessThan(RSS_LIMIT);
    expect(await query()).toBe('0');
  }, 120_000);
});
