import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, inject } from 'vitest';
import { buildApp } from '../src/app.ts';
import type { Services } from '../src/plugins/services.ts';
import { PasswordChecker } from '../src/auth/password.ts';
import { configWith, type Config } from '../src/config/config.ts';
import { openDatabase, type Database } from '../src/db/database.ts';
import { seedDatabase } from '../src/cli/seed-file.ts';
import { withDatabaseName } from './global-setup.ts';
import { standardSeed } from './fixtures/standard-seed.ts';
import { RequestJournal } from '../src/tasks/request-journal.ts';
import { journalOptions } from '../src/plugins/services.ts';

/**
 * The one way tests get a database and an app. The database is PGlite (a migrated snapshot), or with
 * TEST_DATABASE_URL a database of its own on the real PostgreSQL, created from the migrated template
 * and dropped when the test file ends.
 *
 * With TEST_POOLER_URL as well (a pooler in transaction mode in front of that PostgreSQL, as CI's
 * scripts/ci/pgbouncer.sh starts it), the app's connections go through the pooler, as a deployment's
 * DATABASE_URL would; creating, migrating and dropping databases stay on the direct connection, as a
 * deployment's DIRECT_URL would. As a server does by default, the app prepares its hot statements on
 * a direct connection and not through the pooler (OMIS_PREPARED_STATEMENTS), so the PostgreSQL suite
 * runs the one mode and the pooler step the other.
 */
export const onPostgres = Boolean(process.env.TEST_DATABASE_URL);
export const databaseKind = onPostgres ? 'postgres' : 'pglite';
export const throughPooler = Boolean(process.env.TEST_POOLER_URL);
/** Whether the app's connections prepare statements: as a server does, on a direct connection only. */
const preparedStatements = !throughPooler;
if (throughPooler && !onPostgres) throw new Error('TEST_POOLER_URL needs TEST_DATABASE_URL (the direct connection) as well');

export interface TestDatabase {
  db: Database;
  /**
   * The database's URL on PostgreSQL as the app reaches it (through the pooler with TEST_POOLER_URL),
   * for a second instance or a CLI run; undefined on PGlite.
   */
  url: string | undefined;
  /** The same database without the pooler: a session of its own (migrations, pg_prepared_statements). */
  directUrl: string | undefined;
  drop(): Promise<void>;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl) {
    const snapshot = readFileSync(inject('pgliteSnapshot'));
    const pglite = await PGlite.create({ loadDataDir: new Blob([snapshot]) });
    const db = await openDatabase({ pglite });
    return { db, url: undefined, directUrl: undefined, drop: () => db.close() };
  }
  const name = `omis_test_${randomBytes(6).toString('hex')}`;
  await adminQuery(adminUrl, `CREATE DATABASE ${name} TEMPLATE ${inject('pgTemplate')}`);
  const directUrl = withDatabaseName(adminUrl, name);
  const url = throughPooler ? withDatabaseName(process.env.TEST_POOLER_URL!, name) : directUrl;
  const db = await openDatabase({ databaseUrl: url, poolSize: 8, preparedStatements });
  return {
    db,
    url,
    directUrl,
    async drop() {
      try {
        await db.close();
      } finally {
        // Dropped even when closing the pool failed (a test that broke its connections): FORCE ends
        // whatever is still connected.
        await adminQuery(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      }
    },
  };
}

/** One statement on a connection of its own to the server's admin database (creating and dropping test databases). */
async function adminQuery(adminUrl: string, sql: string): Promise<void> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(sql);
  } finally {
    await admin.end();
  }
}

/**
 * The same database as a second server process would reach it: on PostgreSQL a connection pool of
 * its own (through the pooler too, with TEST_POOLER_URL), closed by its drop(); on PGlite the one
 * embedded database, left open (its owner drops it).
 */
export async function anotherInstanceOf(database: TestDatabase, poolSize = 8): Promise<TestDatabase> {
  if (!database.url) return { ...database, drop: async () => {} };
  const db = await openDatabase({ databaseUrl: database.url, poolSize, preparedStatements });
  return { db, url: database.url, directUrl: database.directUrl, drop: () => db.close() };
}

export interface TestApp {
  app: FastifyInstance;
  db: Database;
  config: Config;
  /** The app's request journal (undefined with OMIS_JOURNAL=false): flush() writes what is queued. */
  journal: RequestJournal | undefined;
  close(): Promise<void>;
}

export interface TestAppOptions {
  /** Configuration, as environment variables, over the test defaults. */
  env?: Record<string, string>;
  /** A database of the test's own (closed by the test); a fresh one otherwise. */
  database?: TestDatabase;
  /** Services to use instead of the ones the app would build. */
  overrides?: Partial<Services>;
}

/** Builds the app (never the server) on a test database. */
export async function buildTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const database = options.database ?? (await createTestDatabase());
  const config = configWith({ OMIS_SECRET: 'test-secret-0123456789abcdef', ...options.env });
  // The journal is made here, so that a test can flush it (write what is queued) when it reads it.
  const journal = options.overrides && 'journal' in options.overrides ? options.overrides.journal : config.OMIS_JOURNAL ? new RequestJournal(database.db, journalOptions(config)) : undefined;
  const app = await buildApp({ config, database: database.db, overrides: { ...options.overrides, journal } });
  return {
    app,
    db: database.db,
    config,
    journal,
    async close() {
      try {
        await app.close();
      } finally {
        if (!options.database) await database.drop();
      }
    },
  };
}

