import type { ReturnTypeName } from '../config/config.ts';
import { ErrorCodes } from '../errors/error-codes.ts';
import { csvDocument } from '../render/csv-response.ts';
import { returnTypeOf } from '../render/send-response.ts';
import { errorResponse, type TaskResponse } from '../render/task-response.ts';
import { xmlChunks } from '../render/xml-response.ts';
import { Field } from '../request/fields.ts';
import type { ParamBag, ParamTrace } from '../request/param-bag.ts';
import { loginKey } from '../store/login-key.ts';
import type { InjectedAnswer } from '../tasks/sandbox-rule.ts';
import { redactAnswer, redactLink, redactParams } from './redact.ts';

/**
 * One request to TaskManager.aspx on its way to the journal. The request path only gathers what it
 * already has (the bag, the answer, timings) — references, no copies, no formatting; toJournalRow
 * turns that into a row later, in a batch, after the answer has gone (request-journal.ts).
 */
export interface PageOutcome {
  bag: ParamBag;
  response: TaskResponse;
  /** Names of the uploaded files (XmlReqFilePath). */
  uploads: string[];
  /** The sandbox rule that shaped the answer, if one did. */
  injected?: InjectedAnswer | undefined;
  /** The answer's body as sent, when it left as one string (a streamed answer is rendered again, in part). */
  body?: string | undefined;
}

export interface PendingEntry {
  /** When the request arrived (ms since the epoch). */
  atMs: number;
  clientIp: string;
  method: string;
  contentType: string | undefined;
  httpStatus: number;
  durationMs: number;
  /** A redirect's Location. */
  location: string | undefined;
  /** Absent when the request never reached the page (a transport limit answered it, or the method is not GET/POST). */
  outcome: PageOutcome | undefined;
}

export interface JournalRow {
  at: Date;
  loginKey: string | null;
  login: string | null;
  clientIp: string;
  method: string;
  contentType: string | null;
  httpStatus: number;
  errorCode: number | null;
  durationMs: number;
  params: ParamTrace[];
  xmlSource: string | null;
  injected: InjectedAnswer | null;
  answer: string;
}

/** The answer is kept up to this many characters: enough for a launch with a few dozen jobs. */
export const ANSWER_CHARS = 8192;
const LONGEST_TEXT = 200;

/** The first `max` characters of a sequence of pieces, saying how it was cut. */
export function firstChars(pieces: Iterable<string>, max = ANSWER_CHARS): string {
  let text = '';
  for (const piece of pieces) {
    text += piece;
    if (text.length > max) return `${text.slice(0, max)}\n… (cut: the journal keeps the first ${max} characters)`;
  }
  return text;
}

/** Which XML request source the request used, as the page chose it (request/xml-sources.ts). */
export function xmlSourceOf(bag: ParamBag, uploads: readonly string[]): string | null {
  const given = (name: string) => ['query', 'form'].some((source) => (bag.inSource(source as 'query' | 'form', name) ?? '').trim() !== '');
  const sources = [
    ...(given(Field.xmlRequest) ? [Field.xmlRequest] : []),
    ...(given(Field.xmlReqUrl) ? [Field.xmlReqUrl] : []),
    ...uploads.map((name) => `${Field.xmlReqFilePath} (${name.slice(0, LONGEST_TEXT)})`),
  ];
  return sources.length === 0 ? null : sources.join(', ');
}

function answerText(entry: PendingEntry, defaultReturnType: ReturnTypeName): string {
  if (entry.location !== undefined) return `HTTP ${entry.httpStatus} Location: ${redactLink(redactAnswer(entry.location))}`;
  const outcome = entry.outcome;
  if (!outcome) {
    // What the transport limits answer (plugins/transport-limits.ts), or an empty 405.
    return entry.httpStatus === 405 ? '' : firstChars(xmlChunks(errorResponse(ErrorCodes.MALFORMED)));
  }
  if (outcome.body !== undefined) return redactAnswer(firstChars([outcome.body]));
  const type = returnTypeOf(outcome.bag, defaultReturnType);
  const pieces = type === 'CSV' || type === 'FILE' ? csvDocument(outcome.response, { bom: false }) : xmlChunks(outcome.response);
  return redactAnswer(firstChars(pieces));
}

const cut = (text: string | undefined, max = LONGEST_TEXT) => (text === undefined ? null : text.slice(0, max));

/** The row an entry becomes: secrets hidden, the answer rendered again from the same value (and cut). */
export function toJournalRow(entry: PendingEntry, defaultReturnType: ReturnTypeName): JournalRow {
  const bag = entry.outcome?.bag;
  const login = bag?.text(Field.login);
  return {
    at: new Date(entry.atMs),
    loginKey: login === undefined ? null : loginKey(login).slice(0, LONGEST_TEXT),
    login: cut(login),
    clientIp: entry.clientIp,
    method: entry.method,
    contentType: cut(entry.contentType),
    httpStatus: entry.httpStatus,
    errorCode: entry.outcome ? entry.outcome.response.errorCode : entry.httpStatus === 405 ? null : ErrorCodes.MALFORMED,
    durationMs: entry.durationMs,
    params: bag ? redactParams(bag.trace()).map((param) => ({ ...param, value: firstChars([param.value], 2048) })) : [],
    xmlSource: bag ? xmlSourceOf(bag, entry.outcome!.uploads) : null,
    injected: entry.outcome?.injected ?? null,
    answer: answerText(entry, defaultReturnType),
  };
}
