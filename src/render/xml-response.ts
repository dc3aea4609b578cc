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
  const text = escapeXml(String(value));
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

function* jobXml(job: JobView): Generator<string> {
  yield '    <JOB>\n      ' +
    element('JobID', job.jobId) +
    element('LaunchID', job.launchId) +
    element('JobType', job.jobType) +
    element('STATUS', job.status) +
    element('ERRORCODE', job.errorCode) +
    element('StatusText', job.statusText) +
    '\n      ' +
    element('ReportPath', job.reportPath) +
    '\n';
  for (const recipient of job.recipients) yield recipientXml(recipient);
  yield '    </JOB>\n';
}

function* launchXml(launch: LaunchView): Generator<string> {
  yield '  <LAUNCH>\n    ' +
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
    '\n';
  for (const job of launch.jobs) yield* jobXml(job);
  yield '  </LAUNCH>\n';
}

export function* xmlChunks(response: Answer): Generator<string> {
  const top = topLevelValues(response).map(([name, value]) => element(name, value));
  yield `${XML_DECLARATION}\n<RESPONSE>\n  ${top.slice(0, 2).join('')}\n  ${top.slice(2, 6).join('')}\n  ${top[6]}\n`;
  if (response.launch && response.errorCode === 0) yield* launchXml(response.launch);
  yield '</RESPONSE>\n';
}

export function renderXml(response: Answer): string {
  return [...xmlChunks(response)].join('');
}