/** Loads a seed document (docs/API.md#seed-file) into a test database. */
export async function seedWith(db: Database, seed: unknown, timeZone = 'Asia/Taipei') {
  return seedDatabase(db.prisma, seed, timeZone);
}

/** A GET URL of the page with the given fields in the query string (encoded as browsers do). */
export function pageUrl(fields: Record<string, string>, path = '/WebAPI/TaskManager.aspx'): string {
  return `${path}?${new URLSearchParams(fields).toString()}`;
}

/** A multipart/form-data body as an HTML form posts it. */
export function multipartBody(fields: Array<[string, string]>, files: Array<{ field: string; name: string; content: string | Buffer; type?: string }> = []) {
  const boundary = `----omis${randomBytes(8).toString('hex')}`;
  const parts: Buffer[] = [];
  for (const [name, value] of fields) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`));
  }
  for (const file of files) {
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${file.field}"; filename="${file.name}"\r\n` +
          `Content-Type: ${file.type ?? 'text/xml'}\r\n\r\n`,
      ),
      Buffer.isBuffer(file.content) ? file.content : Buffer.from(file.content),
      Buffer.from('\r\n'),
    );
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(parts), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

/**
 * An app on a database of this test file's own, seeded (the standard account tree by default) before
 * the file's tests and closed after them. The returned object is filled in by the beforeAll hook.
 *
 * The seeded records are shared by the file's tests, so none may leave them changed: after the
 * file's tests, every seeded account (its balance, licences and password), launch, job and the
 * recipients' delivery statuses must be as seeded, or the file fails. A test that changes records
 * makes its own (test/factories.ts), or puts back what it changed.
 */
export function useSeededApp(seed: unknown = standardSeed, options: Omit<TestAppOptions, 'database'> = {}): TestApp {
  const t = {} as TestApp;
  let seeded: unknown;
  beforeAll(async () => {
    Object.assign(t, await buildTestApp(options));
    await seedWith(t.db, seed);
    seeded = await fixtureState(t.db, seed as SeedShape);
  });
  afterAll(async () => {
    try {
      if (t.db) expect(await fixtureState(t.db, seed as SeedShape), 'a test left the shared seeded records changed').toEqual(seeded);
    } finally {
      await t.close?.();
    }
  });
  return t;
}

export interface ListeningApp extends TestApp {
  /** `http://127.0.0.1:PORT` */
  origin: string;
  port: number;
}

/**
 * An app with `seed` listening on a free port of 127.0.0.1, for the tests where the transport
 * matters (real HTTP clients, raw sockets); closed when the file's tests end. The records are the
 * file's own: a test may change them.
 */
export function useListeningApp(options: Omit<TestAppOptions, 'database'> = {}, seed: unknown = standardSeed): ListeningApp {
  const t = {} as ListeningApp;
  beforeAll(async () => {
    Object.assign(t, await buildTestApp(options));
    await seedWith(t.db, seed);
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    t.port = (t.app.server.address() as AddressInfo).port;
    t.origin = `http://127.0.0.1:${t.port}`;
  });
  afterAll(async () => t.close?.());
  return t;
}

interface SeedShape {
  accounts?: Array<{ userId: number; password: string }>;
  launches?: Array<{ launchId: number; jobs?: Array<{ jobId: number }> }>;
}

/** The state of a seed's records, as far as tests may change it. */
async function fixtureState(db: Database, seed: SeedShape) {
  const accounts = seed.accounts ?? [];
  const launchIds = (seed.launches ?? []).map((launch) => launch.launchId);
  const jobIds = (seed.launches ?? []).flatMap((launch) => (launch.jobs ?? []).map((job) => job.jobId));
  const rows = await db.query<{ user_id: number; password_hash: string }>(
    `SELECT user_id, login, licences, points, password_hash FROM account WHERE user_id = ANY($1::int[]) ORDER BY user_id`,
    [accounts.map((account) => account.userId)],
  );
  // A password changed and put back has a new salt: what must hold is that the seeded password still works.
  const checker = new PasswordChecker();
  const passwordsHold = await Promise.all(
    rows.map(async (row) => checker.verify(row.password_hash, accounts.find((account) => account.userId === row.user_id)!.password)),
  );
  return {
    accounts: rows.map(({ password_hash: _hash, ...row }, i) => ({ ...row, passwordHolds: passwordsHold[i] })),
    launches: await db.query(
      `SELECT launch_id, owner_id, name, status, error_code, launch_count, expire_time, deleted_at IS NOT NULL AS deleted
         FROM launch WHERE launch_id = ANY($1::int[]) ORDER BY launch_id`,
      [launchIds],
    ),
    jobs: await db.query(
      `SELECT job_id, launch_id, status, error_code, cost, points_charged, paused_by_launch, deleted_at IS NOT NULL AS deleted
         FROM job WHERE job_id = ANY($1::int[]) ORDER BY job_id`,
      [jobIds],
    ),
    recipients: await db.query(
      `SELECT job_id, string_agg(delivery_status, ',' ORDER BY recipient_id) AS statuses
         FROM recipient WHERE job_id = ANY($1::int[]) GROUP BY job_id ORDER BY job_id`,
      [jobIds],
    ),
  };
}
