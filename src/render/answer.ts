import { ErrorCodes, errorMessage, type ErrorCode } from '../errors/error-codes.ts';

/**
 * What one request answers, independent of its form (XML, CSV, file, redirect): every renderer
 * reads this and nothing else. Values are already the strings the page shows.
 */
export interface RecipientView {
  emailAddress: string;
  smsNumber: string;
  externRefNum: string;
  deliveryStatus: string;
}

export interface JobView {
  jobId: number;
  launchId: number;
  jobType: string;
  status: number;
  errorCode: number;
  statusText: string;
  reportPath: string;
  /** Present only when the request named a recipient (EmailAddress, SMSNumber or ExternRefNum). */
  recipients: RecipientView[];
}

export interface LaunchView {
  launchId: number;
  launchName: string;
  userId: number;
  status: number;
  errorCode: number;
  launchCount: number;
  statusText: string;
  expireTime: string;
  jobs: JobView[];
}

export interface Answer {
  errorCode: ErrorCode;
  errorMsg: string;
  launchId: string;
  jobId: string;
  userId: string;
  customerId: string;
  reportPath: string;
  launch?: LaunchView;
  /** HTTP status when it is not the API's usual (200, and 503 for 9999): 400/413/414 for a malformed request, 405. */
  httpStatus?: number;
}

/** The top-level fields in the contract's order: XML elements, CSV columns, %omisquerystring%. */
export const TOP_LEVEL_FIELDS = [
  ['ErrorCode', 'errorCode'],
  ['ErrorMSG', 'errorMsg'],
  ['LaunchID', 'launchId'],
  ['JobID', 'jobId'],
  ['UserID', 'userId'],
  ['CustomerID', 'customerId'],
  ['ReportPath', 'reportPath'],
] as const satisfies ReadonlyArray<readonly [string, keyof Answer]>;

export function topLevelValues(response: Answer): Array<[string, string]> {
  return TOP_LEVEL_FIELDS.map(([name, key]) => [name, String(response[key] ?? '')]);
}

/** An error answer: code, message and the IDs the request gave, nothing about any record. */
export function errorAnswer(code: ErrorCode, echo: { launchId?: string; jobId?: string } = {}, field?: string, httpStatus?: number): Answer {
  return {
    ...(httpStatus === undefined ? {} : { httpStatus }),
    errorCode: code,
    errorMsg: errorMessage(code, field),
    launchId: echo.launchId ?? '',
    jobId: echo.jobId ?? '',
    userId: '',
    customerId: '',
    reportPath: '',
  };
}

/** The answer's HTTP status: API-level errors are 200 (legacy clients read the body), 9999 is 503. */
export function httpStatusOf(answer: Answer): number {
  return answer.httpStatus ?? (answer.errorCode === ErrorCodes.UNAVAILABLE ? 503 : 200);
}
