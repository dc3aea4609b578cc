import type { Database } from '../db/database.ts';

/** A rule as it is set (tasks/sandbox-rule.ts reads it from a form or the command line). */
export interface SandboxRuleInput {
  latencyMs: number;
  /** The ErrorCode to answer with; null: answer normally (after the latency). */
  errorCode: number | null;
  /** How many requests the rule shapes; null: no count. */
  requests: number | null;
  /** For how long the rule holds; null: no time limit. */
  seconds: number | null;
}

/** What a rule did to one request: marked in the journal and the audit log. */
export interface InjectedAnswer {
  latencyMs: number;
  errorCode: number | null;
}

/** A rule in force as the request's read statement finds it (store/request-read.ts). */
export interface SandboxInForce {
  latencyMs: number;
  errorCode: number | null;
  /** The rule counts requests: each one must claim its turn (several instances share the count). */
  counted: boolean;
}

/** A rule is in force while its count (if it has one) is not used up and its time (if it has one) is not over; `s` is the rule's alias. */
export const RULE_IN_FORCE = (s: string) => `(${s}.remaining IS NULL OR ${s}.remaining > 0) AND (${s}.until IS NULL OR ${s}.until > now())`;

/**
 * Sandbox rules in the database (one per account), so that every instance obeys them. The request
 * path reads a rule together with the account (store/request-read.ts); a counted rule's turns are
 * claimed here, one atomic decrement each, so that N means N across instances.
 */
export interface SandboxRow {
  account_id: number;
  login: string;
  latency_ms: number;
  error_code: number | null;
  remaining: number | null;
  until: Date | null;
  set_by: string;
  created_at: Date;
  /** Still shaping requests (not used up, not expired). */
  active: boolean;
}

/** One turn of a counted rule, if any is left: the rule as it stands then. */
export async function claimSandboxTurn(db: Database, accountId: number): Promise<InjectedAnswer | undefined> {
  const rows = await db.query<{ latency_ms: number; error_code: number | null }>(
    `UPDATE sandbox_rule SET remaining = remaining - 1
      WHERE account_id = $1::int AND remaining > 0 AND (until IS NULL OR until > now())
      RETURNING latency_ms, error_code`,
    [accountId],
  );
  const row = rows[0];
  return row && { latencyMs: row.latency_ms, errorCode: row.error_code };
}

/** Sets (replaces) the account's rule. */
export async function setSandboxRule(db: Database, accountId: number, rule: SandboxRuleInput, setBy: string): Promise<void> {
  await db.query(
    `INSERT INTO sandbox_rule (account_id, latency_ms, error_code, remaining, until, set_by, created_at)
     VALUES ($1::int, $2::int, $3::int, $4::int, CASE WHEN $5::int IS NULL THEN NULL ELSE now() + make_interval(secs => $5::int) END, $6, now())
     ON CONFLICT (account_id) DO UPDATE
       SET latency_ms = EXCLUDED.latency_ms, error_code = EXCLUDED.error_code, remaining = EXCLUDED.remaining,
           until = EXCLUDED.until, set_by = EXCLUDED.set_by, created_at = EXCLUDED.created_at`,
    [accountId, rule.latencyMs, rule.errorCode, rule.requests, rule.seconds, setBy],
  );
}

/** Removes the account's rule; true when there was one. */
export async function clearSandboxRule(db: Database, accountId: number): Promise<boolean> {
  const rows = await db.query<{ account_id: number }>('DELETE FROM sandbox_rule WHERE account_id = $1::int RETURNING account_id', [accountId]);
  return rows.length > 0;
}

/**
 * The rules of the accounts at or below `ancestorId` (every rule when undefined: the command line),
 * active ones first.
 */
export async function listSandboxRules(db: Database, ancestorId?: number): Promise<SandboxRow[]> {
  const tree = ancestorId === undefined ? '' : 'JOIN account_closure c ON c.ancestor_id = $1::int AND c.descendant_id = s.account_id';
  return db.query<SandboxRow>(
    `SELECT s.account_id, a.login, s.latency_ms, s.error_code, s.remaining, s.until, s.set_by, s.created_at,
            ${RULE_IN_FORCE('s')} AS active
       FROM sandbox_rule s
       JOIN account a ON a.user_id = s.account_id
       ${tree}
      ORDER BY active DESC, a.login`,
    ancestorId === undefined ? [] : [ancestorId],
  );
}
