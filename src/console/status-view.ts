import { html, type Html } from './html.ts';
import { conditionOf, englishStatus, jobSteps } from './status-labels.ts';

/** Status texts as the console shows them: the contract's Chinese text with English beside it, marked by condition. */
export function statusBadge(text: string, errorCode: number): Html {
  const condition = conditionOf(errorCode);
  return html`<span class="status ${condition}"><span lang="zh-Hant">${text}</span> <span class="en">${englishStatus(text)}</span></span>`;
}

/** A job's progress 1 → 8 → 0 as an ordered list; the current step says how the job stands (paused, terminated, error). */
export function jobProgress(status: number, errorCode: number): Html {
  const condition = conditionOf(errorCode);
  const steps = jobSteps(status);
  return html`<ol class="steps ${condition}" aria-label="Progress: STATUS ${status}${condition === 'ok' ? '' : `, ${condition}`}">${steps.map(
    (step) =>
      html`<li class="${step.state}"${step.state === 'current' ? html` aria-current="step"` : ''} title="${step.status} ${step.text} ${step.english}"><span aria-hidden="true">${step.status}</span><span class="visually-hidden">${step.status} ${step.english}: ${step.state === 'current' ? (condition === 'ok' ? 'now' : `now, ${condition}`) : step.state}</span></li>`,
  )}</ol>`;
}
