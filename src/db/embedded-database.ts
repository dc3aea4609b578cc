import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createPglite, openDatabase, type Database } from './database.ts';
import { claimDataDir, describeOwner, ownerAlive, type Claim, type OwnerRecord, type Ownership } from './data-dir-owner.ts';
import { pendingMigrations } from './migrate.ts';
import { servePgliteOnSocket, type PgliteSocketServer } from './pglite-socket-server.ts';

/**
 * Opening the embedded database from a command: as its owner (this process opens the data
 * directory), or as a client of the process that owns it (through that owner's socket, as a
 * PostgreSQL client). Which one is decided by the directory's owner record (data-dir-owner.ts).
 */
export interface EmbeddedDatabase {
  readonly db: Database;
  /** 'owner': this process opened the directory; 'client': it goes through the owner's socket. */
  readonly role: 'owner' | 'client';
  readonly owner: OwnerRecord;
  /**
   * Owner only (a no-op for a client): starts answering other processes on the socket and says so in
   * the owner record. Call once the database is migrated.
   */
  share(): Promise<void>;
}

export interface EmbeddedOptions {
  /** The command opening it, for the owner record and messages ("serve", "account add", …). */
  command: string;
  /** Let other processes in through a socket while this one runs (long-running commands). */
  share: boolean;
  /** When another process already shares the directory: go through its socket, or refuse (a second server). */
  whenShared: 'connect' | 'refuse';
  /** A client refuses an owner that lacks migrations this version has (all but `omis migrate`). */
  requireMigrated: boolean;
  /** How long to wait for a process that holds the directory without sharing it. */
  waitMs?: number;
  /** Told once, in one line, when opening has to wait. */
  onWait?: (message: string) => void;
  /** Failures of PGlite while serving a client. */
  onSocketError?: (error: unknown) => void;
}

/** The directory is in use and this open may not join in: a second server, or an owner with an older schema. */
export class DataDirInUseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DataDirInUseError';
  }
}

export const DEFAULT_WAIT_MS = 60_000;
/** A client waits this long for a connection: the owner may be in a transaction that it waits behind. */
const CLIENT_CONNECT_TIMEOUT_MS = 10_000;
/** How long a closing owner lets a client finish the transaction it is in. */
const CLOSE_GRACE_MS = 5_000;
/** Longest socket path the platforms take (sun_path is 108 bytes on Linux, 104 on macOS, with the NUL). */
const MAX_SOCKET_PATH_BYTES = 103;

export async function openEmbeddedDatabase(dataDir: string, options: EmbeddedOptions): Promise<EmbeddedDatabase> {
  for (let attempt = 1; ; attempt++) {
    const socket = options.share ? socketPathFor(dataDir) : null;
    const claim = await claimFor(dataDir, socket, options);
    if (claim.kind === 'owner') return openOwner(dataDir, claim.ownership, options);
    // Only a private directory made for the socket is this attempt's to remove; the socket in the
    // data directory is the owner's.
    if (socket !== null && !inDataDir(socket, dataDir)) rmSync(path.dirname(socket), { recursive: true, force: true });
    try {
      return await openClient(dataDir, claim.owner, options);
    } catch (error) {
      if (!isSocketGone(error)) throw error;
      // The owner went away between reading its record and connecting: claim again (it is stale now).
      if (attempt < 3 && !(await ownerAlive(claim.owner))) continue;
      throw new DataDirInUseError(
        `${describeOwner(claim.owner)} has the embedded database in ${dataDir} open but does not answer on ` +
          `${claim.owner.socket} (${(error as Error).message})`,
      );
    }
  }
}

function isSocketGone(error: unknown): boolean {
  const code = (error as { code?: string }).code;
  return code === 'ENOENT' || code === 'ECONNREFUSED' || code === 'ECONNRESET';
}

