import { randomUUID } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Who has an embedded data directory open. PGlite keeps the whole database in the memory of the one
 * process that opened it and writes it back on its own schedule: a second process opening the same
 * directory works on a copy of its own, and one of the two loses its writes (or PGlite aborts). So
 * exactly one process, the owner, opens a directory; it says so in `owner.json` there, and a
 * long-running owner (serve, simulate) lets other processes in through a socket.
 *
 * The record is created atomically (a complete temporary file hard-linked into place, which fails
 * when one exists) and replaced atomically (rename). A record whose process is gone is stale: the
 * next claimant moves it aside and takes the directory. An owner is alive while its socket answers
 * (which holds across containers sharing the directory as a volume) or, on the same host, while its
 * process runs.
 */
export const OWNER_FILE = 'owner.json';

export interface OwnerRecord {
  pid: number;
  /** The host name: a PID means something only on the host (container) that wrote it. */
  host: string;
  /** This claim's own identity: tells a record from a later one at the same path. */
  token: string;
  /** The command that opened the directory, for messages ("serve", "account add", …). */
  command: string;
  /** The socket on which the owner lets others in, or null when it keeps the directory to itself. */
  socket: string | null;
  /** True once the socket answers. */
  ready: boolean;
  startedAt: string;
  /**
   * Linux: when the process started (field 22 of /proc/PID/stat) and the kernel's boot id, so that a
   * PID reused after a crash or reboot (a container's PID 1, every time) is not taken for the owner.
   */
  procStart: string | null;
  bootId: string | null;
}

/** The directory is held by a process that does not share it, and did not let go in time. */
export class DataDirBusyError extends Error {
  constructor(
    readonly dataDir: string,
    readonly owner: OwnerRecord,
  ) {
    super(
      `the embedded database in ${dataDir} is still in use by ${describeOwner(owner)}; try again when it has finished` +
        (owner.host === os.hostname() ? '' : ` (if no such process runs there any more, delete ${path.join(dataDir, OWNER_FILE)})`),
    );
    this.name = 'DataDirBusyError';
  }
}

export function describeOwner(owner: Pick<OwnerRecord, 'command' | 'pid' | 'host'>): string {
  return `omis ${owner.command} (pid ${owner.pid}${owner.host === os.hostname() ? '' : ` on host ${owner.host}`})`;
}

export interface Ownership {
  readonly record: OwnerRecord;
  /** Marks the socket as answering (the record is replaced atomically). */
  markReady(): void;
  /** Removes the record if it is still this claim's. Safe to call twice. */
  release(): void;
}

export type Claim = { kind: 'owner'; ownership: Ownership } | { kind: 'shared'; owner: OwnerRecord };

export interface ClaimOptions {
  command: string;
  /** The socket this process will share the directory on, or null to keep it to itself. */
  socket: string | null;
  /**
   * How long to wait for an owner that does not share the directory (a short command) to let go,
   * or for a sharing owner's socket to come up. 0: do not wait.
   */
  waitMs: number;
  /** Return a sharing owner at once, even before its socket is up (a second server refuses anyway). */
  sharedEarly?: boolean;
  /** Told once when the claim has to wait. */
  onWait?: (owner: OwnerRecord) => void;
}

const POLL_MS = 100;

/**
 * Takes the directory, or finds the live owner that shares it. Waits (up to `waitMs`) while a live
 * owner holds it without sharing it, then throws DataDirBusyError.
 */
export async function claimDataDir(dataDir: string, options: ClaimOptions): Promise<Claim> {
  const dir = path.resolve(dataDir);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = path.join(dir, OWNER_FILE);
  const deadline = Date.now() + options.waitMs;
  let told = false;
  for (;;) {
    const record = newRecord(options.command, options.socket);
    if (createExclusive(file, record)) return { kind: 'owner', ownership: ownership(file, record) };
    const found = readRecord(file);
    if (found === 'missing') continue;
    if (found === 'being-written') {
      await sleep(POLL_MS);
      continue;
    }
    if (found === 'unreadable' || !(await ownerAlive(found))) {
      moveAsideIfStill(file, found === 'unreadable' ? undefined : found.token);
      continue;
    }
    if (found.socket !== null && (found.ready || options.sharedEarly)) return { kind: 'shared', owner: found };
    if (Date.now() >= deadline) throw new DataDirBusyError(dataDir, found);
    if (!told) {
      told = true;
      options.onWait?.(found);
    }
    await sleep(POLL_MS);
  }
}

/** The live owner of a directory, if there is one (for tests and tools; nothing is changed). */
export async function currentOwner(dataDir: string): Promise<OwnerRecord | undefined> {
  const found = readRecord(path.join(path.resolve(dataDir), OWNER_FILE));
  return typeof found === 'object' && (await ownerAlive(found)) ? found : undefined;
}

function newRecord(command: string, socket: string | null): OwnerRecord {
  return {
    pid: process.pid,
    host: os.hostname(),
    token: randomUUID(),
    command,
    socket,
    ready: false,
    startedAt: new Date().toISOString(),
    procStart: processStart(process.pid),
    bootId: bootId(),
  };
}

