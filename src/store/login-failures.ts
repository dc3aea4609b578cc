import type { Database } from '../db/database.ts';
import { KeyedQueue } from './keyed-queue.ts';

/**
 * Failed logins per login key, with the password checks reserved and still under way (the table
 * `login_failure`, shared by every instance). The rules — when a login locks, how many checks may
 * run at once — are auth/lockout.ts's; this module only reads and writes the record, under its row
 * lock, so that concurrent attempts through any instance apply those rules in some serial order.
 */
export interface StoredFailure {
  failures: number;
  lastFailureAt: Date;
  lockedUntil: Date | null;
  /** Checks reserved and not yet settled. */
  pending: number;
  /** Until when those reservations count (a process that died holding one leaves it behind). */
  pendingUntil: Date | null;
}

/** What to do with a record once its rules have been applied: write it, delete it, or leave it. */
export type FailureWrite = { write: StoredFailure } | { delete: true } | { leave: true };

interface Row {
  failures: number;
  last_failure_at: Date;
  locked_until: Date | null;
  pending: number;
  pending_until: Date | null;
  now: Date;
}

export class LoginFailureStore {
  /** A burst of attempts at one login holds one pooled connection at a time (store/keyed-queue.ts). */
  readonly #queue = new KeyedQueue<string>();

  constructor(private readonly db: Database) {}

  /**
   * Reads the login's record locked FOR UPDATE (an empty one, failures 0, when it has none), asks
   * `decide` what to do with it at the database's `now`, does that, and returns what `decide` said.
   */
  async update<T>(key: string, decide: (record: StoredFailure, now: Date) => FailureWrite & { result: T }): Promise<T> {
    return this.#queue.run(key, () => this.#update(key, decide));
  }

  #update<T>(key: string, decide: (record: StoredFailure, now: Date) => FailureWrite & { result: T }): Promise<T> {
    return this.db.transaction(async (tx) => {
      // Another instance may delete the record between the insert and the lock (a success settling
      // it): then the lock finds nothing, and the record is made again.
      let row: Row | undefined;
      while (!row) {
        await tx.query(
          `INSERT INTO login_failure (login_key, failures, last_failure_at) VALUES ($1, 0, now())
           ON CONFLICT (login_key) DO NOTHING`,
          [key],
        );
        [row] = await tx.query<Row>(
          `SELECT failures, last_failure_at, locked_until, pending, pending_until, now() AS now
             FROM login_failure WHERE login_key = $1 FOR UPDATE`,
          [key],
        );
      }
      const decision = decide(
        { failures: row.failures, lastFailureAt: row.last_failure_at, lockedUntil: row.locked_until, pending: row.pending, pendingUntil: row.pending_until },
        row.now,
      );
      if ('delete' in decision) {
        await tx.query(`DELETE FROM login_failure WHERE login_key = $1`, [key]);
      } else if ('write' in decision) {
        const next = decision.write;
        await tx.query(
          `UPDATE login_failure
              SET failures = $2::int, last_failure_at = $3::timestamptz, locked_until = $4::timestamptz,
                  pending = $5::int, pending_until = $6::timestamptz
            WHERE login_key = $1`,
          [key, next.failures, next.lastFailureAt, next.lockedUntil, next.pending, next.pendingUntil],
        );
      }
      return decision.result;
    });
  }

  /** Forgets a login's failures and reservations (`omis account unlock`). True when there was a record. */
  async clear(key: string): Promise<boolean> {
    const rows = await this.db.query(`DELETE FROM login_failure WHERE login_key = $1 RETURNING login_key`, [key]);
    return rows.length > 0;
  }

  /**
   * Deletes up to `limit` records whose streak ended over a day ago (each distinct failing login
   * name leaves a record, so made-up names would otherwise grow the table forever).
   */
  async pruneForgotten(limit: number): Promise<number> {
    const rows = await this.db.query(
      `DELETE FROM login_failure WHERE login_key IN (
         SELECT login_key FROM login_failure
          WHERE GREATEST(last_failure_at, COALESCE(locked_until, last_failure_at), COALESCE(pending_until, last_failure_at))
                < now() - interval '1 day'
          LIMIT $1::int)
       RETURNING login_key`,
      [limit],
    );
    return rows.length;
  }
}
