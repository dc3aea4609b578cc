import { chmodSync } from 'node:fs';
import net from 'node:net';
import type { PGlite } from '@electric-sql/pglite';
import { CANCEL_REQUEST, endsIdle, errorResponse, GSSENC_REQUEST, PROTOCOL_3, queryMessage, SSL_REQUEST, SYNC, TERMINATE, UNIT_ENDS } from './pg-wire.ts';

/**
 * The embedded database, served to other processes on a Unix socket in the PostgreSQL wire protocol,
 * so that `omis account …` beside a running server is an ordinary PostgreSQL client of the one
 * process that owns the data (src/db/data-dir-owner.ts).
 *
 * PGlite itself speaks the protocol: each client message goes to it whole and its answer comes back
 * as it is. What this adds is the one thing PGlite cannot know: that there are several sessions.
 * PGlite is one session, shared by the server's own requests and every client. So a client holds
 * the whole database from its first message until PGlite says it is idle again (ReadyForQuery 'I')
 * — one statement, or a whole transaction — and everyone else, the server's own queries included,
 * waits for that (they share PGlite's transaction lock). Nothing interleaves with a transaction;
 * no transaction of the server's lets a client in between its statements.
 *
 * @electric-sql/pglite-socket 0.1.3 (the release made for PGlite 0.4.3) serves a PGlite the same
 * way, but takes only PGlite's per-statement lock: a server transaction that runs while a client's
 * transaction is open commits the client's half-done work. Hence this relay.
 */
export interface SocketServerOptions {
  /**
   * A client that holds the database inside a transaction and sends nothing for this long is
   * disconnected and its transaction rolled back, so a stalled client cannot stop the server.
   */
  idleInTransactionMs?: number;
  /** Connections beyond this are refused with SQLSTATE 53300 (too many connections). */
  maxConnections?: number;
  /** Failures of PGlite itself while serving a client (the client is disconnected). */
  onError?: (error: unknown) => void;
}

export interface PgliteSocketServer {
  readonly path: string;
  /** Open client connections. */
  connections(): number;
  /**
   * Stops accepting clients; idle clients are disconnected at once, a client inside a transaction
   * may finish it for up to `graceMs`, then it is disconnected and its transaction rolled back.
   */
  close(graceMs?: number): Promise<void>;
}

export const IDLE_IN_TRANSACTION_MS = 5_000;
export const MAX_CONNECTIONS = 32;

/** Bigger messages than this are not a client of ours: the connection is refused. */
const MAX_MESSAGE_BYTES = 256 * 1024 * 1024;

export async function servePgliteOnSocket(pglite: PGlite, socketPath: string, options: SocketServerOptions = {}): Promise<PgliteSocketServer> {
  const sessions = new Set<Session>();
  const settings = {
    idleInTransactionMs: options.idleInTransactionMs ?? IDLE_IN_TRANSACTION_MS,
    onError: options.onError ?? (() => {}),
    closing: false,
  };
  const maxConnections = options.maxConnections ?? MAX_CONNECTIONS;
  const server = net.createServer((socket) => {
    if (settings.closing || sessions.size >= maxConnections) {
      const [code, text] = settings.closing ? ['57P01', 'the server is shutting down'] : ['53300', 'sorry, too many clients already'];
      refuse(socket, code, text);
      return;
    }
    const session = new Session(pglite, socket, settings);
    sessions.add(session);
    session.closed.then(() => sessions.delete(session));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => {
      server.removeListener('error', reject);
      resolve();
    });
  });
  // The directory (0700) already keeps other users out; this says the same on the socket itself.
  chmodSync(socketPath, 0o600);
  return {
    path: socketPath,
    connections: () => sessions.size,
    async close(graceMs = 5_000) {
      settings.closing = true;
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const session of sessions) session.shutDown();
      const all = Promise.all([...sessions].map((session) => session.closed));
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), graceMs)));
      if ((await Promise.race([all, late])) === 'late') for (const session of sessions) session.terminate('57P01', 'terminating connection due to administrator command');
      clearTimeout(timer);
      await all;
      await stopped;
    },
  };
}

interface Settings {
  idleInTransactionMs: number;
  onError: (error: unknown) => void;
  closing: boolean;
}

/** One client connection: frames its messages and runs them on PGlite while holding the database. */
class Session {
  private buffer: Buffer = Buffer.alloc(0);
  private started = false;
  private release: (() => void) | undefined;
  /** Messages are run one batch after another, never two at once. */
  private queue: Promise<void> = Promise.resolve();
  private idleTimer: NodeJS.Timeout | undefined;
  private ended = false;
  private finished!: () => void;
  readonly closed = new Promise<void>((resolve) => (this.finished = resolve));

  constructor(
    private readonly pglite: PGlite,
    private readonly socket: net.Socket,
    private readonly settings: Settings,
  ) {
    socket.on('data', (chunk: Buffer) => {
      this.clearIdleTimer();
      this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
      this.enqueue(() => this.pump());
    });
    socket.on('error', () => {});
    socket.on('close', () => this.end());
  }

  /** The server is closing: an idle client goes now, one inside a transaction when it leaves it. */
  shutDown(): void {
    if (!this.release) this.terminate('57P01', 'terminating connection due to administrator command');
  }

  /** Disconnects with a FATAL error; a transaction in progress is rolled back. */
  terminate(code: string, message: string): void {
    if (this.ended) return;
    refuse(this.socket, code, message);
    this.end();
  }

  private enqueue(work: () => Promise<void>): void {
    this.queue = this.queue.then(work).catch((error: unknown) => {
      this.settings.onError(error);
      this.socket.destroy();
      if (this.ended) this.letGo();
      else this.end();
    });
  }

