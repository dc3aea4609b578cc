import { mkdirSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { PrismaClient } from '../generated/prisma/client.ts';
import { openEmbeddedDir } from './embedded-template.ts';

/**
 * The database switch (docs/API.md#configuration): with DATABASE_URL, PostgreSQL through a `pg` pool; without
 * it, an embedded PGlite in OMIS_DATA_DIR. Either way the app gets a Prisma client over a driver
 * adapter, plus the driver itself for the few things Prisma cannot do (multi-statement migration
 * scripts, advisory locks held across statements).
 */
export interface Database {
  readonly kind: 'postgres' | 'pglite';
  readonly prisma: PrismaClient;
  /** Runs a script of several statements (no parameters). */
  exec(sql: string): Promise<void>;
  /** One parameterised statement on any connection. */
  query<Row>(sql: string, params?: unknown[]): Promise<Row[]>;
  /** Runs `work` on one dedicated connection (advisory locks are per connection). */
  withConnection<T>(work: (conn: SqlConnection) => Promise<T>): Promise<T>;
  /**
   * Runs `work` in one transaction on one connection: committed when it resolves, rolled back when
   * it throws. `committing` is called as the COMMIT is sent (not when it has finished).
   */
  transaction<T>(work: (tx: SqlConnection) => Promise<T>, options?: { committing?: () => void }): Promise<T>;
  /** One round trip that proves the database answers (health checks, waiting for it at start-up). */
  ping(): Promise<void>;
  /** The pg pool, when on PostgreSQL (metrics, hot-path queries). */
  readonly pool: pg.Pool | undefined;
  close(): Promise<void>;
}

export interface SqlConnection {
  exec(sql: string): Promise<void>;
  query<Row>(sql: string, params?: unknown[]): Promise<Row[]>;
}

export interface OpenOptions {
  databaseUrl?: string | undefined;
  dataDir?: string | undefined;
  /** An existing PGlite (tests load a migrated snapshot into one). */
  pglite?: PGlite | undefined;
  poolSize?: number | undefined;
  /** Longest wait for a PostgreSQL connection (default CONNECT_TIMEOUT_MS). */
  connectTimeoutMs?: number | undefined;
}

export async function openDatabase(options: OpenOptions): Promise<Database> {
  if (options.databaseUrl) {
    return openPostgres(options.databaseUrl, options.poolSize ?? 10, options.connectTimeoutMs ?? CONNECT_TIMEOUT_MS);
  }
  return openPglite(options.pglite ?? (await createPglite(options.dataDir ?? './.omis')));
}

export async function createPglite(dataDir: string): Promise<PGlite> {
  const dir = path.resolve(dataDir, 'pgdata');
  mkdirSync(path.dirname(dir), { recursive: true });
  return openEmbeddedDir(dir);
}

/** Longest wait for a PostgreSQL connection (new, or free in the pool) before answering 9999. */
export const CONNECT_TIMEOUT_MS = 800;

function openPostgres(url: string, poolSize: number, connectTimeoutMs: number): Database {
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    // Fail fast when the database is gone instead of queueing requests forever: a stopped server
    // refuses at once, an unresponsive one is given up on within a second (ErrorCode 9999, HTTP 503).
    // pg-pool applies the same limit to waiting for a free connection, which sheds load under overload.
    connectionTimeoutMillis: connectTimeoutMs,
    // Notice a peer that vanished without closing (host down, network cut) on idle connections too.
    keepAlive: true,
    idleTimeoutMillis: 30_000,
    query_timeout: 15_000,
  });
  // An idle client losing its server must not crash the process; the next query reports it.
  pool.on('error', () => {});
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  return {
    kind: 'postgres',
    prisma,
    pool,
    async exec(sql) {
      await pool.query(sql);
    },
    async ping() {
      await pool.query('SELECT 1');
    },
    async query<Row>(sql: string, params: unknown[] = []) {
      return (await pool.query(sql, params)).rows as Row[];
    },
    async withConnection(work) {
      const client = await pool.connect();
      try {
        return await work({
          exec: async (sql) => {
            await client.query(sql);
          },
          query: async <Row>(sql: string, params: unknown[] = []) => (await client.query(sql, params)).rows as Row[],
        });
      } finally {
        client.release();
      }
    },
    async transaction(work, options) {
      const client = await pool.connect();
      let broken: unknown;
      try {
        await client.query('BEGIN');
        const result = await work({
          exec: async (sql) => {
            await client.query(sql);
          },
          query: async <Row>(sql: string, params: unknown[] = []) => (await client.query(sql, params)).rows as Row[],
        });
        const commit = client.query('COMMIT');
        options?.committing?.();
        await commit;
        return result;
      } catch (error) {
        // A connection that cannot even roll back is not given back to the pool.
        await client.query('ROLLBACK').catch((rollbackError: unknown) => (broken = rollbackError));
        throw error;
      } finally {
        client.release(broken instanceof Error ? broken : undefined);
      }
    },
    async close() {
      await prisma.$disconnect();
      await pool.end();
    },
  };
}

function openPglite(db: PGlite): Database {
  const prisma = new PrismaClient({ adapter: new PrismaPGlite(db) });
  // PGlite is a single connection: every "connection" is the same one.
  const conn: SqlConnection = {
    exec: async (sql) => {
      await db.exec(sql);
    },
    query: async <Row>(sql: string, params: unknown[] = []) => (await db.query(sql, params)).rows as Row[],
  };
  return {
    kind: 'pglite',
    prisma,
    pool: undefined,
    exec: conn.exec,
    query: conn.query,
    ping: async () => {
      await db.query('SELECT 1');
    },
    withConnection: (work) => work(conn),
    transaction: (work, options) =>
      db.transaction(async (tx) => {
        const result = await work({
          exec: async (sql) => {
            await tx.exec(sql);
          },
          query: async <Row>(sql: string, params: unknown[] = []) => (await tx.query(sql, params)).rows as Row[],
        });
        // PGlite commits as this callback resolves, and runs nothing else in between.
        options?.committing?.();
        return result;
      }),
    async close() {
      await prisma.$disconnect();
      if (!db.closed) await db.close();
    },
  };
}
