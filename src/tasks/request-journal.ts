import { setImmediate as yieldToRequests } from 'node:timers/promises';
import type { Database } from '../db/database.ts';
import { isTransientDatabaseError } from '../db/wait-for-database.ts';
import { insertJournalRows, pruneJournal, type JournalRow } from '../store/journal.ts';
import { toJournalRow, type PendingEntry } from './journal-entry.ts';

/**
 * The request journal's writer (docs/CONSOLE.md#request-journal). A request hands its entry over
 * with record(): one push onto a bounded in-memory queue, nothing else on the request path. Once a
 * second the queue is turned into rows and written, one statement per batch; a full queue drops
 * new entries and counts them; a failed write is logged and counted. Nothing here can delay, block
 * or fail a request.
 *
 * The bound is also the journal's rate: at most OMIS_JOURNAL_QUEUE requests a second per instance
 * are kept. Every row costs the server and PostgreSQL the same whatever the load; keeping all of
 * thousands a second would cost the query path a fifth of its throughput (docs/CONSOLE.md), while
 * a developer following a client sends a few.
 */
export interface JournalOptions {
  /** Most entries waiting in memory, so most kept per FLUSH_MS (OMIS_JOURNAL_QUEUE). */
  queueLimit: number;
  /** Rows kept in the database (OMIS_JOURNAL_MAX_ROWS) and for how long (OMIS_JOURNAL_RETENTION_HOURS). */
  maxRows: number;
  retentionHours: number;
  log?: { warn(fields: object, message: string): void } | undefined;
  /** Counts what became of entries (the metrics' omis_journal_entries_total). */
  onCount?: ((outcome: JournalOutcome, n: number) => void) | undefined;
  /** How long entries gather before a batch is written. */
  flushMs?: number;
}

export type JournalOutcome = 'written' | 'dropped' | 'failed';

/** How long entries gather before they are written. */
export const FLUSH_MS = 1000;
/** Rows per statement: a second's requests in one round trip, small enough to stay quick. */
export const BATCH_ROWS = 500;
/** Entries turned into rows between two turns of the event loop, so that requests are not held back. */
const ROWS_PER_TURN = 50;
const PRUNE_EVERY_MS = 10_000;

export class RequestJournal {
  readonly #db: Database;
  readonly #options: JournalOptions & { flushMs: number };
  #queue: PendingEntry[] = [];
  #timer: NodeJS.Timeout | undefined;
  #flushing: Promise<void> | undefined;
  #lastPrune = 0;
  #closed = false;
  /** Counts since start (the console shows them; the metric carries them across apps). */
  readonly counts = { written: 0, dropped: 0, failed: 0 };

  constructor(db: Database, options: JournalOptions) {
    this.#db = db;
    this.#options = { flushMs: FLUSH_MS, ...options };
  }

  /** Hands a request's entry over (the request path's only cost). */
  record(entry: PendingEntry): void {
    if (this.#closed) return;
    if (this.#queue.length >= this.#options.queueLimit) {
      this.#counted('dropped', 1);
      return;
    }
    this.#queue.push(entry);
    if (!this.#timer && !this.#flushing) this.#schedule();
  }

  #schedule(): void {
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#flushing = this.#flush().finally(() => {
        this.#flushing = undefined;
        if (this.#queue.length > 0 && !this.#closed) this.#schedule();
      });
    }, this.#options.flushMs);
    this.#timer.unref();
  }

  /** Writes everything queued, batch by batch. */
  async #flush(): Promise<void> {
    // What is queued now, and nothing that arrives while it is written: that waits for the next
    // flush, so that no more than the queue's bound is written per flush, however slow the writes.
    const pending = this.#queue;
    this.#queue = [];
    while (pending.length > 0) {
      const batch = pending.splice(0, BATCH_ROWS);
      const rows: JournalRow[] = [];
      for (let i = 0; i < batch.length; i++) {
        if (i > 0 && i % ROWS_PER_TURN === 0) await yieldToRequests();
        rows.push(toJournalRow(batch[i]!));
      }
      await this.#write(rows);
    }
    if (Date.now() - this.#lastPrune >= PRUNE_EVERY_MS) {
      this.#lastPrune = Date.now();
      await pruneJournal(this.#db, this.#options.maxRows, this.#options.retentionHours).catch((error: unknown) =>
        this.#options.log?.warn({ err: error }, 'request journal: pruning failed'),
      );
    }
  }

  async #write(rows: JournalRow[]): Promise<void> {
    try {
      await insertJournalRows(this.#db, rows);
      this.#counted('written', rows.length);
    } catch (error) {
      // One row the database refuses must not lose the others: each is tried alone once (rare).
      // With the database gone they are all lost at once, not retried one by one.
      let failed = isTransientDatabaseError(error) ? rows.length : 0;
      for (const row of failed === 0 ? rows : []) {
        await insertJournalRows(this.#db, [row]).catch(() => failed++);
      }
      this.#counted('written', rows.length - failed);
      this.#counted('failed', failed);
      if (failed > 0) this.#options.log?.warn({ err: error, failed }, 'request journal: entries could not be written');
    }
  }

  #counted(outcome: JournalOutcome, n: number): void {
    if (n === 0) return;
    this.counts[outcome] += n;
    this.#options.onCount?.(outcome, n);
  }

  /** Entries waiting to be written. */
  get pending(): number {
    return this.#queue.length;
  }

  /** Writes what is queued now (tests, shutdown). */
  async flush(): Promise<void> {
    if (this.#timer) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    await this.#flushing;
    while (this.#queue.length > 0) await this.#flush();
  }

  /** Stops taking entries and writes what is left (the app's onClose, before the database closes). */
  async close(): Promise<void> {
    this.#closed = true;
    await this.flush().catch((error: unknown) => this.#options.log?.warn({ err: error }, 'request journal: last entries lost'));
  }
}
