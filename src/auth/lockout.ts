import { createHash } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import type { Config } from '../config/config.ts';
import { loginKey } from '../store/login-key.ts';
import type { FailureWrite, LoginFailureStore, StoredFailure } from '../store/login-failures.ts';

/**
 * Brute-force protection: failed logins are counted per login name, in the database, so that every
 * instance sees the same count. From the THRESHOLD-th failure in a row the login is locked for
 * 30 s, then 60 s, 120 s … up to MAX seconds; while it is locked every attempt, the right password
 * too, is answered 101 without being checked. A success resets the count. An unknown login is
 * counted in exactly the same way, so code, message and timing never tell whether a login exists.
 *
 * The limit holds under any concurrency: a password is checked only after a check has been
 * *reserved* on the login's record, atomically and before argon2 runs, and a login may have only as
 * many checks reserved at once as failures it still has before the lock (one after a lockout
 * ended). So no more than THRESHOLD passwords of a login are ever checked within one lockout
 * window, however many requests arrive together and through however many instances. Settling a
 * check (success or failure) releases its reservation. Time is the database's clock, the one clock
 * every instance shares.
 */
export interface LockoutPolicy {
  /** Failures in a row that start the first lockout. */
  threshold: number;
  /** The longest lockout, in seconds. */
  maxSeconds: number;
}

/** The first lockout; each failure after a lockout ended doubles it (up to OMIS_LOCKOUT_MAX_SECONDS). */
export const FIRST_LOCKOUT_SECONDS = 30;

/** A streak of failures is forgotten a day after its last failure (or lockout) ended. */
export const FORGET_AFTER_MS = 24 * 3600 * 1000;

/**
 * How long a reservation counts. Far longer than a check takes (argon2 ~40 ms, even queued behind
 * hundreds of others); it only matters for a process that died between reserving and settling.
 */
export const RESERVATION_MS = 60_000;

/**
 * A request that finds every place of its login taken waits for one: a legitimate burst of
 * requests is then answered from the credential cache once the first checks succeed, while
 * concurrent guesses end up locked. It waits at most this long, then is answered 101.
 */
export const TURN_WAIT_MS = 10_000;

/**
 * How often a waiting request looks again while no check of its login is under way in this instance
 * (another instance holds the places). While one is, the request waits for it to settle instead:
 * most waiters then find the credential verified, and the database is not asked again and again.
 */
const TURN_POLL_MS = [20, 50, 100, 200] as const;

/** The longest a request waits for a check of this instance to settle before it looks again anyway. */
const LOCAL_TURN_MS = 1_000;

/** Share of failed logins that also clear out forgotten records (see LoginLockout.recordFailure). */
const PRUNE_PROBABILITY = 1 / 256;

/** Longer keys are stored hashed: a btree entry must stay small, and text cannot hold NUL. */
const MAX_PLAIN_KEY_LENGTH = 128;

export function lockoutPolicy(config: Pick<Config, 'OMIS_LOCKOUT_THRESHOLD' | 'OMIS_LOCKOUT_MAX_SECONDS'>): LockoutPolicy {
  return { threshold: config.OMIS_LOCKOUT_THRESHOLD, maxSeconds: config.OMIS_LOCKOUT_MAX_SECONDS };
}

/**
 * The row key of a login name: its case-insensitive login key, or a hash of it when it is too long
 * or holds characters PostgreSQL text cannot store. `omis account unlock` computes the same key.
 */
export function failureKey(login: string): string {
  const key = loginKey(login);
  if (key.length <= MAX_PLAIN_KEY_LENGTH && !key.includes('\u0000')) return key;
  return `sha256:${createHash('sha256').update(key, 'utf8').digest('hex')}`;
}

export interface FailureRecord {
  failures: number;
  lastFailureAt: Date;
  lockedUntil: Date | null;
}

