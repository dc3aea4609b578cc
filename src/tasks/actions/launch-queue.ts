/**
 * Actions on one launch (and its jobs) queue here, in this server instance, before they take a
 * database connection. The database's row locks alone already serialise them, but each waiter
 * would hold a pooled connection while it waits: dozens of requests on one hot launch would take
 * the whole pool and starve every other request of the instance. Queued here, a hot launch holds
 * one connection at a time. Between instances the row locks still do the serialising.
 *
 * One queue per database client (a server instance has one), so that two instances in one process
 * (tests) still meet only in the database, as two servers would.
 */
export class LaunchQueue {
  private readonly tails = new Map<number, Promise<void>>();

  async run<T>(launchId: number, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(launchId) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    const tail = previous.then(() => mine);
    this.tails.set(launchId, tail);
    await previous;
    try {
      return await work();
    } finally {
      release();
      // The last in line leaves nothing behind.
      if (this.tails.get(launchId) === tail) this.tails.delete(launchId);
    }
  }

  /** How many launches have actions queued or running. */
  get size(): number {
    return this.tails.size;
  }
}

const queues = new WeakMap<object, LaunchQueue>();

export function launchQueueFor(client: object): LaunchQueue {
  let queue = queues.get(client);
  if (!queue) {
    queue = new LaunchQueue();
    queues.set(client, queue);
  }
  return queue;
}
