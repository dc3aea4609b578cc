/**
 * What the compatibility suite sends and gets back, independent of the client that sends it. A
 * request says what a legacy client means to send; each client (clients.ts) turns it into the
 * request its own stack makes, with that stack's own encoders.
 */
export type Fields = Array<[name: string, value: string]>;

export const PAGE_PATH = '/WebAPI/TaskManager.aspx';

export interface CompatRequest {
  method: 'GET' | 'POST' | 'HEAD';
  /** Default: the page. */
  path?: string;
  /** Query-string fields, encoded by the client (urlencode, curl --data-urlencode). */
  query?: Fields;
  /**
   * The query string written into the URL as it is, its non-ASCII characters as raw UTF-8 bytes, as
   * PHP's file_get_contents and `curl -g` send it (instead of `query`).
   */
  rawQuery?: string;
  /**
   * A POST body: `multipart` as the document's HTML forms send it, or `urlencoded`; `charset`: a
   * urlencoded body encoded in that character set and declared on its Content-Type.
   */
  form?: { encoding: 'multipart' | 'urlencoded'; fields: Fields; charset?: string };
  /** Request headers to send as well (e.g. Accept). */
  headers?: Record<string, string>;
  /**
   * Send on the connection of the request before (clients that keep connections: Python's
   * http.client), after this many seconds of idleness.
   */
  sameConnection?: { idleSeconds: number };
}

export interface CompatAnswer {
  status: number;
  /** Header names lower-cased. */
  headers: Record<string, string>;
  body: Buffer;
  /** The body as UTF-8 text. */
  text: string;
  /** What the client's own XML parser made of an XML answer (clients that parse; else undefined). */
  clientRead?: { error?: string; root?: string; fields?: Record<string, string> } | null;
  /** The client's local port of the connection the answer came on (clients that keep connections). */
  localPort?: number;
}

export interface CompatClient {
  name: string;
  /** Why the client cannot run here; undefined when it can. */
  missing: string | undefined;
  /** Sends the requests one after another (each may depend on the one before); answers in order. */
  send(origin: string, requests: CompatRequest[]): Promise<CompatAnswer[]>;
}

export function answerOf(status: number, headers: Record<string, string>, body: Buffer, clientRead?: CompatAnswer['clientRead'], localPort?: number): CompatAnswer {
  return { status, headers, body, text: body.toString('utf8'), clientRead, ...(localPort === undefined ? {} : { localPort }) };
}
