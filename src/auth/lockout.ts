import { createHash } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import type { PrismaClient } from '../generated/prisma/client.ts';
import type { Config } from '../config/config.ts';
import { loginKey } from '../accounts/login-key.ts';

/**
 * Brute-force protection (issue 7): failed logins are counted per login name in the `login_failure`
 * table, so that every instance on one database sees the same count. From the THRESHOLD-th failure
 * in a row, the login is locked for 30 s, then 60 s, 120 s … up to MAX seconds; while it is locked every
 * attempt, with the right password too, is answered 101 without being counted. A success resets
 * the count. An unknown login is counted in exactly the same way, so code, message and timing never
 * tell whether a login exists. Time is the database's clock, the one thing all instances share.
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

/** Share of failed logins that also clear out forgotten records (see pruneForgottenFailures). */
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

export type FailureOutcome =
  /** The login was already locked (by a concurrent attempt): not counted, answered 101. */
  | { kind: 'already-locked'; record: FailureRecord }
  /** Counted; `lockedSeconds` > 0 when this failure starts a lockout. */
  | { kind: 'counted'; record: FailureRecord; lockedSeconds: number };

/** What one more failed login makes of a login's record (pure; `now` is the database's clock). */
export function nextFailure(previous: FailureRecord | undefined, now: Date, policy: LockoutPolicy): FailureOutcome {
  if (previous && isLocked(previous, now)) return { kind: 'already-locked', record: previous };
  const streakEnd = previous ? Math.max(previous.lastFailureAt.getTime(), previous.lockedUntil?.getTime() ?? 0) : 0;
  const forgotten = !previous || now.getTime() - streakEnd > FORGET_AFTER_MS;
  const failures = forgotten ? 1 : previous.failures + 1;
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

/** What `check` found, handed back to `recordFailure` / `recordSuccess` of the same attempt. */
export interface LockoutCheck {
  key: string;
  locked: boolean;
  /** Whether the login had a failure record (a success then has something to reset). */
  hadRecord: boolean;
}

interface Row {
  failures: number;
  last_failure_at: Date;
  locked_until: Date | null;
  now: Date;
}

const toRecord = (row: Row): FailureRecord => ({
  failures: row.failures,
  lastFailureAt: row.last_failure_at,
  lockedUntil: row.locked_until,
});

export class LoginLockout {
  constructor(
    private readonly prisma: PrismaClient,
    readonly policy: LockoutPolicy,
    private readonly log?: FastifyBaseLogger,
  ) {}

  /** Before the password is looked at: one indexed read, the same for known and unknown logins. */
  async check(login: string): Promise<LockoutCheck> {
    const key = failureKey(login);
    const locked = await this.lockedByKey(key);
    return { key, locked: locked === true, hadRecord: locked !== undefined };
  }

  /** undefined when the key has no record. */
  private async lockedByKey(key: string): Promise<boolean | undefined> {
    const rows = await this.prisma.$queryRaw<Array<{ locked: boolean }>>`
      SELECT (locked_until IS NOT NULL AND locked_until > now()) AS locked
        FROM login_failure WHERE login_key = ${key}`;
    return rows[0]?.locked;
  }

  /**
   * Counts a failed login. True when the login is now locked (this failure started a lockout, or a
   * concurrent one did first): the attempt is then answered 101. The row is locked FOR UPDATE so
   * that concurrent failures through any instance count as some serial order would.
   */
  async recordFailure(check: LockoutCheck, clientIp?: string): Promise<boolean> {
    const outcome = await this.prisma.$transaction(async (tx) => {
      await tx.$executeRaw`
        INSERT INTO login_failure (login_key, failures, last_failure_at) VALUES (${check.key}, 0, now())
        ON CONFLICT (login_key) DO NOTHING`;
      const [row] = await tx.$queryRaw<Row[]>`
        SELECT failures, last_failure_at, locked_until, now() AS now
          FROM login_failure WHERE login_key = ${check.key} FOR UPDATE`;
      // A row inserted just now holds failures = 0, which nextFailure counts from.
      const result = nextFailure(row!.failures === 0 ? undefined : toRecord(row!), row!.now, this.policy);
      if (result.kind === 'counted') {
        await tx.$executeRaw`
          UPDATE login_failure
             SET failures = ${result.record.failures}, last_failure_at = ${result.record.lastFailureAt},
                 locked_until = ${result.record.lockedUntil}
           WHERE login_key = ${check.key}`;
      }
      return result;
    });
    if (outcome.kind === 'counted' && outcome.lockedSeconds > 0) {
      // The key, not the login as typed: it may be hashed, and a typed login may be a password.
      this.log?.warn(
        { event: 'login-lockout', loginKey: check.key, failures: outcome.record.failures, lockedSeconds: outcome.lockedSeconds, clientIp },
        'login locked out after repeated failures',
      );
    }
    // Cheap enough to run now and then on the failure path, rare enough not to matter.
    if (Math.random() < PRUNE_PROBABILITY) await pruneForgottenFailures(this.prisma).catch(() => 0);
    return outcome.kind === 'already-locked' || outcome.lockedSeconds > 0;
  }

  /**
   * Resets the count after a correct password. False when a concurrent failure locked the login in
   * the meantime: that success then comes after the lockout, and is answered 101.
   */
  async recordSuccess(check: LockoutCheck): Promise<boolean> {
    if (!check.hadRecord) return true;
    const deleted = await this.prisma.$executeRaw`
      DELETE FROM login_failure
       WHERE login_key = ${check.key} AND (locked_until IS NULL OR locked_until <= now())`;
    // Nothing deleted: another success reset it first (fine), or a failure locked it meanwhile.
    return deleted > 0 || (await this.lockedByKey(check.key)) !== true;
  }
}

/** `omis account unlock LOGIN`: forgets a login's failures. True when there was something to forget. */
export async function unlockLogin(prisma: PrismaClient, login: string): Promise<boolean> {
  const deleted = await prisma.$executeRaw`DELETE FROM login_failure WHERE login_key = ${failureKey(login)}`;
  return deleted > 0;
}

/**
 * Removes failure records of streaks that are over and forgotten; each distinct failing login name
 * (known or not) leaves a row, so a spray of made-up names would otherwise grow the table forever.
 */
export async function pruneForgottenFailures(prisma: PrismaClient, limit = 1000): Promise<number> {
  // The interval is FORGET_AFTER_MS.
  return prisma.$executeRaw`
    DELETE FROM login_failure WHERE login_key IN (
      SELECT login_key FROM login_failure
       WHERE GREATEST(last_failure_at, COALESCE(locked_until, last_failure_at)) < now() - interval '1 day'
       LIMIT ${limit})`;
}