function claimFor(dataDir: string, socket: string | null, options: EmbeddedOptions): Promise<Claim> {
  return claimDataDir(dataDir, {
    command: options.command,
    socket,
    waitMs: options.waitMs ?? DEFAULT_WAIT_MS,
    sharedEarly: options.whenShared === 'refuse',
    onWait: (owner) =>
      options.onWait?.(
        owner.socket === null
          ? `waiting for ${describeOwner(owner)} to finish with the embedded database in ${dataDir}`
          : `waiting for ${describeOwner(owner)} to open the embedded database in ${dataDir}`,
      ),
  });
}

/**
 * The socket goes in the data directory (`socket/.s.PGSQL.5432`, the name PostgreSQL clients look
 * for), in a directory only this user may enter. A data directory too deep for a socket path gets a
 * private directory under the system's temporary directory instead; the owner record says where.
 */
export function socketPathFor(dataDir: string): string {
  const inDataDir = path.join(path.resolve(dataDir), 'socket', '.s.PGSQL.5432');
  if (Buffer.byteLength(inDataDir) <= MAX_SOCKET_PATH_BYTES) return inDataDir;
  return path.join(mkdtempSync(path.join(os.tmpdir(), 'omis-')), '.s.PGSQL.5432');
}

async function openOwner(dataDir: string, ownership: Ownership, options: EmbeddedOptions): Promise<EmbeddedDatabase> {
  let db: Database;
  try {
    const pglite = await createPglite(dataDir);
    db = await openDatabase({ pglite });
    let server: PgliteSocketServer | undefined;
    const close = db.close;
    return {
      role: 'owner',
      owner: ownership.record,
      db: {
        ...db,
        async close() {
          try {
            await server?.close(CLOSE_GRACE_MS);
            await close();
          } finally {
            removeSocketDir(ownership.record.socket, dataDir);
            ownership.release();
          }
        },
      },
      async share() {
        const socket = ownership.record.socket;
        if (socket === null || server) return;
        mkdirSync(path.dirname(socket), { recursive: true, mode: 0o700 });
        chmodSync(path.dirname(socket), 0o700);
        // A socket left by an owner that was killed; this process owns the directory now.
        rmSync(socket, { force: true });
        server = await servePgliteOnSocket(pglite, socket, { onError: options.onSocketError });
        ownership.markReady();
      },
    };
  } catch (error) {
    ownership.release();
    throw error;
  }
}

/** The owner's socket goes; so does the private directory made for one outside the data directory. */
function removeSocketDir(socket: string | null, dataDir: string): void {
  if (socket === null) return;
  if (inDataDir(socket, dataDir)) rmSync(socket, { force: true });
  else rmSync(path.dirname(socket), { recursive: true, force: true });
}

function inDataDir(socket: string, dataDir: string): boolean {
  return socket.startsWith(path.resolve(dataDir) + path.sep);
}

async function openClient(dataDir: string, owner: OwnerRecord, options: EmbeddedOptions): Promise<EmbeddedDatabase> {
  if (options.whenShared === 'refuse') {
    throw new DataDirInUseError(
      `the embedded database in ${dataDir} is in use by ${describeOwner(owner)}; stop it first, or set OMIS_DATA_DIR to use another directory`,
    );
  }
  const db = await openDatabase({ databaseUrl: socketUrl(owner.socket!), poolSize: 4, connectTimeoutMs: CLIENT_CONNECT_TIMEOUT_MS });
  try {
    await db.query('SELECT 1');
    if (options.requireMigrated) {
      const pending = await pendingMigrations(db);
      if (pending.length > 0) {
        throw new DataDirInUseError(
          `${describeOwner(owner)}, which has the embedded database in ${dataDir} open, lacks ${pending.length} migration(s) ` +
            `of this version (${pending[0]}…); restart it, or run 'omis migrate'`,
        );
      }
    }
  } catch (error) {
    await db.close();
    throw error;
  }
  return { role: 'client', owner, db, share: async () => {} };
}

/** A PostgreSQL URL for a Unix socket: the host is the socket's directory (node-postgres adds `.s.PGSQL.5432`). */
export function socketUrl(socket: string): string {
  return `postgresql://postgres@localhost/postgres?host=${encodeURIComponent(path.dirname(socket))}`;
}
