/**
 * What the compatibility suite sends and gets back, independent of the client that sends it. A
 * request says what a legacy client means to send; each client (clients.ts) turns it into the
 * request its own stack makes, with that stack's own encoders.
 */
export type Fields = Array<[name: string, value: string]>;

export const PAGE_PATH = '/WebAPI/TaskManager.aspx';

export interface CompatRequest {
  method: 'GET' | 'POST';
  /** Default: the page. */
  path?: string;
  /** Query-string fields, encoded by the client (urlencode, curl --data-urlencode). */
  query?: Fields;
  /** A POST body: `multipart` as the document's HTML forms send it, or `urlencoded`. */
  form?: { encoding: 'multipart' | 'urlencoded'; fields: Fields };
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
}

export interface CompatClient {
  name: string;
  /** Why the client cannot run here; undefined when it can. */
  missing: string | undefined;
  /** Sends the requests one after another (each may depend on the one before); answers in order. */
  send(origin: string, requests: CompatRequest[]): Promise<CompatAnswer[]>;
}

export function answerOf(status: number, headers: Record<string, string>, body: Buffer, clientRead?: CompatAnswer['clientRead']): CompatAnswer {
  return { status, headers, body, text: body.toString('utf8'), clientRead };
}
