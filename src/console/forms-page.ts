import { ERROR_MESSAGES } from '../errors/error-codes.ts';
import { escapeHtml } from './html.ts';
import { Field } from '../request/fields.ts';
import { jobStatusText, launchStatusText } from '../tasks/status-text.ts';
import { JOB_FORMS, LAUNCH_FORMS, RECIPIENT_FORM, RETURN_TYPE_CHOICE, type FormSpec } from './forms.ts';

/**
 * The original document's forms at /WebAPI/forms, ready to submit against this server, and a short
 * guide: for comparison with the console, and for anyone who wants the page exactly as the
 * document shows it. Plain HTML, no script. Each form asks for the credentials itself and posts
 * straight to the page, as the document's forms do: the console never sees them, and the
 * browser's Back button returns to the forms (nothing was posted to this page).
 */
export interface FormsOptions {
  pagePath: string;
  consolePath: string;
  defaultReturnType: string;
  timeZone: string;
}

function credentialFields(form: string): string {
  return `<p><label for="${form}-login">${Field.login}</label> <input name="${Field.login}" id="${form}-login" type="text" autocomplete="username" required></p>
      <p><label for="${form}-password">${Field.password}</label> <input name="${Field.password}" id="${form}-password" type="password" autocomplete="current-password" required></p>`;
}

function choice(form: string, spec: { name: string; label: string; options: Array<[string, string]> }): string {
  const options = spec.options.map(([value, label]) => `<option value="${escapeHtml(value)}">${escapeHtml(label)}</option>`).join('');
  return `<p><label for="${form}-${spec.name}">${escapeHtml(spec.label)}</label> <select name="${spec.name}" id="${form}-${spec.name}">${options}</select></p>`;
}

export function renderForm(form: FormSpec, options: FormsOptions): string {
  const returnType = {
    ...RETURN_TYPE_CHOICE,
    options: RETURN_TYPE_CHOICE.options.map(([value, label]): [string, string] => (value === '' ? ['', `default (${options.defaultReturnType})`] : [value, label])),
  };
  const inputs = form.inputs
    .map(
      (input) =>
        `<p><label for="${form.id}-${input.name}">${escapeHtml(input.label)}</label> <input name="${input.name}" id="${form.id}-${input.name}" type="text"${
          input.placeholder ? ` placeholder="${escapeHtml(input.placeholder)}"` : ''
        }></p>`,
    )
    .join('\n      ');
  return `<form id="${form.id}" method="post" enctype="multipart/form-data" action="${escapeHtml(options.pagePath)}">
    <fieldset><legend>${escapeHtml(form.title)}</legend>
      ${credentialFields(form.id)}
      ${form.action ? `<input name="${form.action.name}" type="hidden" value="${form.action.value}">` : ''}
      ${inputs}
      ${(form.choices ?? []).map((spec) => choice(form.id, spec)).join('\n      ')}
      ${choice(form.id, returnType)}
      <p><input name="Submit" type="submit" value="${escapeHtml(form.caption)}"></p>
    </fieldset>
  </form>`;
}

function table(head: string[], rows: string[][]): string {
  return `<table><thead><tr>${head.map((cell) => `<th>${escapeHtml(cell)}</th>`).join('')}</tr></thead>
    <tbody>${rows.map((row) => `<tr>${row.map((cell) => `<td>${escapeHtml(cell)}</td>`).join('')}</tr>`).join('\n    ')}</tbody></table>`;
}

