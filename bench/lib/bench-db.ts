import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openDatabase, type Database } from '../../src/db/database.ts';
import { migrate } from '../../src/db/migrate.ts';
import { seedDatabase } from '../../src/cli/seed-file.ts';
import type { Loader } from './generate.ts';

/**
 * The bench's own PostgreSQL database: created (migrated, seeded) at the start of a run and dropped
 * at its end, on the server named by BENCH_DATABASE_URL (default: the local PostgreSQL 15).
 */
export const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
export const TIME_ZONE = 'Asia/Taipei';

export function withDatabaseName(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

export interface BenchDatabase {
  name: string;
  url: string;
  db: Database;
  /** One connection of its own, without a query timeout, for the data generators. */
  loader: Loader;
  drop(): Promise<void>;
}

async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export async function createBenchDatabase(): Promise<BenchDatabase> {
  const name = `omis_bench_${randomBytes(4).toString('hex')}`;
  await admin((client) => client.query(`CREATE DATABASE ${name}`));
  const url = withDatabaseName(ADMIN_URL, name);
  const db = await openDatabase({ databaseUrl: url, poolSize: 4 });
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const loader: Loader = { query: async <Row>(sql: string, params: unknown[] = []) => (await client.query(sql, params)).rows as Row[] };
  let dropped = false;
  const drop = async () => {
    if (dropped) return;
    dropped = true;
    await client.end().catch(() => {});
    await db.close().catch(() => {});
    await admin((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
  };
  try {
    await migrate(db);
  } catch (error) {
    await drop();
    throw error;
  }
  return { name, url, db, loader, drop };
}

/**
 * The accounts and the launch of the document's GET example: a manager below a root, a launch
 * with a few jobs, and a second tree that must stay invisible.
 */
export const BENCH_LOGIN = { ManagerLoginName: 'acme-mkt', ManagerPassword: 'mkt-pass' } as const;
export const SMALL_LAUNCH_ID = 5001;

export const benchSeed = {
  accounts: [
    { login: 'acme', password: 'acme-pass', userId: 1001, customerId: 'ACME', parent: null, licences: ['TaskManager', 'Points'], points: 1000 },
    { login: 'acme-mkt', password: 'mkt-pass', userId: 1002, customerId: 'ACME', parent: 'acme', licences: ['TaskManager'] },
    { login: 'globex', password: 'globex-pass', userId: 2001, customerId: 'GLOBEX', parent: null, licences: ['TaskManager', 'Points'], points: 50 },
  ],
  launches: [
    {
      launchId: SMALL_LAUNCH_ID, owner: 'acme-mkt', name: 'Newsletter', status: 1, errorCode: 0, launchCount: 0, expireTime: '2026-12-31 23:59:59',
      jobs: [
        { jobId: 9001, jobType: 'EMAIL', status: 6, errorCode: 0, cost: 10,
          recipients: [{ emailAddress: 'a@example.com', externRefNum: 'R-1', deliveryStatus: 'SENT' }] },
        { jobId: 9002, jobType: 'SMS', status: 1, errorCode: 0, cost: 20,
          recipients: [{ smsNumber: '0912-345-678', externRefNum: 'R-1', deliveryStatus: 'PENDING' }] },
        { jobId: 9003, jobType: 'EMAIL', status: 0, errorCode: 0, cost: 5, recipients: [] },
      ],
    },
    { launchId: 6001, owner: 'globex', name: 'Globex launch', status: 2, errorCode: 0, launchCount: 0, expireTime: '2027-01-01 00:00:00', jobs: [] },
  ],
};

export async function seedBench(db: Database): Promise<void> {
  await seedDatabase(db.prisma, benchSeed, TIME_ZONE);
}
