import argon2 from 'argon2';

/**
 * Password storage: argon2id at OWASP's minimum (m=19456 KiB, t=2, p=1). Stronger settings cost
 * 4x the time on every uncached login with no benefit these deployments asked for.
 */
export const ARGON2_OPTIONS = { type: argon2.argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, ARGON2_OPTIONS);
}

/** Checks passwords against stored hashes, and tells `onVerify` how long each check took (the metrics). */
export class PasswordChecker {
  #dummyHash: Promise<string> | undefined;

  constructor(private readonly onVerify: (seconds: number) => void = () => {}) {}

  /** False for a wrong password and for a malformed stored hash alike. */
  async verify(hash: string, password: string): Promise<boolean> {
    const started = process.hrtime.bigint();
    try {
      return await argon2.verify(hash, password);
    } catch {
      return false;
    } finally {
      this.onVerify(Number(process.hrtime.bigint() - started) / 1e9);
    }
  }

  /**
   * Verifies against a throwaway hash made with the same parameters, so that an unknown login costs
   * what a wrong password costs and cannot be told apart by timing.
   */
  async burn(password: string): Promise<false> {
    this.#dummyHash ??= hashPassword('omis-dummy-password-for-timing');
    await this.verify(await this.#dummyHash, password);
    return false;
  }
}
