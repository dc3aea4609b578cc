import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { csvDocument, recipientLines } from '../render/csv-response.ts';
import { sendHttpError } from '../render/http-error.ts';
import { reportLinkQuery } from '../request/report-link-query.ts';
import type { Database } from '../db/database.ts';
import { readReportJob, type JobRow, type LaunchRow } from '../store/launches.ts';
import { recipientPages, type RecipientRow } from '../store/recipients.ts';
import { jobView, launchView, recipientView, recordAnswer, type ViewSettings } from '../tasks/views.ts';
import { checkReportLink, REPORT_PATH } from '../tasks/report-link.ts';

/**
 * GET /WebAPI/Report.aspx?JobID=&Expires=&Signature= (docs/API.md#recipient-reports-reportpath): a job's recipient report as
 * CSV, streamed with constant memory however many recipients the job has. The signed link is the
 * authority (no login): an altered, expired or malformed link is HTTP 403. The CSV has the page's
 * columns — a LAUNCH row, a JOB row, then one RECIPIENT row per recipient — so a client that reads
 * the page's CSV reads this too.
 */
export default async function reportRoute(app: FastifyInstance) {
  const { db, secret, views } = app.services;
  app.route({
    method: 'GET',
    url: REPORT_PATH,
    handler: async (request: FastifyRequest, reply: FastifyReply) => {
      const check = checkReportLink(secret, reportLinkQuery(request.url));
      // A bearer link: never cached, never leaked onwards through Referer.
      reply.header('referrer-policy', 'no-referrer');
      if (!check.ok) return sendHttpError(reply, 403, 'Forbidden: this report link is not valid.');
      const record = await readReportJob(db, check.jobId);
      if (!record) return sendHttpError(reply, 404, 'Not found: this job no longer exists.');
      reply
        .header('cache-control', 'no-store')
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="job-${check.jobId}-recipients.csv"`);
      return reply.send(reportStream(db, record, views));
    },
  });
}

/** The report's rows as a stream that reads the next page only when the client has taken the last. */
function reportStream(db: Database, record: ReportRecord, settings: ViewSettings): NodeJS.ReadableStream {
  const text = reportText(record, settings);
  async function* chunks(): AsyncGenerator<string> {
    yield text.head;
    for await (const page of recipientPages(db, record.job.job_id)) yield text.page(page);
  }
  return Readable.from(chunks(), { objectMode: false, encoding: 'utf8' });
}

type ReportRecord = { launch: LaunchRow; job: JobRow };

/**
 * A job's report as text: the head (BOM, header, LAUNCH and JOB rows), then the recipient rows of
 * each page as one chunk. The job's cells are neutralised and joined once; per row only the
 * recipient's own four are written (a million rows at well over 100,000 rows/s: docs/PERFORMANCE.md,
 * bench/micro/csv-writers.ts).
 */
export function reportText(record: ReportRecord, settings: ViewSettings): { head: string; page: (rows: readonly RecipientRow[]) => string } {
  const view = jobView(record.job, settings);
  const response = recordAnswer(record.launch, launchView(record.launch, [view], settings), view);
  const recipientLine = recipientLines(response, response.launch!, view);
  return {
    head: [...csvDocument(response, { bom: true })].join(''),
    page: (rows) => {
      let chunk = '';
      for (const row of rows) chunk += recipientLine(recipientView(row));
      return chunk;
    },
  };
}
