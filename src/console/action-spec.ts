import { Field, parseRecordId } from '../request/fields.ts';
import type { FormFields } from './console-web.ts';

/**
 * What a console button asks the page to do (pure): the fields a legacy client would send for it
 * (LaunchID + LaunchAction [+ ExpireTime], or JobID + JobAction, as the document's forms send them)
 * and how the console names it.
 */
export interface ActionSpec {
  fields: Array<[string, string]>;
  /** "Pause", "Change expiry", "Restart"… (also the HTML form's caption). */
  verb: string;
  /** "launch 5001", "job 9001". */
  what: string;
  title: string;
  /** For delete and terminate: what the confirmation asks. */
  question?: string;
}

const LAUNCH_VERBS: Record<string, string> = { '1': 'Delete', '2': 'Terminate', '3': 'Pause', '4': 'Unpause', '5': 'Change expiry' };
const JOB_VERBS: Record<string, string> = { '1': 'Delete', '2': 'Terminate', '3': 'Pause', '4': 'Unpause', '5': 'Restart' };

/** What the console asks before a delete or a terminate. */
export function confirmQuestion(action: string, what: string): string | undefined {
  if (action === '1') return `Delete ${what}? It disappears from every later query (ErrorCode 110/111 from then on); this cannot be undone.`;
  if (action === '2') return `Terminate ${what}? A terminated record never runs again.`;
  return undefined;
}

/** The action a console form names, or undefined when it names none the console offers. */
export function actionSpec(launchId: number, form: FormFields): ActionSpec | undefined {
  const jobText = form.text(Field.jobId);
  if (jobText !== undefined) {
    const jobId = parseRecordId(jobText);
    const action = form.text(Field.jobAction) ?? '';
    const verb = JOB_VERBS[action];
    if (!jobId || !verb) return undefined;
    const what = `job ${jobId}`;
    return { fields: [[Field.jobId, String(jobId)], [Field.jobAction, action]], verb, what, title: `${verb} ${what}`, question: confirmQuestion(action, what) };
  }
  const action = form.text(Field.launchAction) ?? '';
  const verb = LAUNCH_VERBS[action];
  if (!verb) return undefined;
  const what = `launch ${launchId}`;
  const fields: Array<[string, string]> = [[Field.launchId, String(launchId)], [Field.launchAction, action]];
  if (action === '5') {
    const expireTime = expireTimeOf(form.get(Field.expireTime) ?? '');
    fields.push([Field.expireTime, expireTime]);
    return { fields, verb, what, title: `${verb} of ${what} to ${expireTime || '(none)'}` };
  }
  return { fields, verb, what, title: `${verb} ${what}`, question: confirmQuestion(action, what) };
}

/** The datetime-local value of an ExpireTime text (`yyyy-MM-dd HH:mm:ss` → `yyyy-MM-ddTHH:mm:ss`). */
export const pickerValue = (expireTime: string) => expireTime.replace(' ', 'T');

/**
 * The ExpireTime a datetime-local value names, in the page's format: `yyyy-MM-ddTHH:mm[:ss]` (a
 * wall-clock time, read in the server's zone like every ExpireTime). Anything else is passed on
 * as it is, for the page to answer 114.
 */
export function expireTimeOf(value: string): string {
  const match = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(:\d{2})?(\.\d+)?$/.exec(value.trim());
  return match ? `${match[1]} ${match[2]}${match[3] ?? ':00'}` : value.trim();
}