/** Length of the lockout that the `failures`-th failure in a row starts (0: none yet). */
export function lockoutSeconds(failures: number, policy: LockoutPolicy): number {
  if (failures < policy.threshold) return 0;
  // Capped exponent: 30 × 2^31 already exceeds any configurable maximum.
  const doublings = Math.min(failures - policy.threshold, 31);
  return Math.min(FIRST_LOCKOUT_SECONDS * 2 ** doublings, policy.maxSeconds);
}

export function isLocked(record: FailureRecord | undefined, now: Date): boolean {
  return record?.lockedUntil != null && record.lockedUntil.getTime() > now.getTime();
}

/** No failure yet, or a streak that ended over a day ago: the next failure starts a new streak. */
function isFresh(record: FailureRecord | undefined, now: Date): boolean {
  if (!record || record.failures === 0) return true;
  const streakEnd = Math.max(record.lastFailureAt.getTime(), record.lockedUntil?.getTime() ?? 0);
  return now.getTime() - streakEnd > FORGET_AFTER_MS;
}

export type FailureOutcome =
  /** The login was already locked (by a concurrent attempt): not counted, answered 101. */
  | { kind: 'already-locked'; record: FailureRecord }
  /** Counted; `lockedSeconds` > 0 when this failure starts a lockout. */
  | { kind: 'counted'; record: FailureRecord; lockedSeconds: number };

/** What one more failed login makes of a login's record (pure; `now` is the database's clock). */
export function nextFailure(previous: FailureRecord | undefined, now: Date, policy: LockoutPolicy): FailureOutcome {
  if (previous && isLocked(previous, now)) return { kind: 'already-locked', record: previous };
  const failures = isFresh(previous, now) ? 1 : previous!.failures + 1;
  const lockedSeconds = lockoutSeconds(failures, policy);
  return {
    kind: 'counted',
    lockedSeconds,
    record: {
      failures,
      lastFailureAt: now,
      lockedUntil: lockedSeconds > 0 ? new Date(now.getTime() + lockedSeconds * 1000) : null,
    },
  };
}

/**
 * How many password checks of a login may be under way at once: none while it is locked; as many
 * as failures remain before the lock; one once a lockout has ended (its failure starts the next).
 */
export function checksAllowed(record: FailureRecord | undefined, now: Date, policy: LockoutPolicy): number {
  if (isLocked(record, now)) return 0;
  if (isFresh(record, now)) return policy.threshold;
  return Math.max(1, policy.threshold - record!.failures);
}

/** Reservations that still count at `now`. */
export function activeReservations(record: StoredFailure, now: Date): number {
  return record.pendingUntil !== null && record.pendingUntil.getTime() > now.getTime() ? record.pending : 0;
}

/** A reserved check; the login is locked; or every place is taken by checks under way. */
export type Turn = 'reserved' | 'locked' | 'busy';

/** Reserves one check when the login allows another one now (pure). */
export function reserveCheck(record: StoredFailure, now: Date, policy: LockoutPolicy): FailureWrite & { result: Turn } {
  if (isLocked(record, now)) return { leave: true, result: 'locked' };
  const active = activeReservations(record, now);
  if (active >= checksAllowed(record, now, policy)) return { leave: true, result: 'busy' };
  return { write: { ...record, pending: active + 1, pendingUntil: new Date(now.getTime() + RESERVATION_MS) }, result: 'reserved' };
}

/** Releases one reservation, if the check that settles held one. */
function released(record: StoredFailure, now: Date, reserved: boolean): Pick<StoredFailure, 'pending' | 'pendingUntil'> {
  const active = activeReservations(record, now);
  const pending = reserved ? Math.max(0, active - 1) : active;
  return { pending, pendingUntil: pending > 0 ? record.pendingUntil : null };
}

/** Settles a failed check: counts it (or not, when a concurrent failure locked the login first). */
export function settleFailure(record: StoredFailure, now: Date, policy: LockoutPolicy): FailureWrite & { result: FailureOutcome } {
  const outcome = nextFailure(record.failures === 0 ? undefined : record, now, policy);
  return { write: { ...record, ...outcome.record, ...released(record, now, true) }, result: outcome };
}

