import type { Db } from '../task-store.ts';

/**
 * The points module (CONTRACT.md §3, §5): points live on the root account of a tree and are shared
 * by its sub-accounts. Taking them is one conditional UPDATE — it locks the root row and checks the
 * balance in the same statement — so concurrent restarts can never spend the same points twice.
 * Callers hold their launch and job locks first (job-machine.ts LOCK_ORDER).
 */
export type Reservation = { ok: true; rootId: number; balance: number } | { ok: false; rootId: number; balance: number };

/** Takes `amount` points from the root of `ownerId`'s tree when the balance covers it. */
export async function reservePoints(db: Db, ownerId: number, amount: number): Promise<Reservation> {
  const taken = await db.$queryRaw<Array<{ user_id: number; points: number }>>`
    UPDATE account SET points = points - ${amount}::int
     WHERE user_id = (SELECT root_id FROM account WHERE user_id = ${ownerId}::int) AND points >= ${amount}::int
     RETURNING user_id, points`;
  if (taken[0]) return { ok: true, rootId: taken[0].user_id, balance: taken[0].points };
  // Short: report the balance as it stands (locked, so it is the one the refusal was judged on).
  const root = await db.$queryRaw<Array<{ user_id: number; points: number }>>`
    SELECT r.user_id, r.points FROM account r
      JOIN account o ON o.root_id = r.user_id
     WHERE o.user_id = ${ownerId}::int
       FOR UPDATE OF r`;
  return { ok: false, rootId: root[0]?.user_id ?? 0, balance: root[0]?.points ?? 0 };
}
