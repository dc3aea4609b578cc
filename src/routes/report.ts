import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { csvCells, csvDocument, lineOver, type CsvColumn, type CsvRow } from '../render/csv-response.ts';
import { sendHttpError } from '../render/http-error.ts';
import { reportLinkQuery } from '../request/report-link-query.ts';
import type { Database } from '../db/database.ts';
import { readReportJob, type JobRow, type LaunchRow } from '../store/launches.ts';
import { recipientPages } from '../store/recipients.ts';
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
function reportStream(db: Database, record: { launch: LaunchRow; job: JobRow }, settings: ViewSettings): NodeJS.ReadableStream {
  const view = jobView(record.job, settings);
  const response = recordAnswer(record.launch, launchView(record.launch, [view], settings), view);
  const recipientBase: CsvRow = {
    ErrorCode: 0,
    RecordType: 'RECIPIENT',
    LaunchID: record.launch.launch_id,
    JobID: record.job.job_id,
    UserID: record.launch.owner_id,
    CustomerID: record.launch.customer_id,
    JobType: record.job.job_type,
  };
  // The cells every recipient row shares are neutralised and joined once; per row only its own four
  // are written (a million rows at well over 100,000 rows/s: docs/PERFORMANCE.md). Each page leaves as one chunk of text.
  const recipientLine = lineOver(csvCells(recipientBase), RECIPIENT_OWN_COLUMNS);
  async function* chunks(): AsyncGenerator<string> {
    yield [...csvDocument(response, { bom: true })].join('');
    for await (const page of recipientPages(db, record.job.job_id)) {
      let chunk = '';
      for (const recipient of page) {
        const view = recipientView(recipient);
        chunk += recipientLine([view.emailAddress, view.smsNumber, view.externRefNum, view.deliveryStatus]);
      }
      yield chunk;
    }
  }
  return Readable.from(chunks(), { objectMode: false, encoding: 'utf8' });
}

/** What changes from one recipient row of a report to the next: the job's columns are the same throughout. */
const RECIPIENT_OWN_COLUMNS: readonly CsvColumn[] = ['EmailAddress', 'SMSNumber', 'ExternRefNum', 'DeliveryStatus'];
