/**
 * The actions table (docs/API.md#actions): LaunchAction and JobAction numbers, the names the state
 * machines know them by, and the label that the audit log and the metrics both record. One table,
 * so that what is refused, audited and counted is always the same thing.
 */
export const LAUNCH_ACTIONS = { 1: 'delete', 2: 'terminate', 3: 'pause', 4: 'unpause', 5: 'change-expiry' } as const;
export const JOB_ACTIONS = { 1: 'delete', 2: 'terminate', 3: 'pause', 4: 'unpause', 5: 'restart' } as const;

export type LaunchActionName = (typeof LAUNCH_ACTIONS)[keyof typeof LAUNCH_ACTIONS];
export type JobActionName = (typeof JOB_ACTIONS)[keyof typeof JOB_ACTIONS];
export type RecordKind = 'launch' | 'job';

/** The label of a request that asks for no action. */
export const QUERY_LABEL = 'query';

/**
 * What a request asks to do, as its LaunchAction / JobAction fields say, before their syntax is
 * judged: a refusal (112, 113, 1000, 110, 115 …) is audited with what was asked.
 */
export interface RequestedAction {
  on: RecordKind;
  /** The table's name for the number; undefined when the field is not one of its numbers. */
  name: LaunchActionName | JobActionName | undefined;
  /** `launch.pause`, `job.restart`, `launch.invalid`…: the audit's action and the metrics' label. */
  label: string;
}

const NUMBER = /^[1-5]$/;

function actionOf(on: RecordKind, text: string): RequestedAction {
  const table: Record<string, LaunchActionName | JobActionName> = on === 'launch' ? LAUNCH_ACTIONS : JOB_ACTIONS;
  const name = NUMBER.test(text) ? table[text] : undefined;
  return { on, name, label: `${on}.${name ?? 'invalid'}` };
}

/**
 * The action asked for by the fields' (trimmed, non-blank) text, or undefined for a query. Both
 * fields at once are ambiguous: refused as an invalid LaunchAction (112), labelled as one.
 */
export function requestedAction(launchAction: string | undefined, jobAction: string | undefined): RequestedAction | undefined {
  if (launchAction !== undefined && jobAction !== undefined) return { on: 'launch', name: undefined, label: 'launch.invalid' };
  if (launchAction !== undefined) return actionOf('launch', launchAction);
  if (jobAction !== undefined) return actionOf('job', jobAction);
  return undefined;
}
