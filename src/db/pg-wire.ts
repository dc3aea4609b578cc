/**
 * The few pieces of the PostgreSQL wire protocol (version 3) that the embedded database's socket
 * handles itself; everything else passes to PGlite as it is.
 */

/** Untyped first messages, told apart by the code after their length. */
export const SSL_REQUEST = 80877103;
export const GSSENC_REQUEST = 80877104;
export const CANCEL_REQUEST = 80877102;
export const PROTOCOL_3 = 196608;

/** Messages after which the server answers ReadyForQuery: Query, Sync, FunctionCall, CopyDone, CopyFail. */
export const UNIT_ENDS = new Set(['Q', 'S', 'F', 'c', 'f'].map((c) => c.charCodeAt(0)));
export const TERMINATE = 'X'.charCodeAt(0);

/** Sync: ends an extended-protocol exchange. */
export const SYNC = Buffer.from([0x53, 0, 0, 0, 4]);

/** A simple Query message. */
export function queryMessage(sql: string): Buffer {
  return message(0x51, Buffer.from(`${sql}\0`, 'utf8'));
}

/** An ErrorResponse: severity, SQLSTATE and message, as pg and every PostgreSQL client read it. */
export function errorResponse(severity: string, code: string, text: string): Buffer {
  return message(0x45, Buffer.from(`S${severity}\0V${severity}\0C${code}\0M${text}\0\0`, 'utf8'));
}

/** Whether an answer's last six bytes are ReadyForQuery with status 'I': idle, no transaction open. */
export function endsIdle(tail: Buffer): boolean {
  return tail.length === 6 && tail[0] === 0x5a && tail.readInt32BE(1) === 5 && tail[5] === 0x49;
}

function message(type: number, body: Buffer): Buffer {
  const header = Buffer.alloc(5);
  header[0] = type;
  header.writeInt32BE(4 + body.length, 1);
  return Buffer.concat([header, body]);
}
