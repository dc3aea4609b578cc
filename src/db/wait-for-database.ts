import { setTimeout as sleep } from 'node:timers/promises';
import type { Database } from './database.ts';

/**
 * Start-up with the database down: `omis serve` waits for PostgreSQL, retrying with a
 * one-line message each time, instead of dying with a driver's stack trace — a container
 * orchestrator often starts the server before its database. Errors that waiting cannot cure (a
 * wrong password, a missing database) end the wait at once with a clear message.
 */
export class DatabaseUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DatabaseUnavailableError';
  }
}

/** Delays between attempts; the last one repeats. */
export const RETRY_DELAYS_MS = [500, 1000, 2000, 5000] as const;

/** Network errors, and PostgreSQL still starting, shutting down or full: worth waiting for. */
const TRANSIENT_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  '57P01', // admin_shutdown
  '57P03', // cannot_connect_now (starting up)
  '53300', // too_many_connections
]);

const TRANSIENT_MESSAGES = [/timeout exceeded when trying to connect/i, /connection terminated/i, /Connection terminated unexpectedly/i];

/** What Prisma's driver adapters report (meta.driverAdapterError.cause.kind) for the same faults. */
const TRANSIENT_KINDS = new Set(['DatabaseNotReachable', 'SocketTimeout', 'ConnectionClosed', 'TooManyConnections']);

interface Cause {
  code?: string;
  message?: string;
  kind?: string;
  host?: string;
  port?: number;
}

/**
 * The causes of an error: itself, its `errors` (AggregateError: every address of a host), its
 * `cause`, and a Prisma error's driver adapter error.
 */
function causes(error: unknown): Cause[] {
  if (typeof error !== 'object' || error === null) return [{ message: String(error) }];
  const e = error as Cause & { errors?: unknown[]; cause?: unknown; meta?: { driverAdapterError?: unknown } };
  return [
    e,
    ...(e.errors ?? []).flatMap(causes),
    ...(e.cause ? causes(e.cause) : []),
    ...(e.meta?.driverAdapterError ? causes(e.meta.driverAdapterError) : []),
  ];
}

export function isTransientDatabaseError(error: unknown): boolean {
  return causes(error).some(
    (c) =>
      (c.code !== undefined && TRANSIENT_CODES.has(c.code)) ||
      (c.kind !== undefined && TRANSIENT_KINDS.has(c.kind)) ||
      TRANSIENT_MESSAGES.some((re) => re.test(c.message ?? '')),
  );
}

/**
 * One line for the log: the driver's own words where there are any (an AggregateError's message
 * is empty; a Prisma error's first lines name the calling code, not the fault).
 */
export function describeDatabaseError(error: unknown): string {
  const all = causes(error);
  const adapter = all.find((c) => c.kind !== undefined);
  if (adapter?.kind === 'DatabaseNotReachable') return `can't reach the database server at ${adapter.host}:${adapter.port}`;
  if (adapter) return adapter.message ? `${adapter.kind}: ${adapter.message}` : adapter.kind!;
  const said = all.find((c) => c.message && c.message.trim() !== '');
  return said?.message?.trim().split('\n')[0] ?? String((error as { code?: string })?.code ?? error);
}

export interface WaitOptions {
  /** Told of every failed attempt, with the delay before the next. */
  onRetry: (message: string, attempt: number) => void;
  delaysMs?: readonly number[];
  signal?: AbortSignal;
}

export async function waitForDatabase(db: Database, options: WaitOptions): Promise<void> {
  const delays = options.delaysMs ?? RETRY_DELAYS_MS;
  for (let attempt = 1; ; attempt++) {
    try {
      await db.ping();
      return;
    } catch (error) {
      if (!isTransientDatabaseError(error)) {
        throw new DatabaseUnavailableError(`database refused the connection: ${describeDatabaseError(error)}`);
      }
      const delay = delays[Math.min(attempt - 1, delays.length - 1)]!;
      options.onRetry(`database not reachable (${describeDatabaseError(error)}); retrying in ${delay / 1000} s`, attempt);
      await sleep(delay, undefined, { signal: options.signal });
    }
  }
}
