/**
 * Work on one key (a launch, a login) done one at a time in this server instance, before it takes
 * a database connection. The database's row locks alone already serialise such work, but each
 * waiter would hold a pooled connection while it waits: dozens of requests on one hot launch or one
 * login would take the whole pool and starve every other request of the instance (or wait past the
 * pool's timeout and answer 9999). Queued here, a hot key holds one connection at a time. Between
 * instances the row locks still do the serialising.
 *
 * One queue per app (built with its services), so that two instances in one process (tests) still
 * meet only in the database, as two servers would.
 */
export class KeyedQueue<K> {
  private readonly tails = new Map<K, Promise<void>>();

  /**
   * Runs `work` when the work queued before it on `key` has finished, or has ended its turn early
   * with `turn.end()`: a transaction ends its turn as it sends its COMMIT, since the next one in
   * line waits for that commit at its first row lock anyway; the wait then costs no round trip.
   */
  async run<T>(key: K, work: (turn: { end: () => void }) => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    const tail = previous.then(() => mine);
    this.tails.set(key, tail);
    await previous;
    try {
      return await work({ end: release });
    } finally {
      release();
      // The last in line leaves nothing behind.
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }

  /** How many keys have work queued or running. */
  get size(): number {
    return this.tails.size;
  }
}
