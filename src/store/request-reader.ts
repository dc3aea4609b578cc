import DataLoader from 'dataloader';
import type { Database } from '../db/database.ts';
import { isTransientDatabaseError } from '../db/wait-for-database.ts';
import { readRequest, readRequests, type RequestRead, type RequestReadKeys } from './request-read.ts';

/**
 * Requests that arrive together share one read statement (docs/PERFORMANCE.md, "Reads in batches").
 * Every read asked for while the event loop handles one round of ready connections goes to the
 * database as one statement, sent once those connections have all been read (setImmediate): under
 * load that is several requests per round trip, and a lone request waits for nothing. Nothing is
 * cached: each request reads the account, its login state and its record as they are when its
 * statement runs, after the request arrived and before it is answered.
 */
export const MAX_READS_PER_STATEMENT = 64;

export interface RequestReaderOptions {
  maxBatchSize?: number;
  /** Told the number of reads of every statement sent (the metrics' batch-size histogram). */
  onBatch?: (size: number) => void;
}

export class RequestReader {
  readonly #loader: DataLoader<RequestReadKeys, RequestRead>;

  constructor(db: Database, options: RequestReaderOptions = {}) {
    this.#loader = new DataLoader(
      (keys) => {
        options.onBatch?.(keys.length);
        return readBatch(db, keys);
      },
      { cache: false, maxBatchSize: options.maxBatchSize ?? MAX_READS_PER_STATEMENT, batchScheduleFn: (dispatch) => setImmediate(dispatch) },
    );
  }

  read(keys: RequestReadKeys): Promise<RequestRead> {
    return this.#loader.load(keys);
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
