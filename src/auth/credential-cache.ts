import { hash, randomBytes } from 'node:crypto';

/**
 * Remembers credentials that argon2 has already verified, so that a manager polling the page pays
 * argon2 (~40 ms of CPU) at most once per window instead of on every request.
 *
 * An entry is a SHA-256 of a key that lives only in this process's memory followed by (account,
 * password, stored hash): the cache never holds a password or anything that could be tested offline
 * against one, and because the stored hash is part of the key, a password change (a new hash)
 * misses the cache by itself — no invalidation message between instances is needed. Only successes
 * are remembered; a wrong password always goes to argon2 (and to the lockout counter).
 *
 * Bounded: at most `maxEntries` fingerprints, the least recently used one leaves first.
 */
export interface CredentialCacheOptions {
  /** How long a verification is trusted; 0 turns the cache off. */
  windowMs: number;
  maxEntries: number;
  /** Clock, for tests. */
  now?: () => number;
  /** The fingerprints' key, for tests; a fresh random key otherwise. */
  key?: Buffer;
}

export class CredentialCache {
  readonly windowMs: number;
  readonly maxEntries: number;
  readonly #now: () => number;
  /** The key as text, the start of every fingerprint's input. */
  readonly #key: string;
  /** fingerprint → time the verification expires; Map order is recency order (oldest first). */
  readonly #entries = new Map<string, number>();

  constructor(options: CredentialCacheOptions) {
    if (!Number.isFinite(options.windowMs) || options.windowMs < 0) throw new RangeError('windowMs must be >= 0');
    if (!Number.isInteger(options.maxEntries) || options.maxEntries < 1) throw new RangeError('maxEntries must be a positive integer');
    this.windowMs = options.windowMs;
    this.maxEntries = options.maxEntries;
    this.#now = options.now ?? Date.now;
    this.#key = (options.key ?? randomBytes(32)).toString('base64url');
  }

  get enabled(): boolean {
    return this.windowMs > 0;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** True when this exact (account, password, stored hash) was verified within the window. */
  isVerified(userId: number, password: string, storedHash: string): boolean {
    if (!this.enabled) return false;
    const fingerprint = this.#fingerprint(userId, password, storedHash);
    const expires = this.#entries.get(fingerprint);
    if (expires === undefined) return false;
    this.#entries.delete(fingerprint);
    if (expires <= this.#now()) return false;
    // Re-insert: the entry becomes the most recently used. Its expiry is NOT extended: argon2 runs
    // again once per window however often the credential is used.
    this.#entries.set(fingerprint, expires);
    return true;
  }

  /** Records a successful argon2 verification. Never call this for a failure. */
  rememberVerified(userId: number, password: string, storedHash: string): void {
    if (!this.enabled) return;
    const fingerprint = this.#fingerprint(userId, password, storedHash);
    this.#entries.delete(fingerprint);
    this.#entries.set(fingerprint, this.#now() + this.windowMs);
    while (this.#entries.size > this.maxEntries) {
      const oldest = this.#entries.keys().next().value as string;
      this.#entries.delete(oldest);
    }
  }

  #fingerprint(userId: number, password: string, storedHash: string): string {
    // The key (43 characters), then an unambiguous string: the user id (digits), the password's
    // length, the password, then the hash. No two different triples give the same input. A keyed
    // hash rather than an HMAC: a fingerprint is only ever compared within this process, never shown,
    // so HMAC's defence against extending a known digest buys nothing here, and crypto.hash is one
    // call where createHmac builds an object: 0.6 µs against 3 µs a request (docs/PERFORMANCE.md).
    return hash('sha256', `${this.#key}${userId}:${password.length}:${password}${storedHash}`, 'base64url');
  }
}
