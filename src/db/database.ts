import { createHash } from 'node:crypto';
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
  /** One parameterised statement on any connection; a `Statement` is prepared once per connection where that is on. */
  query<Row>(sql: string | Statement, params?: unknown[]): Promise<Row[]>;
  /** Whether `Statement`s are prepared now (off from the start, or since a pooler was found to lose them). */
  readonly preparedStatements: boolean;
  /** Calls `listener` when a lost prepared statement turns them off (once); returns its removal. */
  whenPreparedStatementsOff(listener: (error: unknown) => void): () => void;
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

/**
 * A statement of the page's hot path, which PostgreSQL may keep parsed and planned on each server
 * connection as a named prepared statement (docs/PERFORMANCE.md#prepared-statements). The name carries a
 * hash of the texts, so that two versions of the server on one database never run each other's.
 *
 * What is prepared may differ from what is sent unprepared, with the same parameters and result
 * columns: unprepared, a call of a function that keeps the plan of its query for the connection (the
 * only way to keep one that a transaction-mode pooler cannot lose); prepared, that query itself,
 * which PostgreSQL runs without the function call around it.
 */
export interface Statement {
  readonly name: string;
  /** Sent as it is when statements are not prepared (and run again so when a pooler lost the prepared one). */
  readonly text: string;
  /** Prepared under `name`. */
  readonly preparedText: string;
}

export function namedStatement(label: string, text: string, preparedText = text): Statement {
  const hash = createHash('sha256').update(text).update('\0').update(preparedText).digest('hex').slice(0, 12);
  return { name: `omis_${label}_${hash}`, text, preparedText };
}

/**
 * A statement that a migration keeps in the database as the PL/pgSQL function `omis_<label>`, whose
 * body is `query` (parameters `$1`… typed `params`, PostgreSQL's names): unprepared, the function is
 * called, and PostgreSQL keeps the query's plan for the server connection, pooler or not; prepared,
 * the query itself. The call selects whatever the function returns: the query's rows (RETURNS
 * TABLE), or one void row that the caller of a write ignores, as it ignores the query's.
 */
export function functionStatement(label: string, params: readonly string[], query: string): Statement {
  const args = params.map((type, i) => `$${i + 1}::${type}`).join(', ');
  return namedStatement(label, `SELECT * FROM omis_${label}(${args})`, query);
}

/** The warning for `whenPreparedStatementsOff`: what happened and what to set. */
export function preparedStatementsOff(error: unknown): string {
  return (
    `prepared statements turned off: the database connection lost one (${(error as Error).message}), ` +
    'as a pooler that does not keep them between clients would (DATABASE_URL through PgBouncer before 1.21?); set DIRECT_URL, or OMIS_PREPARED_STATEMENTS=false, to start without them'
  );
}

/** What PostgreSQL answers when a pooler moved a session's prepared statement away (26000) or let another client's be found (42P05). */
const LOST_PREPARED_STATEMENT = new Set(['26000', '42P05']);

export interface SqlConnection {
  exec(sql: string): Promise<void>;
  /** In a transaction a `Statement` is prepared as on the pool; on a dedicated connection it is sent as its text. */
  query<Row>(sql: string | Statement, params?: unknown[]): Promise<Row[]>;
}

/** What `pg` sends for a statement: prepared under its name, or as text (a plain string always is). */
function queryConfig(sql: string | Statement, values: unknown[], preparing: boolean): pg.QueryConfig {
  if (typeof sql === 'string') return { text: sql, values };
  return preparing ? { name: sql.name, text: sql.preparedText, values } : { text: sql.text, values };
}

const isLostPreparedStatement = (error: unknown) => LOST_PREPARED_STATEMENT.has((error as { code?: string }).code ?? '');

export interface OpenOptions {
  databaseUrl?: string | undefined;
  dataDir?: string | undefined;
  /** An existing PGlite (tests load a migrated snapshot into one). */
  pglite?: PGlite | undefined;
  poolSize?: number | undefined;
  /** Longest wait for a PostgreSQL connection (default CONNECT_TIMEOUT_MS). */
  connectTimeoutMs?: number | undefined;
  /**
   * Prepare `Statement`s on each connection (PostgreSQL only; default off). Only for a connection
   * straight to PostgreSQL or through a pooler that keeps prepared statements: should one turn out
   * to lose them, they are turned off for good, the statement is run again unprepared and the
   * `whenPreparedStatementsOff` listeners are told why.
   */
  preparedStatements?: boolean | undefined;
}

