import { afterAll, describe, expect, it } from 'vitest';
import { databaseKind, onPostgres, pageUrl, useSeededApp } from '../helper.ts';
import { logins, standardSeed } from '../fixtures/standard-seed.ts';
import { KeyedQueue } from '../../src/store/keyed-queue.ts';
import { openDatabase, type Database } from '../../src/db/database.ts';
import { parseResponse } from '../xml.ts';

/**
 * An action on another tree's record is refused exactly as on a missing one, and decided in the
 * statement that finds the record — before any queue or lock — so it never waits behind the owner's
 * work. Here the owner's work is held for as long as the test likes: the launch's queue in this
 * instance is kept busy (and on PostgreSQL the launch's row is kept locked by another connection);
 * a refused action that waited would never be answered, and the test would time out.
 */
describe(`actions on records of another tree (${databaseKind})`, () => {
  const queue = new KeyedQueue<number>();
  const t = useSeededApp(standardSeed, { overrides: { queue } });
  let other: Database | undefined;
  afterAll(async () => other?.close());

  const act = async (fields: Record<string, string>) => {
    const res = await t.app.inject({ method: 'GET', url: pageUrl({ ...logins.mkt, ...fields }) });
    return { status: res.statusCode, code: parseResponse(res.body).ErrorCode as string, body: res.body };
  };

  /** Keeps launch 6001 (globex's) busy in this instance until the returned function is called. */
  function holdQueue(launchId: number): () => Promise<void> {
    let release!: () => void;
    const done = queue.run(launchId, () => new Promise<void>((resolve) => (release = resolve)));
    return async () => {
      release();
      await done;
    };
  }

  it.each([
    ['LaunchAction on a foreign launch', { LaunchID: '6001', LaunchAction: '3' }, { LaunchID: '7777', LaunchAction: '3' }, '111'],
    ['JobAction on a foreign job', { JobID: '9101', JobAction: '3' }, { JobID: '8888', JobAction: '3' }, '110'],
    ['JobAction on a foreign job, both IDs', { LaunchID: '6001', JobID: '9101', JobAction: '2' }, { LaunchID: '7777', JobID: '8888', JobAction: '2' }, '110'],
  ])('%s is refused while the owner works on it, answered as a missing one', async (_label, foreign, missing, code) => {
    const release = holdQueue(6001);
    try {
      const refused = await act(foreign);
      const absent = await act(missing);
      expect(refused.code).toBe(code);
      // The same answer, but for the echoed IDs.
      expect(refused.body.replace(/\d{4}/g, 'N')).toBe(absent.body.replace(/\d{4}/g, 'N'));
    } finally {
      await release();
    }
  });

  it.runIf(onPostgres)('is refused while another connection holds the launch and its job locked (PostgreSQL)', async () => {
    other = await openDatabase({ databaseUrl: (t.db.pool!.options as { connectionString: string }).connectionString, poolSize: 1 });
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let locked!: () => void;
    const lockTaken = new Promise<void>((resolve) => (locked = resolve));
    const owner = other.transaction(async (tx) => {
      await tx.query(`SELECT 1 FROM launch WHERE launch_id = 6001 FOR UPDATE`);
      await tx.query(`SELECT 1 FROM job WHERE job_id = 9101 FOR UPDATE`);
      locked();
      await held;
    });
    await lockTaken;
    try {
      expect((await act({ LaunchID: '6001', LaunchAction: '2' })).code).toBe('111');
      expect((await act({ JobID: '9101', JobAction: '1' })).code).toBe('110');
    } finally {
      release();
      await owner;
    }
  });

  it('leaves the foreign record as it was, and audits the refusal like one on a missing record', async () => {
    const before = await t.db.query<{ error_code: number }>(`SELECT error_code FROM launch WHERE launch_id = 6001`);
    await act({ LaunchID: '6001', LaunchAction: '2' });
    await act({ LaunchID: '7777', LaunchAction: '2' });
    expect(await t.db.query(`SELECT error_code FROM launch WHERE launch_id = 6001`)).toEqual(before);
    const entries = await t.db.query<{ target_id: number; error_code: number; before: unknown }>(
      `SELECT target_id, error_code, before FROM audit_log WHERE login = 'acme-mkt' AND action = 'launch.terminate' ORDER BY audit_id DESC LIMIT 2`,
    );
    expect(entries.map((entry) => [entry.error_code, entry.before])).toEqual([
      [111, { request: { LaunchID: '7777', LaunchAction: '2' } }],
      [111, { request: { LaunchID: '6001', LaunchAction: '2' } }],
    ]);
  });
});
