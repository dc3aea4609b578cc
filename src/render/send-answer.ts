import type { FastifyReply } from 'fastify';
import type { ReturnTypeName } from '../config/config.ts';
import { csvStream, renderCsv } from './csv-response.ts';
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

export async function sendAnswer(reply: FastifyReply, answer: Answer, plan: RenderPlan): Promise<void> {
  // Answers are about one account's records: never cached by a browser or a proxy.
  reply.header('cache-control', 'no-store').header('x-content-type-options', 'nosniff');
  const location = plan.redirects && redirectLocation(plan.redirects, answer, plan.redirectHosts);
  if (location !== undefined) {
    // Said outright so that a HEAD request gets the header its GET gets (Fastify adds it for GET only).
    await reply.header('content-length', '0').redirect(location, 302);
    return;
  }
  reply.code(httpStatusOf(answer));
  switch (plan.returnType) {
    case 'XML':
      await reply.type('text/xml; charset=utf-8').send(xmlBody(answer));
      return;
    case 'XMLFILE':
      await reply
        .type('text/xml; charset=utf-8')
        .header('content-disposition', `attachment; filename="${attachmentName(answer, 'xml')}"`)
        .send(xmlBody(answer));
      return;
    case 'CSV':
      await reply.type(`${plan.csvType}; charset=utf-8`).send(await csvBody(answer));
      return;
    case 'FILE':
      await reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${attachmentName(answer, 'csv')}"`)
        .send(await csvBody(answer, { bom: true }));
      return;
  }
}

// Large answers (thousands of jobs) are streamed as the client reads them (render/stream-body.ts).
const xmlBody = (answer: Answer) => (shouldStream(answer) ? streamOf(xmlChunks(answer)) : renderXml(answer));
const csvBody = async (answer: Answer, options: { bom?: boolean } = {}) => (shouldStream(answer) ? csvStream(answer, options) : renderCsv(answer, options));
