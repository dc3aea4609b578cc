import argon2 from 'argon2';

/**
 * Password storage: argon2id at OWASP's minimum (m=19456 KiB, t=2, p=1). Stronger settings cost
 * 4x the time on every uncached login with no benefit these deployments asked for.
 */
export const ARGON2_OPTIONS = { type: argon2.argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, ARGON2_OPTIONS);
}

type VerifyTimeListener = (seconds: number) => void;
const verifyTimeListeners = new Set<VerifyTimeListener>();

/** Hears how long each verification took (metrics: metrics/process-metrics.ts). Returns an unsubscribe. */
export function observeVerifyTime(listener: VerifyTimeListener): () => void {
  verifyTimeListeners.add(listener);
  return () => verifyTimeListeners.delete(listener);
}

/** False for a wrong password and for a malformed stored hash alike. */
export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  const started = process.hrtime.bigint();
  try {
    return await argon2.verify(hash, password);
  } catch {
    return false;
  } finally {
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    for (const listener of verifyTimeListeners) listener(seconds);
  }
}

let dummyHash: Promise<string> | undefined;

/**
 * Verifies against a throwaway hash so that an unknown login costs what a wrong password costs
 * and cannot be told apart by timing.
 */
export async function burnVerifyTime(password: string): Promise<false> {
  dummyHash ??= hashPassword('omis-dummy-password-for-timing');
  await verifyPassword(await dummyHash, password);
  return false;
}