function guide(options: FormsOptions): string {
  const errors = Object.entries(ERROR_MESSAGES).map(([code, message]) => [code, message || '(empty)']);
  const launchStates = [
    ['0', 'ERRORCODE 0', launchStatusText(0, 0, 0)],
    ['0–3', 'ERRORCODE -1', launchStatusText(2, -1, 0)],
    ['0–3', 'ERRORCODE -2', launchStatusText(2, -2, 0)],
    ['0–3', 'ERRORCODE > 0', launchStatusText(2, 1, 0)],
    ['1', 'LAUNCHCOUNT <= 0', launchStatusText(1, 0, 0)],
    ['1', 'LAUNCHCOUNT > 0', launchStatusText(1, 0, 1)],
    ['2', '', launchStatusText(2, 0, 0)],
    ['3', '', launchStatusText(3, 0, 0)],
    ['99', '', launchStatusText(99, 0, 0)],
  ];
  const jobStates = [
    ['0', 'ERRORCODE 0', jobStatusText(0, 0)],
    ['0–8', 'ERRORCODE -1', jobStatusText(3, -1)],
    ['0–8', 'ERRORCODE -2', jobStatusText(3, -2)],
    ['0–8', 'ERRORCODE > 0 (201: out of points)', jobStatusText(3, 201)],
    ...[1, 2, 3, 4, 5, 6, 7, 8].map((status) => [String(status), '', jobStatusText(status, 0)]),
  ];
  return `<section id="guide"><h2>Guide</h2>
  <h3>Parameters</h3>
  <p>Send them in the query string (GET), as form fields (POST, urlencoded or multipart) or inside an XML request
  (<code>XmlRequest</code>, <code>XmlReqUrl</code>, or an uploaded <code>XmlReqFilePath</code> file: a <code>&lt;REQUEST&gt;</code>
  document whose child elements are fields). Names are case-insensitive; the query string wins over the form, the form over the XML.</p>
  ${table(
    ['Field', 'Meaning'],
    [
      [`${Field.login}, ${Field.password}`, 'required: the API manager account (the password is case-sensitive)'],
      [`${Field.launchId} or ${Field.jobId}`, 'required: the launch (任務) or job (寄送); both: the job, which must belong to the launch'],
      [Field.launchAction, '1 delete, 2 terminate, 3 pause, 4 unpause, 5 change expiry (with ExpireTime); needs LaunchID'],
      [Field.jobAction, '1 delete, 2 terminate, 3 pause, 4 unpause, 5 restart after a points top-up; needs JobID'],
      [Field.expireTime, `yyyy-MM-dd HH:mm:ss or yyyy/MM/dd HH:mm:ss, server time zone (${options.timeZone}), later than now`],
      [`${Field.email}, ${Field.sms}, ${Field.externRefNum} + ${Field.jobType}`, 'narrow a query to matching recipients (JobType EMAIL/SMS or 1/2)'],
      [Field.returnType, `XML (1), CSV (2), FILE (3, CSV attachment) or XMLFILE; default ${options.defaultReturnType}`],
      [`${Field.referUrl}, ${Field.successfulUrl}, ${Field.failedUrl}`, 'redirect to a URL with placeholders such as %errorcode%, %launchid%, %omisquerystring%'],
    ],
  )}
  <h3>Responses</h3>
  <p>XML: <code>&lt;RESPONSE&gt;</code> with ErrorCode, ErrorMSG, LaunchID, JobID, UserID, CustomerID, ReportPath and the
  <code>&lt;LAUNCH&gt;</code> with its <code>&lt;JOB&gt;</code> elements (and <code>&lt;RECIPIENT&gt;</code> rows for a narrowed query).
  CSV: a header row, then one row per LAUNCH, JOB or RECIPIENT record (column RecordType). API errors are HTTP 200 with
  ErrorCode in the body; after an action the answer is the record as it now stands.</p>
  <p>Try a query in the browser:
  <code>${escapeHtml(options.pagePath)}?ManagerLoginName=…&amp;ManagerPassword=…&amp;LaunchID=…</code></p>
  <h3>Launch STATUS</h3>
  ${table(['STATUS', 'condition', 'StatusText'], launchStates)}
  <h3>Job STATUS</h3>
  ${table(['STATUS', 'condition', 'StatusText'], jobStates)}
  <h3>ErrorCode</h3>
  ${table(['ErrorCode', 'ErrorMSG'], errors)}
  </section>`;
}

export function renderForms(options: FormsOptions): string {
  const forms = (list: FormSpec[]) => list.map((form) => renderForm(form, options)).join('\n  ');
  return `<!DOCTYPE html>
<html lang="zh-Hant">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>TaskManager.aspx — the original document's forms</title>
<style>
  body { font-family: system-ui, sans-serif; margin: 1.5rem auto; max-width: 60rem; padding: 0 1rem; line-height: 1.4; }
  fieldset { margin: 0 0 1rem; border: 1px solid #bbb; }
  legend { font-weight: 600; }
  label { display: inline-block; min-width: 14rem; }
  table { border-collapse: collapse; margin-bottom: 1rem; }
  th, td { border: 1px solid #ccc; padding: .2rem .5rem; text-align: left; vertical-align: top; }
  .forms { display: grid; grid-template-columns: repeat(auto-fit, minmax(27rem, 1fr)); gap: 0 1rem; }
</style>
</head>
<body>
<h1>TaskManager.aspx — the original document's forms</h1>
<p>Every form posts <code>multipart/form-data</code> to <code>${escapeHtml(options.pagePath)}</code> with the field names of the
original document, the credentials typed into it. The answer opens in this window: use the browser's Back button to return.
ReturnType FILE downloads the CSV under the record's name (<code>launch-5001.csv</code>).
For a console that signs in once, shows launches and jobs as they change and the answer of every action, see
<a href="${escapeHtml(options.consolePath)}">the console</a>.</p>
<h2>Launches (任務管理)</h2>
<div class="forms">
  ${forms(LAUNCH_FORMS)}
</div>
<h2>Jobs (寄送管理)</h2>
<div class="forms">
  ${forms(JOB_FORMS)}
</div>
<h2>Recipients</h2>
<div class="forms">
  ${forms([RECIPIENT_FORM])}
</div>
${guide(options)}
</body>
</html>
`;
}
