import { Field } from '../request/fields.ts';

/**
 * The original document's HTML forms (its section "使用 HTML Code 範例"), one per
 * launch and job action: method post, multipart/form-data, action TaskManager.aspx, the exact field
 * names, the action number in a hidden field and the submit button's caption as printed there.
 */
export interface FormSpec {
  /** Unique id of the form on the console page (the document gave every form id="form1"). */
  id: string;
  title: string;
  /** The submit button's caption in the document. */
  caption: string;
  /** Hidden action field, e.g. LaunchAction=3. */
  action?: { name: string; value: string };
  /** Text inputs the user fills in, in order. */
  inputs: Array<{ name: string; label: string; placeholder?: string }>;
  /** Inputs offered with a choice of values (name → [value, label]). */
  choices?: Array<{ name: string; label: string; options: Array<[string, string]> }>;
}

const launchId = { name: Field.launchId, label: '任務編號 LaunchID' };
const jobId = { name: Field.jobId, label: '寄送編號 JobID' };

/** [id suffix, title, the document's caption, action number (none for the query)] */
type FormRow = [string, string, string, number | undefined];

function actionForms(prefix: string, id: { name: string; label: string }, actionField: string, rows: FormRow[]): FormSpec[] {
  return rows.map(([slug, title, caption, action]) => ({
    id: `${prefix}-${slug}`,
    title: action === undefined ? title : `${title} — ${actionField} ${action}`,
    caption,
    ...(action === undefined ? {} : { action: { name: actionField, value: String(action) } }),
    inputs: [id],
  }));
}

export const LAUNCH_FORMS: FormSpec[] = actionForms('launch', launchId, Field.launchAction, [
  ['query', 'Query a launch (查詢任務)', '查詢任務', undefined],
  ['delete', 'Delete a launch (刪除任務)', '刪除任務', 1],
  ['terminate', 'Terminate a launch (終止任務)', '終止任務', 2],
  ['pause', 'Pause a launch (暫停任務)', '暫停任務', 3],
  ['unpause', 'Unpause a launch (解除暫停任務)', '解除暫停任務', 4],
  ['expiry', 'Change the expiry of a launch (變更任務截止時間)', '變更任務截止時間', 5],
]);
// The expiry form also takes the new time, in the format the document prints.
LAUNCH_FORMS[5]!.inputs = [launchId, { name: Field.expireTime, label: '任務截止時間 ExpireTime', placeholder: 'yyyy/MM/dd HH:mm:ss' }];

export const JOB_FORMS: FormSpec[] = actionForms('job', jobId, Field.jobAction, [
  ['query', 'Query a job (查詢寄送)', '查詢', undefined],
  ['delete', 'Delete a job (刪除寄送)', '刪除寄送', 1],
  ['terminate', 'Terminate a job (終止寄送)', '終止寄送', 2],
  ['pause', 'Pause a job (暫停寄送)', '暫停寄送', 3],
  ['unpause', 'Unpause a job (解除暫停寄送)', '解除暫停寄送', 4],
  ['restart', 'Restart a job after a points top-up (因點數不足，補充點數後，重新啟動)', '重新啟動', 5],
]);

/** Not in the document as a form, but in its field list: the narrowing targets of a query. */
export const RECIPIENT_FORM: FormSpec = {
  id: 'recipient-query',
  title: 'Find recipients of a launch or job (查詢的對象)',
  caption: '查詢',
  inputs: [
    launchId,
    jobId,
    { name: Field.email, label: 'EmailAddress' },
    { name: Field.sms, label: 'SMSNumber' },
    { name: Field.externRefNum, label: 'ExternRefNum (with JobType)' },
  ],
  choices: [{ name: Field.jobType, label: 'JobType', options: [['', '—'], ['EMAIL', 'EMAIL (1)'], ['SMS', 'SMS (2)']] }],
};

export const RETURN_TYPE_CHOICE = {
  name: Field.returnType,
  label: 'ReturnType',
  options: [
    ['', 'default (XML)'],
    ['XML', 'XML (1)'],
    ['CSV', 'CSV (2)'],
    ['FILE', 'FILE (3): CSV attachment'],
    ['XMLFILE', 'XMLFILE: XML attachment'],
  ] as Array<[string, string]>,
};
