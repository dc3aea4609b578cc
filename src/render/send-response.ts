import type { FastifyReply } from 'fastify';
import type { Config, ReturnTypeName } from '../config/config.ts';
import { Field } from '../request/fields.ts';
import type { ParamBag } from '../request/param-bag.ts';
import { csvStream, renderCsv } from './csv-response.ts';
import { allowedRedirects, redirectLocation, type RedirectTargets } from './redirect.ts';
import type { TaskResponse } from './task-response.ts';
import { renderXml, xmlChunks } from './xml-response.ts';
import { shouldStream, streamOf } from './stream-body.ts';
import { recordTaskOutcome } from '../metrics/task-outcome.ts';

/**
 * Render: one answer in the form the request asked for (CONTRACT.md §7, §8). A redirect when the
 * request gave an allowed URL for this outcome; otherwise the body as ReturnType says: XML (1),
 * CSV (2), FILE (3, a CSV attachment with a UTF-8 BOM) or XMLFILE (an XML attachment), in any
 * letter case, OMIS_DEFAULT_RETURN_TYPE when absent or unknown. Errors take the same form.
 * API-level errors are HTTP 200 with the code in the body; only 9999 changes the status (503).
 */
const RETURN_TYPES: Record<string, ReturnTypeName> = {
  XML: 'XML',
  '1': 'XML',
  CSV: 'CSV',
  '2': 'CSV',
  FILE: 'FILE',
  '3': 'FILE',
  XMLFILE: 'XMLFILE',
};

export function returnTypeOf(bag: ParamBag, fallback: ReturnTypeName): ReturnTypeName {
  const asked = bag.text(Field.returnType)?.toUpperCase();
  return (asked !== undefined ? RETURN_TYPES[asked] : undefined) ?? fallback;
}

/** The attachment's name: the record it is about (launch-5001, job-9001), or `error`. */
export function attachmentName(response: TaskResponse, extension: 'csv' | 'xml'): string {
  let stem = 'error';
  // IDs of a successful answer are the database's numbers; checked anyway, as they go in a header.
  if (response.errorCode === 0 && /^\d+$/.test(response.jobId)) stem = `job-${response.jobId}`;
  else if (response.errorCode === 0 && /^\d+$/.test(response.launchId)) stem = `launch-${response.launchId}`;
  return `${stem}.${extension}`;
}

export interface SendOptions {
  /** Redirect targets already checked before acting; read (quietly) from the bag when absent. */
  redirects?: RedirectTargets | undefined;
}

export async function sendTaskResponse(reply: FastifyReply, response: TaskResponse, bag: ParamBag, config: Config, options: SendOptions = {}): Promise<void> {
  recordTaskOutcome(reply.request, response.errorCode, bag.text(Field.launchAction), bag.text(Field.jobAction));
  // Answers are about one account's records: never cached by a browser or a proxy.
  reply.header('cache-control', 'no-store').header('x-content-type-options', 'nosniff');
  const targets = options.redirects ?? allowedRedirects(bag, config.OMIS_REDIRECT_HOSTS);
  const location = targets && redirectLocation(targets, response, config.OMIS_REDIRECT_HOSTS);
  if (location !== undefined) {
    await reply.redirect(location, 302);
    return;
  }
  if (response.errorCode === 9999) reply.code(503);
  switch (returnTypeOf(bag, config.OMIS_DEFAULT_RETURN_TYPE)) {
    case 'XML':
      await reply.type('text/xml; charset=utf-8').send(xmlBody(response));
      return;
    case 'XMLFILE':
      await reply
        .type('text/xml; charset=utf-8')
        .header('content-disposition', `attachment; filename="${attachmentName(response, 'xml')}"`)
        .send(xmlBody(response));
      return;
    case 'CSV':
      await reply.type('text/csv; charset=utf-8').send(await csvBody(response));
      return;
    case 'FILE':
      await reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${attachmentName(response, 'csv')}"`)
        .send(await csvBody(response, { bom: true }));
      return;
  }
}

// Large answers (thousands of jobs) are streamed as the client reads them (render/stream-body.ts).
const xmlBody = (response: TaskResponse) => (shouldStream(response) ? streamOf(xmlChunks(response)) : renderXml(response));
const csvBody = async (response: TaskResponse, options: { bom?: boolean } = {}) =>
  shouldStream(response) ? csvStream(response, options) : renderCsv(response, options);
