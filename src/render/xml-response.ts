import type { JobView, LaunchView, RecipientView, Answer } from './answer.ts';
import { topLevelValues } from './answer.ts';

/**
 * The XML answer (docs/API.md#xml-answer). Element names and order are contract: legacy parsers are brittle.
 * Written as a sequence of chunks so that a launch with thousands of jobs can be streamed.
 */
export const XML_DECLARATION = '<?xml version="1.0" encoding="utf-8"?>';

// Characters XML 1.0 cannot carry at all; they are dropped rather than producing a broken document.
// eslint-disable-next-line no-control-regex
const NOT_XML_CHAR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
// Escaped as .NET's XmlWriter escapes element text: `&`, `<` and `>` only. An apostrophe or a quote
// stays as it is (clients match `LaunchID doesn't exist` as a string); the answer has no attributes.
const SPECIAL = /[&<>]/g;
const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };

// Text with none of the characters above (the usual case) is returned as it is, without the two
// replacements: a few microseconds on every answer (docs/PERFORMANCE.md).
// eslint-disable-next-line no-control-regex
const NOTHING_TO_ESCAPE = /^[^&<>\u0000-\u0008\u000B\u000C\u000E-\u001F\uD800-\uDFFF\uFFFE\uFFFF]*$/;

export function escapeXml(value: string): string {
  if (NOTHING_TO_ESCAPE.test(value)) return value;
  return value.replace(NOT_XML_CHAR, '').replace(SPECIAL, (ch) => ENTITIES[ch]!);
}

function element(name: string, value: string | number, selfCloseEmpty = false): string {
  // A number (an ID, a status, a count) never needs escaping: no conversion, no test.
  if (typeof value === 'number') return `<${name}>${value}</${name}>`;
  const text = escapeXml(value);
  return text === '' && selfCloseEmpty ? `<${name}/>` : `<${name}>${text}</${name}>`;
}

function recipientXml(recipient: RecipientView): string {
  return (
    '      <RECIPIENT>' +
    element('EmailAddress', recipient.emailAddress, true) +
    element('SMSNumber', recipient.smsNumber, true) +
    element('ExternRefNum', recipient.externRefNum, true) +
    element('DeliveryStatus', recipient.deliveryStatus, true) +
    '</RECIPIENT>\n'
  );
}

/** A job with its recipients: one piece of a streamed answer, and a part of the one-string form. */
function jobXml(job: JobView): string {
  let xml =
    '    <JOB>\n      ' +
    element('JobID', job.jobId) +
    element('LaunchID', job.launchId) +
    element('JobType', job.jobType) +
    element('STATUS', job.status) +
    element('ERRORCODE', job.errorCode) +
    element('StatusText', job.statusText) +
    '\n      ' +
    element('ReportPath', job.reportPath) +
    '\n';
  for (const recipient of job.recipients) xml += recipientXml(recipient);
  return xml + '    </JOB>\n';
}

function launchStart(launch: LaunchView): string {
  return (
    '  <LAUNCH>\n    ' +
    element('LaunchID', launch.launchId) +
    element('LaunchName', launch.launchName) +
    element('UserID', launch.userId) +
    '\n    ' +
    element('STATUS', launch.status) +
    element('ERRORCODE', launch.errorCode) +
    element('LAUNCHCOUNT', launch.launchCount) +
    '\n    ' +
    element('StatusText', launch.statusText) +
    element('ExpireTime', launch.expireTime) +
    '\n'
  );
}

const LAUNCH_END = '  </LAUNCH>\n';
const RESPONSE_END = '</RESPONSE>\n';

function responseStart(response: Answer): string {
  const [errorCode, errorMsg, launchId, jobId, userId, customerId, reportPath] = topLevelValues(response).map(([name, value]) => element(name, value));
  return `${XML_DECLARATION}\n<RESPONSE>\n  ${errorCode}${errorMsg}\n  ${launchId}${jobId}${userId}${customerId}\n  ${reportPath}\n`;
}

/** The launch a successful answer carries, if any. */
function launchOf(response: Answer): LaunchView | undefined {
  return response.errorCode === 0 ? response.launch : undefined;
}

/** The answer in pieces, for a launch with thousands of jobs to be streamed: the same bytes as renderXml. */
export function* xmlChunks(response: Answer): Generator<string> {
  const launch = launchOf(response);
  yield responseStart(response) + (launch ? launchStart(launch) : '');
  if (launch) {
    for (const job of launch.jobs) yield jobXml(job);
    yield LAUNCH_END;
  }
  yield RESPONSE_END;
}

/**
 * The answer as one string. Written out rather than joined from xmlChunks: a generator's steps and
 * the join cost a small answer a few microseconds (docs/PERFORMANCE.md); the tests hold both forms
 * to the same bytes.
 */
export function renderXml(response: Answer): string {
  const launch = launchOf(response);
  if (!launch) return responseStart(response) + RESPONSE_END;
  let xml = responseStart(response) + launchStart(launch);
  for (const job of launch.jobs) xml += jobXml(job);
  return xml + LAUNCH_END + RESPONSE_END;
}
