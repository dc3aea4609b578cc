import { ErrorCodes } from '../errors/error-codes.ts';
import { csvDocument } from '../render/csv-response.ts';
import { errorAnswer, type Answer } from '../render/answer.ts';
import { xmlChunks } from '../render/xml-response.ts';
import { Field } from '../request/fields.ts';
import type { PageRequest } from '../request/page-request.ts';
import type { JournalRow } from '../store/journal.ts';
import { loginKey } from '../store/login-key.ts';
import type { InjectedAnswer } from '../store/sandbox.ts';
import { redactAnswer, redactLink, redactParams, type ParamTrace } from './journal-redact.ts';

/**
 * One request to TaskManager.aspx on its way to the request journal. The request path only hands
 * over what it already has (the PageRequest, the answer, the body as sent, timings) — references,
 * no copies, no formatting; toJournalRow makes the row later, in a batch, after the answer has gone
 * (request-journal.ts).
 */
export interface PageOutcome {
  page: PageRequest;
  answer: Answer;
  /** The body as sent, when it left as one string (a streamed answer is rendered again, in part). */
  body?: string | undefined;
  /** The sandbox rule that shaped the answer, if one did. */
  injected?: InjectedAnswer | undefined;
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
  /** Absent for a request the page never answered (none so far: every answer of the page is noted). */
  outcome: PageOutcome | undefined;
}

/** The answer is kept up to this many characters: enough for a launch with a few dozen jobs. */
export const ANSWER_CHARS = 8192;
const LONGEST_TEXT = 200;
const LONGEST_VALUE = 2048;

/** The first `max` characters of a sequence of pieces, saying how it was cut. */
export function firstChars(pieces: Iterable<string>, max = ANSWER_CHARS): string {
  let text = '';
  for (const piece of pieces) {
    text += piece;
    if (text.length > max) return `${text.slice(0, max)}\n… (cut: the journal keeps the first ${max} characters)`;
  }
  return text;
}

function answerText(entry: PendingEntry): string {
  if (entry.location !== undefined) return `HTTP ${entry.httpStatus} Location: ${redactLink(redactAnswer(entry.location))}`;
  const outcome = entry.outcome;
  if (!outcome) return firstChars(xmlChunks(errorAnswer(ErrorCodes.MALFORMED)));
  if (outcome.body !== undefined) return redactAnswer(firstChars([outcome.body]));
  const type = outcome.page.plan.returnType;
  const pieces = type === 'CSV' || type === 'FILE' ? csvDocument(outcome.answer, { bom: false }) : xmlChunks(outcome.answer);
  return redactAnswer(firstChars(pieces));
}

/** The login the request named: the value the page used (from whichever source). */
export function loginOf(trace: readonly ParamTrace[]): string | undefined {
  const key = Field.login.toLowerCase();
  const login = trace.find((param) => param.used && param.name.toLowerCase() === key)?.value.trim();
  return login === '' ? undefined : login;
}

const cut = (text: string | undefined, max = LONGEST_TEXT) => (text === undefined ? null : text.slice(0, max));

/** The row an entry becomes: secrets hidden, the answer as sent (cut). */
export function toJournalRow(entry: PendingEntry): JournalRow {
  const page = entry.outcome?.page;
  const trace = page?.trace() ?? [];
  const login = loginOf(trace);
  return {
    at: new Date(entry.atMs),
    loginKey: login === undefined ? null : loginKey(login).slice(0, LONGEST_TEXT),
    login: cut(login),
    clientIp: entry.clientIp,
    method: entry.method,
    contentType: cut(entry.contentType),
    httpStatus: entry.httpStatus,
    errorCode: entry.outcome ? entry.outcome.answer.errorCode : ErrorCodes.MALFORMED,
    durationMs: entry.durationMs,
    params: redactParams(trace).map((param) => ({ ...param, value: firstChars([param.value], LONGEST_VALUE) })),
    xmlSource: page?.xmlSource ?? null,
    injected: entry.outcome?.injected ?? null,
    answer: answerText(entry),
  };
}
