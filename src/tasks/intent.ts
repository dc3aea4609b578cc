import { ApiError, ErrorCodes } from '../errors/error-codes.ts';
import { Field, parseRecordId } from '../request/fields.ts';
import type { ParamBag } from '../request/param-bag.ts';
import { emailKey, phoneKey, refKey } from '../recipients/recipient-keys.ts';
import { parseExpireTime } from './expire-time.ts';
import type { Target } from './query-task.ts';

/**
 * What a request asks for, read from its fields in the contract's checking order (CONTRACT.md §5):
 * `requiredFields` (102) runs before authentication, `readIntent` (112, 113, 114, 118) after it.
 */
export type ActionNumber = 1 | 2 | 3 | 4 | 5;

export const LaunchActions = { delete: 1, terminate: 2, pause: 3, unpause: 4, changeExpiry: 5 } as const;
export const JobActions = { delete: 1, terminate: 2, pause: 3, unpause: 4, restart: 5 } as const;

export type JobType = 'EMAIL' | 'SMS';

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
  | { kind: 'launch-action'; target: Target; action: ActionNumber; expireTime?: Date; recipients?: RecipientFilter }
  | { kind: 'job-action'; target: Target; action: ActionNumber; recipients?: RecipientFilter };

/** 102 checks: credentials, an ID, the ID an action needs, JobType with ExternRefNum. */
export function requiredFields(bag: ParamBag): Credentials {
  const login = bag.text(Field.login);
  if (login === undefined) throw new ApiError(ErrorCodes.MISSING_FIELD, Field.login);
  // Passwords are case- and space-sensitive: only a wholly empty value is missing.
  const password = bag.get(Field.password);
  if (password === undefined || password === '') throw new ApiError(ErrorCodes.MISSING_FIELD, Field.password);
  requiredTargets(bag);
  return { login, password };
}

/** The 102 checks after the credentials (the console's requests carry none: its session stands in). */
export function requiredTargets(bag: ParamBag): void {
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
}

function actionNumber(text: string | undefined, error: 112 | 113): ActionNumber | undefined {
  if (text === undefined) return undefined;
  if (!/^[1-5]$/.test(text)) throw new ApiError(error);
  return Number(text) as ActionNumber;
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

/** `null` marks an ID that was given but is not an ID (answered as not found). */
function readId(bag: ParamBag, name: string): number | null | undefined {
  const text = bag.text(name);
  return text === undefined ? undefined : (parseRecordId(text) ?? null);
}

/** 112 / 113 / 114 / 118: the syntax of the action and target fields. */
export function readIntent(bag: ParamBag, timeZone: string, now: Date = new Date()): Intent {
  const launchAction = actionNumber(bag.text(Field.launchAction), ErrorCodes.BAD_LAUNCH_ACTION);
  const jobAction = actionNumber(bag.text(Field.jobAction), ErrorCodes.BAD_JOB_ACTION);
  // Two actions at once are ambiguous; refusing is safer than guessing which one was meant.
  if (launchAction !== undefined && jobAction !== undefined) throw new ApiError(ErrorCodes.BAD_LAUNCH_ACTION);
  const target: Target = {};
  const launchId = readId(bag, Field.launchId);
  const jobId = readId(bag, Field.jobId);
  if (launchId !== undefined) target.launchId = launchId;
  if (jobId !== undefined) target.jobId = jobId;
  const recipients = readRecipientFilter(bag);
  const withFilter = recipients ? { recipients } : {};
  if (launchAction === LaunchActions.changeExpiry) {
    const text = bag.text(Field.expireTime);
    const expireTime = text === undefined ? undefined : parseExpireTime(text, timeZone);
    if (!expireTime || expireTime.getTime() <= now.getTime()) throw new ApiError(ErrorCodes.BAD_EXPIRE_TIME);
    return { kind: 'launch-action', target, action: launchAction, expireTime, ...withFilter };
  }
  if (launchAction !== undefined) return { kind: 'launch-action', target, action: launchAction, ...withFilter };
  if (jobAction !== undefined) return { kind: 'job-action', target, action: jobAction, ...withFilter };
  return { kind: 'query', target, ...withFilter };
}
