import autocannon, { type Request, type Result } from 'autocannon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, onPostgres, pageUrl, seedWith, throughPooler, type TestDatabase } from '../helper.ts';
import { logins, standardSeed } from '../fixtures/standard-seed.ts';
import { listeningBase, spawnServer, type ServerProcess } from './server-process.ts';

/**
 * Two server processes on one PostgreSQL database under concurrent authenticated queries and
 * actions — through the pooler when TEST_POOLER_URL is set (CI: PgBouncer in transaction mode), as a
 * scaled-out deployment runs. Every request is answered HTTP 200 with the ErrorCode it deserves;
 * none with 9999, which is what a statement broken by the pooler (a named prepared statement missing
 * or already there on the server connection it landed on) would answer.
 */
const CONNECTIONS_PER_SERVER = 8;
const JOB_ID = 9001;

/** What each connection sends in turn: six queries, then a pause and an unpause of one job that every connection of both servers acts on. */
const ROUND = [
  { kind: 'query', fields: { ...logins.mkt, LaunchID: '5001' } },
  { kind: 'query', fields: { ...logins.root, JobID: '9003' } },
  { kind: 'query', fields: { ...logins.tw, LaunchID: '5002', ReturnType: 'CSV' } },
  { kind: 'query', fields: { ...logins.root, JobID: '9001', EmailAddress: 'a@example.com' } },
  { kind: 'query', fields: { ...logins.globex, LaunchID: '6001' } },
  { kind: 'query', fields: { ...logins.mkt, LaunchID: '5001', ReturnType: 'CSV' } },
  { kind: 'action', fields: { ...logins.mkt, JobID: String(JOB_ID), JobAction: '3' } },
  { kind: 'action', fields: { ...logins.mkt, JobID: String(JOB_ID), JobAction: '4' } },
] as const;
// Whole rounds on every connection. Actions on one job wait for each other's row lock by design.
const ROUNDS = 6;
const REQUESTS_PER_SERVER = CONNECTIONS_PER_SERVER * ROUND.length * ROUNDS;
const QUERIES_PER_SERVER = CONNECTIONS_PER_SERVER * ROUNDS * ROUND.filter((r) => r.kind === 'query').length;

type Codes = { query: Map<string, number>; action: Map<string, number> };

/** The ROUND as autocannon sends it, each answer's ErrorCode counted by kind into `codes`. */
function countedRound(codes: Codes): Request[] {
  const counted = (kind: keyof Codes) => (_status: number, body: string) => {
    // XML, or CSV whose first row after the header starts with the ErrorCode.
    const match = /<ErrorCode>(-?\d+)<\/ErrorCode>|^\uFEFF?ErrorCode,[^\n]*\n(-?\d+),/.exec(body);
    const code = match?.[1] ?? match?.[2] ?? `no ErrorCode: ${body.slice(0, 200)}`;
    codes[kind].set(code, (codes[kind].get(code) ?? 0) + 1);
  };
  return ROUND.map(({ kind, fields }) => ({ method: 'GET', path: pageUrl(fields), onResponse: counted(kind) }));
}

/**
 * Every request of `servers` servers answered HTTP 200, every query with 0, every action with 0 or
 * 115 (a pause or unpause that finds the job already so; nothing else may happen), and every action
 * carried out or refused once and written to the audit log once.
 */
async function expectEveryAnswer(db: TestDatabase['db'], results: Result[], codes: Codes, servers: number): Promise<void> {
  for (const result of results) {
    expect({ non2xx: result.non2xx, errors: result.errors, timeouts: result.timeouts }).toEqual({ non2xx: 0, errors: 0, timeouts: 0 });
  }
  const total = (map: Map<string, number>) => [...map.values()].reduce((sum, n) => sum + n, 0);
  expect(total(codes.query) + total(codes.action)).toBe(servers * REQUESTS_PER_SERVER);
  expect(Object.fromEntries(codes.query)).toEqual({ '0': servers * QUERIES_PER_SERVER });
  expect([...codes.action.keys()].filter((code) => code !== '0' && code !== '115')).toEqual([]);
  expect(codes.action.get('0')).toBeGreaterThan(0);
  const [audit] = await db.query<{ accepted: number; refused: number }>(
    `SELECT count(*) FILTER (WHERE error_code = 0)::int AS accepted, count(*) FILTER (WHERE error_code <> 0)::int AS refused
       FROM audit_log WHERE target_type = 'job' AND target_id = $1`,
    [JOB_ID],
  );
  expect(audit).toEqual({ accepted: codes.action.get('0') ?? 0, refused: codes.action.get('115') ?? 0 });
}

describe.runIf(onPostgres)(`two server processes under load${throughPooler ? ', through the pooler' : ''} (postgres)`, () => {
  let database: TestDatabase;
  const servers: ServerProcess[] = [];
  let bases: string[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    await seedWith(database.db, standardSeed);
    const env = {
      DATABASE_URL: database.url!,
      DIRECT_URL: database.directUrl!,
      OMIS_SECRET: 'pooler-load-secret-0123456789',
      LOG_LEVEL: 'warn',
    };
    servers.push(spawnServer(env), spawnServer(env));
    bases = await Promise.all(servers.map(listeningBase));
  }, 120_000);

  afterAll(async () => {
    for (const server of servers) server.kill('SIGKILL');
    await Promise.all(servers.map((server) => server.exited));
    await database?.drop();
  });

  it('answers every query and action of both servers with its own ErrorCode, none with 9999', { timeout: 120_000 }, async () => {
    const codes: Codes = { query: new Map(), action: new Map() };
    const requests = countedRound(codes);
    const results: Result[] = await Promise.all(
      bases.map((url) => autocannon({ url, connections: CONNECTIONS_PER_SERVER, amount: REQUESTS_PER_SERVER, requests, timeout: 20 })),
    );
    await expectEveryAnswer(database.db, results, codes, 2);
  });
});

/**
 * A deployment that points DATABASE_URL at the pooler but leaves DIRECT_URL unset prepares its read
 * and its actions' statements (OMIS_PREPARED_STATEMENTS defaults on). PgBouncer 1.18 loses prepared
 * statements between clients: the server must notice, say so once in its log, and answer every
 * request as if nothing happened — an action whose transaction lost one is run again, never twice.
 */
describe.runIf(throughPooler)('a server through the pooler without DIRECT_URL (postgres)', () => {
  let database: TestDatabase;
  let server: ServerProcess | undefined;

  beforeAll(async () => {
    database = await createTestDatabase();
    await seedWith(database.db, standardSeed);
  }, 120_000);

  afterAll(async () => {
    server?.kill('SIGKILL');
    await server?.exited;
    await database?.drop();
  });

  it('turns prepared statements off at the first one lost, logs it once at warn, and answers every query and action once', { timeout: 120_000 }, async () => {
    server = spawnServer({ DATABASE_URL: database.url!, OMIS_SECRET: 'pooler-load-secret-0123456789', LOG_LEVEL: 'warn' });
    const url = await listeningBase(server);
    const codes: Codes = { query: new Map(), action: new Map() };
    const result = await autocannon({ url, connections: CONNECTIONS_PER_SERVER, amount: REQUESTS_PER_SERVER, requests: countedRound(codes), timeout: 20 });
    await expectEveryAnswer(database.db, [result], codes, 1);
    const warnings = server.output().split('\n').filter((line) => line.includes('prepared statements turned off'));
    expect(warnings).toHaveLength(1);
    expect(JSON.parse(warnings[0]!)).toMatchObject({ level: 40, err: { code: expect.stringMatching(/^(26000|42P05)$/) } });
  });
});
