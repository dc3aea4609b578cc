import { ApiError, ErrorCodes } from '../errors/error-codes.ts';
import { Field, parseRecordId } from './fields.ts';
import type { ParamBag } from './param-bag.ts';
import { emailKey, phoneKey, refKey } from './recipient-keys.ts';
import { parseExpireTime } from './expire-time.ts';
import type { JobActionName, LaunchActionName, RequestedAction } from './actions.ts';

/**
 * What a request asks for, read from its fields in the contract's checking order
 * (docs/API.md#checking-order): `requiredFields` gives the 102s, which come before credentials;
 * `readIntent` the syntax of the action and target fields (112, 113, 114, 118), which come after
 * credentials and licence — so its error is kept and given in its turn.
 */

/**
 * The record a request names: a launch by LaunchID, a job by JobID, or with both the job, which must
 * belong to that launch. `null` marks an ID that was given but is not an ID (answered as not found).
 */
export interface Target {
  launchId?: number | null;
  jobId?: number | null;
}

export type JobType = 'EMAIL' | 'SMS';

/** A narrowing to recipients: the normalised keys store/recipients.ts compares, and a JobType. */
export interface RecipientFilter {
  emailKey?: string;
  smsKey?: string;
  externRefKey?: string;
  jobType?: JobType;
}

export interface Credentials {
  login: string;
  password: string;
}

export type Intent =
  | { kind: 'query'; target: Target; recipients?: RecipientFilter }
  | { kind: 'launch-action'; action: LaunchActionName; target: Target; expireTime?: Date; recipients?: RecipientFilter }
  | { kind: 'job-action'; action: JobActionName; target: Target; recipients?: RecipientFilter };

/** 102 checks: credentials, an ID, the ID an action needs, JobType with ExternRefNum. */
export function requiredFields(bag: ParamBag): Credentials {
  const login = bag.text(Field.login);
  if (login === undefined) throw new ApiError(ErrorCodes.MISSING_FIELD, Field.login);
  // Passwords are case- and space-sensitive: only a wholly empty value is missing.
  const password = bag.get(Field.password);
  if (password === undefined || password === '') throw new ApiError(ErrorCodes.MISSING_FIELD, Field.password);
  const launchId = bag.text(Field.launchId);
  const jobId = bag.text(Field.jobId);
  if (bag.text(Field.launchAction) !== undefined && launchId === undefined) {
    throw new ApiError(ErrorCodes.MISSING_FIELD, Field.launchId);
  }
  if (bag.text(Field.jobAction) !== undefined && jobId === undefined) {
    throw new ApiError(ErrorCodes.MISSING_FIELD, Field.jobId);
  }
  if (launchId === undefined && jobId === undefined) {
    throw new ApiError(ErrorCodes.MISSING_FIELD, `${Field.launchId} or ${Field.jobId}`);
  }
  if (bag.text(Field.externRefNum) !== undefined && bag.text(Field.jobType) === undefined) {
    throw new ApiError(ErrorCodes.MISSING_FIELD, Field.jobType);
  }
  return { login, password };
}

export function parseJobType(text: string): JobType {
  switch (text.toUpperCase()) {
    case 'EMAIL':
    case '1':
      return 'EMAIL';
    case 'SMS':
    case '2':
      return 'SMS';
    default:
      throw new ApiError(ErrorCodes.BAD_JOB_TYPE);
  }
}

function readRecipientFilter(bag: ParamBag): RecipientFilter | undefined {
  const filter: RecipientFilter = {};
  const jobType = bag.text(Field.jobType);
  if (jobType !== undefined) filter.jobType = parseJobType(jobType);
  const email = bag.text(Field.email);
  if (email !== undefined) filter.emailKey = emailKey(email)!;
  const sms = bag.text(Field.sms);
  if (sms !== undefined) filter.smsKey = phoneKey(sms) ?? sms;
  const ref = bag.text(Field.externRefNum);
  if (ref !== undefined) filter.externRefKey = refKey(ref)!;
  const narrows = filter.emailKey !== undefined || filter.smsKey !== undefined || filter.externRefKey !== undefined;
  return narrows ? filter : undefined;
}

function readId(bag: ParamBag, name: string): number | null | undefined {
  const text = bag.text(name);
  return text === undefined ? undefined : (parseRecordId(text) ?? null);
}

/** 112 / 113 / 114 / 118: the syntax of the action (already looked up in the actions table) and the target fields. */
export function readIntent(bag: ParamBag, requested: RequestedAction | undefined, timeZone: string, now: Date = new Date()): Intent {
  if (requested && requested.name === undefined) {
    throw new ApiError(requested.on === 'launch' ? ErrorCodes.BAD_LAUNCH_ACTION : ErrorCodes.BAD_JOB_ACTION);
  }
  const target: Target = {};
  const launchId = readId(bag, Field.launchId);
  const jobId = readId(bag, Field.jobId);
  if (launchId !== undefined) target.launchId = launchId;
  if (jobId !== undefined) target.jobId = jobId;
  const recipients = readRecipientFilter(bag);
  const withFilter = recipients ? { recipients } : {};
  if (!requested) return { kind: 'query', target, ...withFilter };
  if (requested.on === 'job') return { kind: 'job-action', action: requested.name as JobActionName, target, ...withFilter };
  const action = requested.name as LaunchActionName;
  if (action !== 'change-expiry') return { kind: 'launch-action', action, target, ...withFilter };
  const text = bag.text(Field.expireTime);
  const expireTime = text === undefined ? undefined : parseExpireTime(text, timeZone);
  if (!expireTime || expireTime.getTime() <= now.getTime()) throw new ApiError(ErrorCodes.BAD_EXPIRE_TIME);
  return { kind: 'launch-action', action, target, expireTime, ...withFilter };
}
