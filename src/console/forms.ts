import { Field } from '../request/fields.ts';

/**
 * The original document's HTML forms (TaskManager-api-document.txt, "使用 HTML Code 範例"), one per
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

export const LAUNCH_FORMS: FormSpec[] = [
  { id: 'launch-query', title: 'Query a launch (查詢任務)', caption: '查詢任務', inputs: [launchId] },
  { id: 'launch-delete', title: 'Delete a launch (刪除任務) — LaunchAction 1', caption: '刪除任務', action: { name: Field.launchAction, value: '1' }, inputs: [launchId] },
  { id: 'launch-terminate', title: 'Terminate a launch (終止任務) — LaunchAction 2', caption: '終止任務', action: { name: Field.launchAction, value: '2' }, inputs: [launchId] },
  { id: 'launch-pause', title: 'Pause a launch (暫停任務) — LaunchAction 3', caption: '暫停任務', action: { name: Field.launchAction, value: '3' }, inputs: [launchId] },
  { id: 'launch-unpause', title: 'Unpause a launch (解除暫停任務) — LaunchAction 4', caption: '解除暫停任務', action: { name: Field.launchAction, value: '4' }, inputs: [launchId] },
  {
    id: 'launch-expiry',
    title: 'Change the expiry of a launch (變更任務截止時間) — LaunchAction 5',
    caption: '變更任務截止時間',
    action: { name: Field.launchAction, value: '5' },
    inputs: [launchId, { name: Field.expireTime, label: '任務截止時間 ExpireTime', placeholder: 'yyyy/MM/dd HH:mm:ss' }],
  },
];

export const JOB_FORMS: FormSpec[] = [
  { id: 'job-query', title: 'Query a job (查詢寄送)', caption: '查詢', inputs: [jobId] },
  { id: 'job-delete', title: 'Delete a job (刪除寄送) — JobAction 1', caption: '刪除寄送', action: { name: Field.jobAction, value: '1' }, inputs: [jobId] },
  { id: 'job-terminate', title: 'Terminate a job (終止寄送) — JobAction 2', caption: '終止寄送', action: { name: Field.jobAction, value: '2' }, inputs: [jobId] },
  { id: 'job-pause', title: 'Pause a job (暫停寄送) — JobAction 3', caption: '暫停寄送', action: { name: Field.jobAction, value: '3' }, inputs: [jobId] },
  { id: 'job-unpause', title: 'Unpause a job (解除暫停寄送) — JobAction 4', caption: '解除暫停寄送', action: { name: Field.jobAction, value: '4' }, inputs: [jobId] },
  {
    id: 'job-restart',
    title: 'Restart a job after a points top-up (因點數不足，補充點數後，重新啟動) — JobAction 5',
    caption: '重新啟動',
    action: { name: Field.jobAction, value: '5' },
    inputs: [jobId],
  },
];

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
