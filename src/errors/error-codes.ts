/**
 * The error codes (docs/API.md#error-codes): the one place their messages live. Legacy clients
 * parse these strings, so they are contract, down to the apostrophe.
 */
export const ERROR_MESSAGES = {
  0: '',
  100: 'Invalid ManagerLoginName or ManagerPassword',
  101: 'Too many failed logins, try again later',
  102: 'Missing required field: NAME',
  103: 'Invalid XML request',
  104: 'XmlReqUrl could not be used',
  105: 'Method not allowed',
  106: 'Redirect URL not allowed',
  107: 'Malformed request',
  110: "JobID doesn't exist",
  111: "LaunchID doesn't exist",
  112: 'Invalid LaunchAction',
  113: 'Invalid JobAction',
  114: 'Invalid expire time',
  115: 'Action not allowed in current status',
  116: 'Insufficient points',
  117: 'Recipient not found',
  118: 'Invalid JobType',
  201: 'Insufficient points: top up and restart',
  1000: 'No Licence at Page',
  9999: 'Service temporarily unavailable',
} as const;

export type ErrorCode = keyof typeof ERROR_MESSAGES;

export const ErrorCodes = {
  OK: 0,
  BAD_LOGIN: 100,
  LOCKED_OUT: 101,
  MISSING_FIELD: 102,
  BAD_XML: 103,
  XML_URL_FAILED: 104,
  METHOD_NOT_ALLOWED: 105,
  REDIRECT_NOT_ALLOWED: 106,
  MALFORMED: 107,
  NO_JOB: 110,
  NO_LAUNCH: 111,
  BAD_LAUNCH_ACTION: 112,
  BAD_JOB_ACTION: 113,
  BAD_EXPIRE_TIME: 114,
  NOT_ALLOWED_IN_STATUS: 115,
  INSUFFICIENT_POINTS: 116,
  NO_RECIPIENT: 117,
  BAD_JOB_TYPE: 118,
  JOB_OUT_OF_POINTS: 201,
  NO_LICENCE: 1000,
  UNAVAILABLE: 9999,
} as const satisfies Record<string, ErrorCode>;

/** The message of a code; 102 names the missing field in place of NAME. */
export function errorMessage(code: ErrorCode, field?: string): string {
  const message: string = ERROR_MESSAGES[code];
  return code === ErrorCodes.MISSING_FIELD ? message.replace('NAME', field ?? 'NAME') : message;
}

/**
 * A refusal with one of the codes above. API-level refusals are answered with HTTP 200 and the code
 * in the body; `httpStatus` is set only where HTTP itself has a word for it (a malformed request's
 * 400/413/414, a method the page never answers, 405).
 */
export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly field: string | undefined;
  readonly httpStatus: number | undefined;
  constructor(code: ErrorCode, field?: string, httpStatus?: number) {
    super(errorMessage(code, field));
    this.name = 'ApiError';
    this.code = code;
    this.field = field;
    this.httpStatus = httpStatus;
  }
}

export function isApiError(error: unknown): error is ApiError {
  return error instanceof ApiError;
}
