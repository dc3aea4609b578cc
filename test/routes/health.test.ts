import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.ts';
import { configWith } from '../../src/config/config.ts';
import { openDatabase } from '../../src/db/database.ts';
import { buildTestApp, createTestDatabase, databaseKind, onPostgres, type TestApp } from '../helper.ts';

describe(`GET /healthz (${databaseKind})`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp();
  });
  afterAll(async () => t?.close());

  it('answers 200 with the database round trip when the database answers', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/healthz' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    const body = res.json();
    expect(body).toMatchObject({ status: 'ok', database: { kind: databaseKind, ok: true } });
    expect(typeof body.database.ms).toBe('number');
    expect(typeof body.uptimeSeconds).toBe('number');
  });

  it('answers 503 without connection details when the database cannot be reached', async () => {
    // A real PostgreSQL client pointed at a port where nothing listens.
    const db = await openDatabase({ databaseUrl: 'postgresql://omis:hunter2@127.0.0.1:1/omis', poolSize: 1 });
    const app = await buildApp({ config: configWith({ OMIS_SECRET: 'test-secret-0123456789abcdef' }), database: db });
    try {
      const res = await app.inject({ method: 'GET', url: '/healthz' });
      expect(res.statusCode).toBe(503);
      expect(res.json()).toMatchObject({ status: 'unavailable', database: { kind: 'postgres', ok: false, error: 'unreachable' } });
      expect(res.body).not.toContain('hunter2');
      expect(res.body).not.toContain('ECONNREFUSED');
    } finally {
      await app.close();
      await db.close();
    }
  });

  it.runIf(!onPostgres)('answers 503 when the embedded database has been closed', async () => {
    const { db } = await createTestDatabase();
    const app = await buildApp({ config: configWith({ OMIS_SECRET: 'test-secret-0123456789abcdef' }), database: db });
    try {
      expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
      await db.close();
      const res = await app.inject({ method: 'GET', url: '/healthz' });
      expect(res.statusCode).toBe(503);
      expect(res.json()).toMatchObject({ status: 'unavailable', database: { kind: 'pglite', ok: false } });
    } finally {
      await app.close();
    }
  });
});
