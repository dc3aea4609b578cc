import type { FastifyReply } from 'fastify';
import type { ReturnTypeName } from '../config/config.ts';
import { STATUS_CODES } from 'node:http';
import { csvDocument, csvStream, renderCsv } from './csv-response.ts';
import { redirectLocation, type RedirectTargets } from './redirect.ts';
import { httpStatusOf, type Answer } from './answer.ts';
import { renderXml, xmlChunks } from './xml-response.ts';
import { shouldStream, streamOf } from './stream-body.ts';

/**
 * The one place a page's answer becomes HTTP (docs/API.md#answers): every answer — records, API
 * errors, a malformed request's 107, 9999, a method the page does not answer — goes out here, in
 * the form the request asked for. A redirect when the plan holds an allowed URL for this outcome;
 * otherwise the body as ReturnType says: XML, CSV (shown on the page), FILE (a CSV attachment with a
 * UTF-8 BOM) or XMLFILE (an XML attachment).
 */
export interface RenderPlan {
  returnType: ReturnTypeName;
  /**
   * The media type of a CSV answer shown on the page (ReturnType CSV): text/plain, which a browser
   * displays, unless the request's Accept named text/csv. FILE is always a text/csv attachment.
   */
  csvType: 'text/plain' | 'text/csv';
  /** Redirect templates already judged allowed; undefined: answer with the body. */
  redirects: RedirectTargets | undefined;
  /** OMIS_REDIRECT_HOSTS: the final URL is judged again after its placeholders are filled. */
  redirectHosts: readonly string[];
}

/** The attachment's name: the record it is about (launch-5001, job-9001), or `error`. */
export function attachmentName(answer: Answer, extension: 'csv' | 'xml'): string {
  let stem = 'error';
  // IDs of a successful answer are the database's numbers; checked anyway, as they go in a header.
  if (answer.errorCode === 0 && /^\d+$/.test(answer.jobId)) stem = `job-${answer.jobId}`;
  else if (answer.errorCode === 0 && /^\d+$/.test(answer.launchId)) stem = `launch-${answer.launchId}`;
  return `${stem}.${extension}`;
}

/** How an answer goes out under a plan: a redirect, or a body of one form with its status and headers. */
export type AnswerForm =
  | { location: string }
  | { status: number; contentType: string; disposition: string | undefined; body: 'xml' | 'csv' | 'csv-bom' };

export function answerForm(answer: Answer, plan: RenderPlan): AnswerForm {
  const location = plan.redirects && redirectLocation(plan.redirects, answer, plan.redirectHosts);
  if (location !== undefined) return { location };
  const status = httpStatusOf(answer);
  switch (plan.returnType) {
    case 'XML':
      return { status, contentType: 'text/xml; charset=utf-8', disposition: undefined, body: 'xml' };
    case 'XMLFILE':
      return { status, contentType: 'text/xml; charset=utf-8', disposition: `attachment; filename="${attachmentName(answer, 'xml')}"`, body: 'xml' };
    case 'CSV':
      return { status, contentType: `${plan.csvType}; charset=utf-8`, disposition: undefined, body: 'csv' };
    case 'FILE':
      return { status, contentType: 'text/csv; charset=utf-8', disposition: `attachment; filename="${attachmentName(answer, 'csv')}"`, body: 'csv-bom' };
  }
}

// Answers are about one account's records: never cached by a browser or a proxy.
const ALWAYS: ReadonlyArray<[string, string]> = [
  ['cache-control', 'no-store'],
  ['x-content-type-options', 'nosniff'],
];

export async function sendAnswer(reply: FastifyReply, answer: Answer, plan: RenderPlan): Promise<void> {
  for (const [name, value] of ALWAYS) reply.header(name, value);
  const form = answerForm(answer, plan);
  if ('location' in form) {
    // Said outright so that a HEAD request gets the header its GET gets (Fastify adds it for GET only).
    await reply.header('content-length', '0').redirect(form.location, 302);
    return;
  }
  reply.code(form.status).type(form.contentType);
  if (form.disposition !== undefined) reply.header('content-disposition', form.disposition);
  await reply.send(form.body === 'xml' ? xmlBody(answer) : await csvBody(answer, { bom: form.body === 'csv-bom' }));
}

/**
 * The same answer as a whole HTTP/1.1 response on a connection that closes after it: for a request
 * Node's HTTP parser refused before Fastify saw it (plugins/transport-limits.ts), written straight to
 * the socket. Only small answers (errors) come this way: the body is built whole.
 */
export function answerMessage(answer: Answer, plan: RenderPlan, now = new Date()): Buffer {
  const form = answerForm(answer, plan);
  const headers: Array<[string, string]> = [['date', now.toUTCString()], ...ALWAYS, ['connection', 'close']];
  let status: number;
  let body = '';
  if ('location' in form) {
    status = 302;
    headers.push(['location', form.location]);
  } else {
    status = form.status;
    headers.push(['content-type', form.contentType]);
    if (form.disposition !== undefined) headers.push(['content-disposition', form.disposition]);
    body = form.body === 'xml' ? renderXml(answer) : [...csvDocument(answer, { bom: form.body === 'csv-bom' })].join('');
  }
  const bytes = Buffer.from(body, 'utf8');
  headers.push(['content-length', String(bytes.length)]);
  const head = `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\n${headers.map(([name, value]) => `${name}: ${value}\r\n`).join('')}\r\n`;
  return Buffer.concat([Buffer.from(head, 'latin1'), bytes]);
}

// Large answers (thousands of jobs) are streamed as the client reads them (render/stream-body.ts).
const xmlBody = (answer: Answer) => (shouldStream(answer) ? streamOf(xmlChunks(answer)) : renderXml(answer));
const csvBody = async (answer: Answer, options: { bom?: boolean } = {}) => (shouldStream(answer) ? csvStream(answer, options) : renderCsv(answer, options));
