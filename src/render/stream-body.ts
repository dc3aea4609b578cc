import { Readable } from 'node:stream';
import type { Answer } from './answer.ts';

/**
 * Large answers leave as a stream (a launch with 10,000 jobs within < 50 MB of extra
 * memory): the text is produced chunk by chunk as the client takes it, never as one string plus
 * its encoded copy. Small answers stay one string, sent with a Content-Length like before.
 */

/** Records (launch, jobs, recipients) above which an answer is streamed. */
export const STREAM_ABOVE_RECORDS = 200;

/** Pieces are gathered into chunks of about this size: one socket write each, not one per element. */
export const CHUNK_CHARS = 64 * 1024;

export function recordCount(response: Answer): number {
  const { launch } = response;
  if (!launch || response.errorCode !== 0) return 1;
  let count = 1 + launch.jobs.length;
  for (const job of launch.jobs) count += job.recipients.length;
  return count;
}

export function shouldStream(response: Answer): boolean {
  return recordCount(response) > STREAM_ABOVE_RECORDS;
}

/** Joins small pieces into chunks of at least `size` characters (the last one may be shorter). */
export function* batched(pieces: Iterable<string>, size = CHUNK_CHARS): Generator<string> {
  let buffer: string[] = [];
  let length = 0;
  for (const piece of pieces) {
    buffer.push(piece);
    length += piece.length;
    if (length >= size) {
      yield buffer.join('');
      buffer = [];
      length = 0;
    }
  }
  if (length > 0) yield buffer.join('');
}

/** A byte stream of the pieces, pulled only as fast as the client reads. */
export function streamOf(pieces: Iterable<string>): Readable {
  return Readable.from(batched(pieces), { objectMode: false, encoding: 'utf8' });
}