/**
 * Settles a successful check (`reserved`: it held a reservation; a cached credential holds none).
 * The count is reset; false when the login was locked by a concurrent failure meanwhile — that
 * success then comes after the lockout, and is answered 101.
 */
export function settleSuccess(record: StoredFailure, now: Date, reserved: boolean): FailureWrite & { result: boolean } {
  const locked = isLocked(record, now);
  const next = { ...record, failures: locked ? record.failures : 0, ...released(record, now, reserved) };
  if (next.failures === 0 && next.pending === 0) return { delete: true, result: true };
  return { write: next, result: !locked };
}

/** The lockout service: the rules above, applied to the records of LoginFailureStore. */
export class LoginLockout {
  /** Requests of this instance waiting for a place, by login key. */
  readonly #waiting = new Map<string, Set<() => void>>();
  /** Checks under way in this instance, by login key. */
  readonly #checking = new Map<string, number>();

  constructor(
    private readonly store: LoginFailureStore,
    readonly policy: LockoutPolicy,
    private readonly log?: Pick<FastifyBaseLogger, 'warn'>,
  ) {}

  /** Before a password is checked: reserves a place for the check, if the login has one now. */
  async reserve(key: string): Promise<Turn> {
    const turn = await this.store.update(key, (record, now) => reserveCheck(record, now, this.policy));
    if (turn === 'reserved') this.#checking.set(key, (this.#checking.get(key) ?? 0) + 1);
    return turn;
  }

  /**
   * Resolves when a check of this login settles in this instance, or after a short poll interval
   * (`attempt` makes it longer): then it is worth trying to reserve again.
   */
  nextTurn(key: string, attempt: number): Promise<void> {
    return new Promise((resolve) => {
      const waiters = this.#waiting.get(key) ?? new Set<() => void>();
      this.#waiting.set(key, waiters);
      const wake = () => {
        clearTimeout(timer);
        waiters.delete(wake);
        if (waiters.size === 0 && this.#waiting.get(key) === waiters) this.#waiting.delete(key);
        resolve();
      };
      const local = (this.#checking.get(key) ?? 0) > 0;
      const timer = setTimeout(wake, local ? LOCAL_TURN_MS : TURN_POLL_MS[Math.min(attempt, TURN_POLL_MS.length - 1)]);
      waiters.add(wake);
    });
  }

  #settled(key: string): void {
    const checking = (this.#checking.get(key) ?? 1) - 1;
    if (checking > 0) this.#checking.set(key, checking);
    else this.#checking.delete(key);
    for (const wake of [...(this.#waiting.get(key) ?? [])]) wake();
  }

  /**
   * Counts a failed check and releases its reservation. True when the login is now locked (this
   * failure started a lockout, or a concurrent one did first): the attempt is then answered 101.
   */
  async recordFailure(key: string, clientIp?: string): Promise<boolean> {
    let outcome: FailureOutcome;
    try {
      outcome = await this.store.update(key, (record, now) => settleFailure(record, now, this.policy));
    } finally {
      this.#settled(key);
    }
    if (outcome.kind === 'counted' && outcome.lockedSeconds > 0) {
      // The key, not the login as typed: it may be hashed, and a typed login may be a password.
      this.log?.warn(
        { event: 'login-lockout', loginKey: key, failures: outcome.record.failures, lockedSeconds: outcome.lockedSeconds, clientIp },
        'login locked after repeated failures',
      );
    }
    if (Math.random() < PRUNE_PROBABILITY) await this.store.pruneForgotten(1000).catch(() => 0);
    return outcome.kind === 'already-locked' || outcome.lockedSeconds > 0;
  }

  /** Resets the count after a correct password; false when a concurrent failure locked the login meanwhile (101). */
  async recordSuccess(key: string, reserved: boolean): Promise<boolean> {
    try {
      return await this.store.update(key, (record, now) => settleSuccess(record, now, reserved));
    } finally {
      if (reserved) this.#settled(key);
    }
  }

  /** `omis account unlock LOGIN`: forgets the login's failures. True when there was something to forget. */
  unlock(login: string): Promise<boolean> {
    return this.store.clear(failureKey(login));
  }
}