export async function openDatabase(options: OpenOptions): Promise<Database> {
  if (options.databaseUrl) {
    return openPostgres(options.databaseUrl, options);
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

function openPostgres(url: string, options: OpenOptions): Database {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    // Fail fast when the database is gone instead of queueing requests forever: a stopped server
    // refuses at once, an unresponsive one is given up on within a second (ErrorCode 9999, HTTP 503).
    // pg-pool applies the same limit to waiting for a free connection, which sheds load under overload.
    connectionTimeoutMillis: options.connectTimeoutMs ?? CONNECT_TIMEOUT_MS,
    // Notice a peer that vanished without closing (host down, network cut) on idle connections too.
    keepAlive: true,
    idleTimeoutMillis: 30_000,
    query_timeout: 15_000,
  });
  // An idle client losing its server must not crash the process; the next query reports it.
  pool.on('error', () => {});
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  let prepared = options.preparedStatements ?? false;
  const offListeners = new Set<(error: unknown) => void>();
  const turnOff = (error: unknown) => {
    if (!prepared) return;
    prepared = false;
    for (const listener of offListeners) listener(error);
  };
  const preparedQuery = async (statement: Statement, values: unknown[]): Promise<pg.QueryResult> => {
    try {
      return await pool.query(queryConfig(statement, values, true));
    } catch (error) {
      if (!isLostPreparedStatement(error)) throw error;
      // A pooler in transaction mode hands each transaction whichever server connection is free,
      // and a statement prepared on one is missing on the next (or already there, prepared by
      // another client). Nothing was run: the statement runs again, unprepared, as from now on all
      // do (statements already on their way when the first failed are run again too).
      turnOff(error);
      return pool.query(queryConfig(statement, values, false));
    }
  };
  const onClient = (client: pg.PoolClient, preparing: boolean): SqlConnection => ({
    exec: async (sql) => {
      await client.query(sql);
    },
    query: async <Row>(sql: string | Statement, params: unknown[] = []) => (await client.query(queryConfig(sql, params, preparing))).rows as Row[],
  });
  return {
    kind: 'postgres',
    prisma,
    pool,
    get preparedStatements() {
      return prepared;
    },
    whenPreparedStatementsOff(listener) {
      offListeners.add(listener);
      return () => offListeners.delete(listener);
    },
    async exec(sql) {
      await pool.query(sql);
    },
    async ping() {
      await pool.query('SELECT 1');
    },
    async query<Row>(sql: string | Statement, params: unknown[] = []) {
      const result = typeof sql !== 'string' && prepared ? await preparedQuery(sql, params) : await pool.query(queryConfig(sql, params, false));
      return result.rows as Row[];
    },
    async withConnection(work) {
      const client = await pool.connect();
      try {
        // Never prepared: what runs here (migrations, advisory locks) may open transactions of its
        // own, which a lost statement would abort where nothing could run them again.
        return await work(onClient(client, false));
      } finally {
        client.release();
      }
    },
    async transaction(work, options) {
      const client = await pool.connect();
      let broken: unknown;
      try {
        for (;;) {
          const preparing = prepared;
          try {
            await client.query('BEGIN');
            const result = await work(onClient(client, preparing));
            const commit = client.query('COMMIT');
            options?.committing?.();
            await commit;
            return result;
          } catch (error) {
            // A connection that cannot even roll back is not given back to the pool.
            await client.query('ROLLBACK').catch((rollbackError: unknown) => (broken = rollbackError));
            // A prepared statement lost to a pooler aborts the transaction, so its statement cannot
            // simply be sent again as the pool's can: everything is rolled back and `work` runs once
            // more from the start, with statements unprepared from now on.
            if (!preparing || broken !== undefined || !isLostPreparedStatement(error)) throw error;
            turnOff(error);
          }
        }
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

/** PGlite's session, or a transaction on it, as a SqlConnection: a `Statement` is sent as its text. */
const onPglite = (session: Pick<PGlite, 'exec' | 'query'>): SqlConnection => ({
  exec: async (sql) => {
    await session.exec(sql);
  },
  query: async <Row>(sql: string | Statement, params: unknown[] = []) =>
    (await session.query(typeof sql === 'string' ? sql : sql.text, params)).rows as Row[],
});

function openPglite(db: PGlite): Database {
  const prisma = new PrismaClient({ adapter: new PrismaPGlite(db) });
  // PGlite is a single connection: every "connection" is the same one.
  const conn = onPglite(db);
  return {
    kind: 'pglite',
    prisma,
    pool: undefined,
    // PGlite's one session keeps its own plans; nothing to prepare.
    preparedStatements: false,
    whenPreparedStatementsOff: () => () => {},
    exec: conn.exec,
    query: conn.query,
    ping: async () => {
      await db.query('SELECT 1');
    },
    withConnection: (work) => work(conn),
    transaction: (work, options) =>
      db.transaction(async (tx) => {
        const result = await work(onPglite(tx));
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
