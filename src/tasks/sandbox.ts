import { setTimeout as sleep } from 'node:timers/promises';
import type { Database } from '../db/database.ts';
import { claimSandboxTurn, type SandboxInForce } from '../store/sandbox.ts';
import type { InjectedAnswer } from './sandbox-rule.ts';

/**
 * Applies the account's sandbox rule to one request, after authentication: waits the rule's latency
 * and returns what it injected (the caller answers its ErrorCode, if it has one). A counted rule
 * first claims a turn, so that across instances exactly N requests are shaped; when the last turn
 * went to another request meanwhile, this one is answered normally.
 */
export async function applySandbox(db: Database, accountId: number, rule: SandboxInForce): Promise<InjectedAnswer | undefined> {
  const shaped = rule.counted ? await claimSandboxTurn(db, accountId) : { latencyMs: rule.latencyMs, errorCode: rule.errorCode };
  if (!shaped) return undefined;
  if (shaped.latencyMs > 0) await sleep(shaped.latencyMs);
  return shaped;
}
