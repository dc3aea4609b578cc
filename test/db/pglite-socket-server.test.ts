import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { servePgliteOnSocket, type PgliteSocketServer } from '../../src/db/pglite-socket-server.ts';
import { openDatabase } from '../../src/db/database.ts';
import { socketUrl } from '../../src/db/embedded-database.ts';
import { migrate, pendingMigrations, readMigrations } from '../../src/db/migrate.ts';

/**
 * The embedded database served on a Unix socket: clients are real node-postgres clients; the
 * "server's own" queries are PGlite's query() and transaction(), as the app makes them. What must
 * hold is that a client's transaction and the server's never run inside each other.
 */
describe('the embedded database on a socket', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'omis-socket-'));
  const socket = path.join(dir, '.s.PGSQL.5432');
  let pglite: PGlite;
  let server: PgliteSocketServer | undefined;
  const clients: pg.Client[] = [];

  beforeAll(async () => {
    pglite = await PGlite.create();
  });
  afterAll(async () => {
    await pglite.close();
    rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    await pglite.exec('DROP TABLE IF EXISTS t; CREATE TABLE t (id int PRIMARY KEY, v int NOT NULL); INSERT INTO t VALUES (1, 0)');
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.end().catch(() => {})));
    await server?.close(1_000);
    server = undefined;
  });

  async function start(options: Parameters<typeof servePgliteOnSocket>[2] = {}) {
    server = await servePgliteOnSocket(pglite, socket, options);
    return server;
  }

  async function connect(): Promise<pg.Client> {
    const client = new pg.Client({ host: dir, user: 'postgres', database: 'postgres' });
    // A client the server disconnects reports it here as well as on its pending query.
    client.on('error', () => {});
    await client.connect();
    clients.push(client);
    return client;
  }

  const value = async () => (await pglite.query<{ v: number }>('SELECT v FROM t WHERE id = 1')).rows[0]!.v;

  it('answers plain and parameterised statements, and errors with their SQLSTATE', async () => {
    await start();
    const client = await connect();
    expect((await client.query('SELECT $1::int + 1 AS x, $2::text AS y', [41, '漢字'])).rows).toEqual([{ x: 42, y: '漢字' }]);
    await expect(client.query('SELECT 1/0')).rejects.toMatchObject({ code: '22012' });
    await client.query('BEGIN');
    await expect(client.query('SELECT nope')).rejects.toMatchObject({ code: '42703' });
    await expect(client.query('SELECT 1')).rejects.toMatchObject({ code: '25P02' });
    await client.query('ROLLBACK');
    expect((await client.query('SELECT v FROM t')).rows).toEqual([{ v: 0 }]);
  });

  it("keeps the server's queries and transactions out of a client's transaction until it ends", async () => {
    await start();
    const client = await connect();
    const events: string[] = [];
    await client.query('BEGIN');
    await client.query('UPDATE t SET v = 42 WHERE id = 1');
    const read = value().then((v) => (events.push('server read'), v));
    const write = pglite.transaction(async (tx) => {
      await tx.query('UPDATE t SET v = v + 1 WHERE id = 1');
    }).then(() => events.push('server transaction'));
    await client.query('UPDATE t SET v = 43 WHERE id = 1');
    events.push('client statement');
    await client.query('ROLLBACK');
    // Inside the client's transaction the read would have seen 42 or 43.
    expect(await read).toBe(0);
    await write;
    expect(events.slice(0, 1)).toEqual(['client statement']);
    // The rolled-back 42/43 are gone; only the server's own increment stayed.
    expect(await value()).toBe(1);
  });

  it("keeps clients out of a server transaction until it ends", async () => {
    await start();
    const client = await connect();
    const events: string[] = [];
    let seen: unknown;
    await pglite.transaction(async (tx) => {
      await tx.query('UPDATE t SET v = 7 WHERE id = 1');
      seen = client.query('SELECT v FROM t WHERE id = 1').then((result) => (events.push('client read'), result.rows[0].v));
      await tx.query('UPDATE t SET v = 8 WHERE id = 1');
      events.push('server done');
    });
    expect(await seen).toBe(8);
    expect(events).toEqual(['server done', 'client read']);
  });

  it("runs two clients' transactions one after the other, never interleaved", async () => {
    await start();
    const [a, b] = [await connect(), await connect()];
    // Read, then write what was read plus one: interleaved transactions would lose increments.
    const increments = async (client: pg.Client) => {
      for (let i = 0; i < 15; i++) {
        await client.query('BEGIN');
        const { rows } = await client.query('SELECT v FROM t WHERE id = 1');
        await client.query('UPDATE t SET v = $1 WHERE id = 1', [rows[0].v + 1]);
        await client.query('COMMIT');
      }
    };
    await Promise.all([increments(a), increments(b), pglite.transaction(async (tx) => {
      const { rows } = await tx.query<{ v: number }>('SELECT v FROM t WHERE id = 1');
      await tx.query('UPDATE t SET v = $1 WHERE id = 1', [rows[0]!.v + 100]);
    })]);
    expect(await value()).toBe(130);
  });

  it('rolls back the transaction of a client that goes away in the middle of it', async () => {
    await start();
    const client = await connect();
    await client.query('BEGIN');
    await client.query('UPDATE t SET v = 99 WHERE id = 1');
    const closed = new Promise((resolve) => client.once('end', resolve));
    (client as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy();
    await closed;
    expect(await value()).toBe(0);
    expect(pglite.isInTransaction()).toBe(false);
  });

  it('disconnects a client that stays idle inside a transaction, and rolls it back', async () => {
    await start({ idleInTransactionMs: 100 });
    const client = await connect();
    await client.query('BEGIN');
    await client.query('UPDATE t SET v = 5 WHERE id = 1');
    const [error] = (await once(client, 'error')) as [{ code?: string; message: string }];
    expect(error).toMatchObject({ code: '25P03' });
    expect(await value()).toBe(0);
  });

  it('applies each migration once when two migrate runs come through it at once (one session, advisory locks do not exclude)', async () => {
    await start();
    const [a, b] = await Promise.all([openDatabase({ databaseUrl: socketUrl(socket), poolSize: 2 }), openDatabase({ databaseUrl: socketUrl(socket), poolSize: 2 })]);
    try {
      const results = await Promise.all([migrate(a), migrate(b)]);
      const migrations = readMigrations();
      expect(results.flatMap((result) => result.applied).sort()).toEqual(migrations.map((m) => m.name).sort());
      expect(await pendingMigrations(a)).toEqual([]);
      const rows = await a.query<{ n: number }>('SELECT count(*)::int AS n FROM "_prisma_migrations"');
      expect(rows[0]!.n).toBe(migrations.length);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('refuses connections beyond its limit with SQLSTATE 53300', async () => {
    await start({ maxConnections: 1 });
    await connect();
    await expect(connect()).rejects.toMatchObject({ code: '53300' });
  });

  it('is a socket only its owner may use', async () => {
    await start();
    expect(statSync(socket).mode & 0o777).toBe(0o600);
  });

  it('on close, lets a client finish its transaction, disconnects idle ones, then answers nobody', async () => {
    const closing = await start();
    const busy = await connect();
    const idle = await connect();
    const idleGone = once(idle, 'error');
    await busy.query('BEGIN');
    await busy.query('UPDATE t SET v = 3 WHERE id = 1');
    const closed = closing.close(10_000);
    expect(((await idleGone) as [{ code?: string }])[0]).toMatchObject({ code: '57P01' });
    await busy.query('COMMIT');
    await closed;
    server = undefined;
    expect(await value()).toBe(3);
    await expect(connect()).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
