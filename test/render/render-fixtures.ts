import fc from 'fast-check';
import { errorAnswer, type Answer } from '../../src/render/answer.ts';

/** Responses for the renderer tests: a launch with two jobs, one with a recipient. */
export function launchResponse(overrides: Partial<Answer> = {}): Answer {
  return {
    errorCode: 0,
    errorMsg: '',
    launchId: '5001',
    jobId: '',
    userId: '1002',
    customerId: 'ACME',
    reportPath: '',
    launch: {
      launchId: 5001,
      launchName: '週年慶 Newsletter',
      userId: 1002,
      status: 1,
      errorCode: 0,
      launchCount: 0,
      statusText: '等候啟動',
      expireTime: '2026-12-31 23:59:59',
      jobs: [
        {
          jobId: 9001,
          launchId: 5001,
          jobType: 'EMAIL',
          status: 6,
          errorCode: 0,
          statusText: '處理發送中',
          reportPath: '/WebAPI/Report.aspx?JobID=9001&Expires=1&Signature=abc',
          recipients: [{ emailAddress: 'a@example.com', smsNumber: '', externRefNum: 'R-1', deliveryStatus: 'SENT' }],
        },
        {
          jobId: 9002,
          launchId: 5001,
          jobType: 'SMS',
          status: 1,
          errorCode: -2,
          statusText: '暫停',
          reportPath: '/WebAPI/Report.aspx?JobID=9002&Expires=1&Signature=def',
          recipients: [],
        },
      ],
    },
    ...overrides,
  };
}

/** A job answer: the launch holding the one job. */
export function jobResponse(): Answer {
  const base = launchResponse();
  const job = base.launch!.jobs[0]!;
  return { ...base, jobId: '9001', reportPath: job.reportPath, launch: { ...base.launch!, jobs: [job] } };
}

export { errorAnswer };

/** Any string at all: any UTF-16 unit (lone surrogates too), and often the characters that matter. */
const specialUnit = fc.constantFrom('%', '&', '=', '+', '-', '@', '\t', '\r', '\n', '\\', '/', ':', '#', '?', ' ', '"', ',', "'", '\uFF1D', '\uD800', '\uDC00');
const anyUnit = fc.oneof(specialUnit, fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code)), fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }));
export const anyString = fc.string({ unit: anyUnit, maxLength: 40 });

/** A response whose every top-level value is an arbitrary string. */
export const arbitraryResponse = fc
  .record({
    errorCode: fc.constantFrom(0, 100, 111, 9999),
    errorMsg: anyString,
    launchId: anyString,
    jobId: anyString,
    userId: anyString,
    customerId: anyString,
    reportPath: anyString,
  })
  .map((fields) => fields as Answer);