/** Writes the record under a temporary name, then links it into place: it appears complete or not at all. */
function createExclusive(file: string, record: OwnerRecord): boolean {
  const temporary = `${file}.${record.token}.tmp`;
  writeFileSync(temporary, JSON.stringify(record), { mode: 0o600 });
  try {
    linkSync(temporary, file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    // A file system without hard links: an exclusive create, whose content a reader may briefly
    // find empty (readRecord then waits for it).
    try {
      writeFileSync(file, JSON.stringify(record), { flag: 'wx', mode: 0o600 });
      return true;
    } catch (inner) {
      if ((inner as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw inner;
    }
  } finally {
    unlinkSync(temporary);
  }
}

/** A record being written by the non-link fallback is given this long before it counts as garbage. */
const UNREADABLE_GRACE_MS = 2_000;
const firstSeenUnreadable = new Map<string, number>();

function readRecord(file: string): OwnerRecord | 'missing' | 'being-written' | 'unreadable' {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
    throw error;
  }
  const record = parseRecord(text);
  if (record) {
    firstSeenUnreadable.delete(file);
    return record;
  }
  const since = firstSeenUnreadable.get(file) ?? Date.now();
  firstSeenUnreadable.set(file, since);
  if (Date.now() - since < UNREADABLE_GRACE_MS) return 'being-written';
  firstSeenUnreadable.delete(file);
  return 'unreadable';
}

function parseRecord(text: string): OwnerRecord | undefined {
  try {
    const value = JSON.parse(text) as Partial<OwnerRecord>;
    if (typeof value.pid !== 'number' || typeof value.token !== 'string' || typeof value.command !== 'string') return undefined;
    return {
      pid: value.pid,
      host: typeof value.host === 'string' ? value.host : os.hostname(),
      token: value.token,
      command: value.command,
      socket: typeof value.socket === 'string' ? value.socket : null,
      ready: value.ready === true,
      startedAt: String(value.startedAt ?? ''),
      procStart: typeof value.procStart === 'string' ? value.procStart : null,
      bootId: typeof value.bootId === 'string' ? value.bootId : null,
    };
  } catch {
    return undefined;
  }
}

/**
 * Moves a stale record out of the way. Two claimants may find the same stale record: the one that
 * renamed away a record that turns out to be someone's fresh one puts it back.
 */
function moveAsideIfStill(file: string, staleToken: string | undefined): void {
  const aside = `${file}.${randomUUID()}.stale`;
  try {
    renameSync(file, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  try {
    const moved = parseRecord(readFileSync(aside, 'utf8'));
    if (moved && moved.token !== staleToken) {
      try {
        linkSync(aside, file);
      } catch {
        // Yet another record took the place meanwhile; the one moved aside has lost its claim and
        // its owner will find that out when it releases (nothing is removed that is not its own).
      }
    }
  } finally {
    unlinkSync(aside);
  }
}

function ownership(file: string, record: OwnerRecord): Ownership {
  let current = record;
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    process.removeListener('exit', release);
    const found = readRecord(file);
    if (typeof found === 'object' && found.token === record.token) {
      try {
        unlinkSync(file);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
    }
  };
  // A process that exits without closing (process.exit, a fatal error) still leaves no record behind;
  // one killed outright does, and the next claimant finds it stale.
  process.on('exit', release);
  return {
    get record() {
      return current;
    },
    markReady() {
      current = { ...current, ready: true };
      const temporary = `${file}.${record.token}.tmp`;
      writeFileSync(temporary, JSON.stringify(current), { mode: 0o600 });
      renameSync(temporary, file);
    },
    release,
  };
}

/**
 * Whether the owner a record names is still there: its socket answers, or — on this host, where its
 * PID means something — its process runs (and is the same process, not a reused PID). On another
 * host (another container on the same volume) only the socket can tell, so an owner there that
 * shares nothing counts as alive.
 */
export async function ownerAlive(record: OwnerRecord): Promise<boolean> {
  if (record.socket !== null && record.ready && (await socketAnswers(record.socket))) return true;
  if (record.host !== os.hostname()) return !(record.socket !== null && record.ready);
  return processAlive(record);
}

function processAlive(record: Pick<OwnerRecord, 'pid' | 'procStart' | 'bootId'>): boolean {
  const boot = bootId();
  if (record.bootId && boot && record.bootId !== boot) return false;
  if (record.procStart && processStart(process.pid) !== null) return processStart(record.pid) === record.procStart;
  try {
    process.kill(record.pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Whether something accepts connections on the socket (a stale socket file refuses them). */
function socketAnswers(socket: string): Promise<boolean> {
  return new Promise((resolve) => {
    const connection = net.connect(socket);
    const done = (answered: boolean) => {
      connection.destroy();
      resolve(answered);
    };
    connection.setTimeout(2_000, () => done(false));
    connection.once('connect', () => done(true));
    connection.once('error', () => done(false));
  });
}

/** Field 22 of /proc/PID/stat (start time in clock ticks after boot), or null without /proc or process. */
function processStart(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may itself contain spaces and parentheses.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19] ?? null;
  } catch {
    return null;
  }
}

let cachedBootId: string | null | undefined;
function bootId(): string | null {
  if (cachedBootId === undefined) {
    try {
      cachedBootId = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() || null;
    } catch {
      cachedBootId = null;
    }
  }
  return cachedBootId;
}