  /** Runs every complete message buffered so far, as one batch. */
  private async pump(): Promise<void> {
    if (this.ended) return;
    // Working for the client, not waiting on it: a long statement is not idleness.
    this.clearIdleTimer();
    const batch: Buffer[] = [];
    let endsUnit = false;
    let terminate = false;
    while (!terminate) {
      const message = this.nextMessage();
      if (message === undefined) break;
      if (message === 'answered') continue;
      if (message === 'refused') return;
      if (!this.started) {
        // The startup message is run on its own: PGlite answers it with its own call.
        this.started = true;
        await this.run([message], true);
        continue;
      }
      if (message[0] === TERMINATE) terminate = true;
      else {
        batch.push(message);
        endsUnit = UNIT_ENDS.has(message[0]!);
      }
    }
    if (batch.length > 0) await this.run(batch, endsUnit);
    if (terminate) {
      this.socket.end();
      this.end();
    } else if (this.release) {
      // Holding the database with nothing (or half a message) to run: waiting on the client.
      this.startIdleTimer();
    }
  }

  /** The next whole message, or undefined when more bytes are needed. Answers SSL and cancel requests itself. */
  private nextMessage(): Buffer | 'answered' | 'refused' | undefined {
    if (!this.started) {
      if (this.buffer.length < 8) return undefined;
      const length = this.buffer.readInt32BE(0);
      const code = this.buffer.readInt32BE(4);
      if (length < 8 || length > 10_000) return this.refuse('invalid startup packet length');
      if (this.buffer.length < length) return undefined;
      const message = this.take(length);
      if (code === SSL_REQUEST || code === GSSENC_REQUEST) {
        // A local socket needs no encryption: "N", go on in plain text.
        this.socket.write('N');
        return 'answered';
      }
      if (code === CANCEL_REQUEST) {
        // Nothing here runs long enough to be worth cancelling from outside.
        this.socket.destroy();
        this.end();
        return 'refused';
      }
      if (code !== PROTOCOL_3) return this.refuse('unsupported frontend protocol');
      return message;
    }
    if (this.buffer.length < 5) return undefined;
    const length = this.buffer.readInt32BE(1);
    if (length < 4 || length > MAX_MESSAGE_BYTES) return this.refuse('invalid message length');
    if (this.buffer.length < length + 1) return undefined;
    return this.take(length + 1);
  }

  private take(bytes: number): Buffer {
    const message = this.buffer.subarray(0, bytes);
    this.buffer = this.buffer.subarray(bytes);
    return message;
  }

  private refuse(why: string): 'refused' {
    this.terminate('08P01', why);
    return 'refused';
  }

  /**
   * Runs a batch under the database lock (taken if this client does not hold it yet) and lets the
   * lock go when the batch ended a unit and PGlite is idle again, outside any transaction.
   */
  private async run(batch: Buffer[], endsUnit: boolean): Promise<void> {
    if (!this.release) {
      this.release = await holdDatabase(this.pglite);
      if (this.ended || this.settings.closing) {
        // Nothing of this client's is open: it leaves without running anything more.
        this.letGo();
        this.terminate('57P01', 'terminating connection due to administrator command');
        return;
      }
    } else if (this.ended) {
      return; // end() rolls back what is open and lets go
    }
    const tail = await this.execute(batch.length === 1 ? batch[0]! : Buffer.concat(batch), (data) => {
      if (this.socket.writable) this.socket.write(data);
    });
    if (endsUnit && endsIdle(tail)) {
      this.letGo();
      if (this.settings.closing) this.terminate('57P01', 'terminating connection due to administrator command');
    }
  }

  /** Sends one message to PGlite; returns the last six bytes of its answer (a ReadyForQuery, if it ended with one). */
  private async execute(message: Uint8Array, send: (data: Uint8Array) => void): Promise<Buffer> {
    let tail = Buffer.alloc(0);
    let live = true;
    await this.pglite._runExclusiveQuery(() =>
      this.pglite.execProtocolRawStream(message, {
        // PGlite keeps the last callback it was given: once this call is over it must send nothing more.
        onRawData: (data) => {
          if (!live) return;
          send(data);
          tail = Buffer.concat([tail, data]).subarray(-6);
        },
      }),
    );
    live = false;
    return tail;
  }

  private letGo(): void {
    this.clearIdleTimer();
    const release = this.release;
    this.release = undefined;
    release?.();
  }

  private startIdleTimer(): void {
    this.clearIdleTimer();
    this.idleTimer = setTimeout(
      () => this.terminate('25P03', 'terminating connection due to idle-in-transaction timeout'),
      this.settings.idleInTransactionMs,
    );
  }

  private clearIdleTimer(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
  }

  /** The connection is over: whatever it left open is rolled back before the database is let go. */
  private end(): void {
    if (this.ended) return;
    this.ended = true;
    this.clearIdleTimer();
    this.enqueue(async () => {
      try {
        // Sync ends an extended-protocol exchange left half-way; ROLLBACK, a transaction.
        if (this.release && !this.pglite.closed) await this.execute(Buffer.concat([SYNC, queryMessage('ROLLBACK')]), () => {});
      } finally {
        this.letGo();
        this.finished();
      }
    });
  }
}

/**
 * Takes PGlite's transaction lock — the one its own query(), exec() and transaction() wait for — and
 * resolves with the function that gives it back.
 */
function holdDatabase(pglite: PGlite): Promise<() => void> {
  return new Promise((resolve, reject) => {
    pglite._runExclusiveTransaction(() => new Promise<void>((release) => resolve(release))).catch(reject);
  });
}

/** Sends a FATAL error, as PostgreSQL does before it drops a connection, and drops it. */
function refuse(socket: net.Socket, code: string, message: string): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  socket.end(errorResponse('FATAL', code, message), () => socket.destroy());
}
