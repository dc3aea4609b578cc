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
const QUERIES = 2 * CONNECTIONS_PER_SERVER * ROUNDS * ROUND.filter((r) => r.kind === 'query').length;
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
    const codes = { query: new Map<string, number>(), action: new Map<string, number>() };
    const counted = (kind: keyof typeof codes) => (_status: number, body: string) => {
      // XML, or CSV whose first row after the header starts with the ErrorCode.
      const match = /<ErrorCode>(-?\d+)<\/ErrorCode>|^\uFEFF?ErrorCode,[^\n]*\n(-?\d+),/.exec(body);
      const code = match?.[1] ?? match?.[2] ?? `no ErrorCode: ${body.slice(0, 200)}`;
      codes[kind].set(code, (codes[kind].get(code) ?? 0) + 1);
    };
    const requests: Request[] = ROUND.map(({ kind, fields }) => ({ method: 'GET', path: pageUrl(fields), onResponse: counted(kind) }));
    const results: Result[] = await Promise.all(
      bases.map((url) => autocannon({ url, connections: CONNECTIONS_PER_SERVER, amount: REQUESTS_PER_SERVER, requests, timeout: 20 })),
    );

    for (const result of results) {
      expect({ non2xx: result.non2xx, errors: result.errors, timeouts: result.timeouts }).toEqual({ non2xx: 0, errors: 0, timeouts: 0 });
    }
    const total = (map: Map<string, number>) => [...map.values()].reduce((sum, n) => sum + n, 0);
    expect(total(codes.query) + total(codes.action)).toBe(2 * REQUESTS_PER_SERVER);
    expect(Object.fromEntries(codes.query)).toEqual({ '0': QUERIES });
    // A pause or unpause that finds the job already so is refused (115); nothing else may happen.
    expect([...codes.action.keys()].filter((code) => code !== '0' && code !== '115')).toEqual([]);
    expect(codes.action.get('0')).toBeGreaterThan(0);

    // Every action answered was carried out or refused once, and written to the audit log once.
    const [audit] = await database.db.query<{ accepted: number; refused: number }>(
      `SELECT count(*) FILTER (WHERE error_code = 0)::int AS accepted, count(*) FILTER (WHERE error_code <> 0)::int AS refused
         FROM audit_log WHERE target_type = 'job' AND target_id = $1`,
      [JOB_ID],
    );
    expect(audit).toEqual({ accepted: codes.action.get('0') ?? 0, refused: codes.action.get('115') ?? 0 });
  });
});

/**
 * A deployment that points DATABASE_URL at the pooler but leaves DIRECT_URL unset prepares its read
 * (OMIS_PREPARED_STATEMENTS defaults on). PgBouncer 1.18 loses prepared statements between clients:
 * the server must notice, say so once in its log, and answer every request as if nothing happened.
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

  it('turns prepared statements off at the first one lost, logs it once at warn, and answers every query', { timeout: 120_000 }, async () => {
    server = spawnServer({ DATABASE_URL: database.url!, OMIS_SECRET: 'pooler-load-secret-0123456789', LOG_LEVEL: 'warn' });
    const url = await listeningBase(server);
    const codes = new Map<string, number>();
    const result = await autocannon({
      url,
      connections: CONNECTIONS_PER_SERVER,
      amount: 400,
      requests: [
        {
          method: 'GET',
          path: pageUrl({ ...logins.mkt, LaunchID: '5001' }),
          onResponse: (_status: number, body: string) => {
            const code = /<ErrorCode>(-?\d+)<\/ErrorCode>/.exec(body)?.[1] ?? 'none';
            codes.set(code, (codes.get(code) ?? 0) + 1);
          },
        },
      ],
      timeout: 20,
    });
    expect({ non2xx: result.non2xx, errors: result.errors, timeouts: result.timeouts }).toEqual({ non2xx: 0, errors: 0, timeouts: 0 });
    expect(Object.fromEntries(codes)).toEqual({ '0': 400 });
    const warnings = server.output().split('\n').filter((line) => line.includes('prepared statements turned off'));
    expect(warnings).toHaveLength(1);
    expect(JSON.parse(warnings[0]!)).toMatchObject({ level: 40, err: { code: expect.stringMatching(/^(26000|42P05)$/) } });
  });
});
