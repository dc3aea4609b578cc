import DataLoader from 'dataloader';
import type { Database } from '../db/database.ts';
import { isTransientDatabaseError } from '../db/wait-for-database.ts';
import { failureKey } from '../auth/lockout.ts';
import { loginKey } from '../store/login-key.ts';
import type { Intent } from './intent.ts';
import { readRequest, readRequests, type RequestRead, type RequestReadKeys } from './request-read.ts';
import type { TaskContext } from './task-context.ts';

/**
 * Requests that arrive together share one statement (issue 6, docs/PERFORMANCE.md "Reads in
 * batches"). Every read asked for while the event loop handles one round of ready connections goes
 * to the database as one statement, sent once those connections have all been read (setImmediate):
 * under load that is several requests per round trip, and a lone request waits for nothing.
 * Nothing is cached: each request reads the account, its lockout state and its record as they are
 * when its statement runs, after the request arrived and before it is answered.
 */
export const MAX_READS_PER_STATEMENT = 64;

export type BatchListener = (size: number) => void;

export class RequestReader {
  readonly #loader: DataLoader<RequestReadKeys, RequestRead>;
  readonly #listeners: BatchListener[] = [];

  constructor(db: Database, maxBatchSize = MAX_READS_PER_STATEMENT) {
    this.#loader = new DataLoader(
      (keys) => {
        for (const listener of this.#listeners) listener(keys.length);
        return readBatch(db, keys);
      },
      { cache: false, maxBatchSize, batchScheduleFn: (dispatch) => setImmediate(dispatch) },
    );
  }

  read(keys: RequestReadKeys): Promise<RequestRead> {
    return this.#loader.load(keys);
  }

  /** Called with the number of reads of every statement sent (the metrics' batch-size histogram). */
  onBatch(listener: BatchListener): void {
    this.#listeners.push(listener);
  }
}

/**
 * One statement for the batch. Should it fail for a reason other than the database being gone,
 * each read is retried alone, so that whatever one request sent cannot fail the others with it.
 * (Identical reads are not merged: each request's read is its own, as when requests came alone.)
 */
async function readBatch(db: Database, keys: readonly RequestReadKeys[]): Promise<Array<RequestRead | Error>> {
  try {
    return await readRequests(db, keys);
  } catch (error) {
    if (keys.length === 1 || isTransientDatabaseError(error)) throw error;
    return Promise.all(keys.map((key) => readRequest(db, key).catch((failure: unknown) => (failure instanceof Error ? failure : new Error(String(failure))))));
  }
}

const readers = new WeakMap<Database, RequestReader>();

/** The one reader of a database: requests batch together only if they share it. */
export function requestReaderOf(db: Database): RequestReader {
  let reader = readers.get(db);
  if (!reader) {
    reader = new RequestReader(db);
    readers.set(db, reader);
  }
  return reader;
}

/**
 * The request's read, when the context has the driver (the app always does). A query's record is
 * prefetched (its recipients, if asked for, are looked up after authentication); an action locks
 * what it changes in its own transaction, so for actions, and for fields whose syntax is wrong
 * (`intent` undefined), only the account and lockout state are read.
 */
export async function readForRequest(ctx: TaskContext, login: string, intent: Intent | undefined): Promise<RequestRead> {
  // PostgreSQL text cannot hold NUL: no account has such a login (its lockout is still kept, under a hashed key).
  if (login.includes('\u0000')) return { prefetched: {}, account: undefined, loginState: undefined };
  return requestReaderOf(ctx.db).read({ loginKey: loginKey(login), failureKey: failureKey(login), ...prefetchTarget(intent) });
}

/** Which record to prefetch: a query's launch or job, when its ID is an ID. */
function prefetchTarget(intent: Intent | undefined): { launchId?: number; jobId?: number } {
  if (intent?.kind !== 'query') return {};
  const { jobId, launchId } = intent.target;
  if (jobId !== undefined) return typeof jobId === 'number' ? { jobId } : {};
  return typeof launchId === 'number' ? { launchId } : {};
}
