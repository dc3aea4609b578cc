import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate, pendingMigrations, readMigrations, type Migration } from '../../src/db/migrate.ts';
import { openDatabase, type Database } from '../../src/db/database.ts';
import { createTestDatabase, databaseKind, type TestDatabase } from '../helper.ts';

const extra = (name: string, sql: string): Migration => ({ name, sql, checksum: `checksum-of-${name}` });

describe(`omis migrate (${databaseKind})`, () => {
  let t: TestDatabase;
  /** Migrations hold a lock across transactions: they take the direct connection, as `omis migrate` takes DIRECT_URL. */
  let db: Database;
  beforeAll(async () => {
    t = await createTestDatabase();
    db = t.directUrl ? await openDatabase({ databaseUrl: t.directUrl, poolSize: 2 }) : t.db;
  });
  afterAll(async () => {
    if (db && db !== t?.db) await db.close();
    await t?.drop();
  });

  it('records every migration in a _prisma_migrations-compatible table', async () => {
    const rows = await db.query<{ migration_name: string; checksum: string; applied_steps_count: number; finished_at: Date | null }>(
      `SELECT migration_name, checksum, applied_steps_count, finished_at FROM "_prisma_migrations" ORDER BY migration_name`,
    );
    const files = readMigrations();
    expect(rows.map((row) => [row.migration_name, row.checksum])).toEqual(files.map((m) => [m.name, m.checksum]));
    expect(rows.every((row) => row.finished_at !== null && row.applied_steps_count === 1)).toBe(true);
    expect(await pendingMigrations(db)).toEqual([]);
  });

  it('applies only what is pending', async () => {
    expect(await migrate(db)).toEqual({ applied: [], alreadyApplied: readMigrations().length });
    const next = [...readMigrations(), extra('99990101000000_probe', 'CREATE TABLE probe_one (id int)')];
    expect(await pendingMigrations(db, next)).toEqual(['99990101000000_probe']);
    expect((await migrate(db, next)).applied).toEqual(['99990101000000_probe']);
    expect((await migrate(db, next)).applied).toEqual([]);
  });

  it('rolls a failing migration back whole and records nothing of it', async () => {
    const broken = [...readMigrations(), extra('99990102000000_broken', 'CREATE TABLE probe_two (id int); SELECT * FROM no_such_table;')];
    await expect(migrate(db, broken)).rejects.toThrow(/99990102000000_broken failed/);
    const tables = await db.query(`SELECT 1 FROM information_schema.tables WHERE table_name = 'probe_two'`);
    expect(tables).toHaveLength(0);
    expect(await pendingMigrations(db, broken)).toContain('99990102000000_broken');
  });

  it('refuses to run when an applied migration was edited afterwards', async () => {
    const edited = readMigrations().map((m, i) => (i === 0 ? { ...m, checksum: 'edited' } : m));
    await expect(migrate(db, edited)).rejects.toThrow(/changed after it was applied/);
  });

  it('applies a migration once when two instances migrate at the same moment', async () => {
    const second = await openSecondConnection(t, db);
    try {
      const next = [...readMigrations(), extra('99990103000000_race', 'CREATE TABLE probe_race (id int)')];
      const results = await Promise.all([migrate(db, next), migrate(second, next)]);
      expect(results.flatMap((r) => r.applied)).toEqual(['99990103000000_race']);
    } finally {
      if (second !== db) await second.close();
    }
  });
});

/** A second, independent client on the same database (PGlite has only one connection). */
async function openSecondConnection(t: TestDatabase, db: Database) {
  if (!t.directUrl) return db;
  return openDatabase({ databaseUrl: t.directUrl, poolSize: 2 });
}
