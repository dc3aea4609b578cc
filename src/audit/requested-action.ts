import { Field, parseRecordId } from '../request/fields.ts';
import type { ParamBag } from '../request/param-bag.ts';
import { JOB_ACTION_NAMES } from '../tasks/job-machine.ts';
import { LAUNCH_ACTION_NAMES } from '../tasks/launch-machine.ts';
import type { ActionNumber } from '../tasks/intent.ts';
import type { AuditTargetType } from './audit-log.ts';

/**
 * What a request asked to do, read from its raw fields before anything is validated, so that a
 * refusal (112, 113, 114, 110, 111, 115, 116, 117, 1000) is logged with what was asked (pure).
 */
export interface RequestedAction {
  action: string;
  targetType: AuditTargetType;
  targetId: number | null;
  /** The request's action-related values, as given (cut to a sane length). */
  request: Record<string, string>;
}

const KEPT_FIELDS = [
  Field.launchId,
  Field.jobId,
  Field.launchAction,
  Field.jobAction,
  Field.expireTime,
  Field.email,
  Field.sms,
  Field.externRefNum,
  Field.jobType,
];
const MAX_VALUE = 200;

function actionName(raw: string, names: Record<ActionNumber, string>, prefix: string): string {
  return /^[1-5]$/.test(raw) ? names[Number(raw) as ActionNumber] : `${prefix}.invalid`;
}

/** undefined for a request that asks for no action (a query): queries are not audited. */
export function requestedAction(bag: ParamBag): RequestedAction | undefined {
  const launchAction = bag.text(Field.launchAction);
  const jobAction = bag.text(Field.jobAction);
  if (launchAction === undefined && jobAction === undefined) return undefined;
  const request: Record<string, string> = {};
  for (const name of KEPT_FIELDS) {
    const value = bag.get(name);
    if (value !== undefined) request[name] = value.length > MAX_VALUE ? `${value.slice(0, MAX_VALUE)}…` : value;
  }
  // Both at once is refused as an invalid LaunchAction (intent.ts); it is logged as such.
  const onLaunch = launchAction !== undefined;
  const idText = bag.text(onLaunch ? Field.launchId : Field.jobId);
  return {
    action: onLaunch
      ? jobAction === undefined
        ? actionName(launchAction, LAUNCH_ACTION_NAMES, 'launch')
        : 'launch.invalid'
      : actionName(jobAction!, JOB_ACTION_NAMES, 'job'),
    targetType: onLaunch ? 'launch' : 'job',
    targetId: idText === undefined ? null : (parseRecordId(idText) ?? null),
    request,
  };
}
