import { randomBytes } from 'node:crypto';
import { renderCsv } from '../render/csv-response.ts';
import type { Answer } from '../render/answer.ts';
import { renderXml } from '../render/xml-response.ts';
import { Field } from '../request/fields.ts';
import { html, type Html } from './html.ts';
import { curlCommand, getUrl, htmlForm, MASK, type CopyRequest, type Piece } from './request-to-copy.ts';

/**
 * What a legacy client would have got, and how to ask for it: after each action and lookup the
 * console shows the answer exactly as the page renders it (the same renderers, from the same
 * answer), as XML or as CSV, and the request that gets it — a GET URL, a curl command, the HTML
 * form — with the password masked until the user types it in (request-to-copy.ts).
 */
export interface PanelData {
  title: string;
  /** The submit caption of the HTML form to copy. */
  caption: string;
  /** The request's fields after the credentials. */
  fields: Array<[string, string]>;
  errorCode: number;
  errorMsg: string;
  /** 503 for 9999, as the page answers it. */
  httpStatus: number;
  xml: string;
  csv: string;
}

/** A very large answer is shown in part: the page would send it whole. */
export const SHOWN_CHARS = 64 * 1024;

const cut = (text: string) => (text.length > SHOWN_CHARS ? `${text.slice(0, SHOWN_CHARS)}\n… (${text.length - SHOWN_CHARS} more characters)` : text);

export async function panelData(title: string, caption: string, fields: Array<[string, string]>, response: Answer): Promise<PanelData> {
  return {
    title,
    caption,
    fields,
    errorCode: response.errorCode,
    errorMsg: response.errorMsg,
    httpStatus: response.errorCode === 9999 ? 503 : 200,
    xml: cut(renderXml(response)),
    csv: cut(await renderCsv(response)),
  };
}

function pieces(list: readonly Piece[]): Html {
  return html`${list.map((piece) => (typeof piece === 'string' ? piece : html`<span class="secret" data-secret="${piece.secret}">${MASK}</span>`))}`;
}

function copyBlock(id: string, label: string, list: readonly Piece[]): Html {
  return html`<div class="copy-block">
      <h4 id="${id}-label">${label}</h4>
      <pre id="${id}" aria-labelledby="${id}-label"><code>${pieces(list)}</code></pre>
      <button type="button" class="copy-button" data-copy="${id}" aria-label="Copy the ${label}">Copy</button>
    </div>`;
}

function copies(id: string, request: CopyRequest, variant: string, hidden: boolean): Html {
  return html`<div class="copies" data-variant="${variant}"${hidden ? html` hidden` : ''}>
    ${copyBlock(`${id}-${variant}-url`, 'GET URL', getUrl(request))}
    ${copyBlock(`${id}-${variant}-curl`, 'curl command', curlCommand(request))}
    ${copyBlock(`${id}-${variant}-form`, 'HTML form', htmlForm(request))}
  </div>`;
}

export function answerPanel(data: PanelData, who: { login: string; pageUrl: string }): Html {
  const id = `panel-${randomBytes(4).toString('hex')}`;
  const request: CopyRequest = { pageUrl: who.pageUrl, login: who.login, fields: data.fields, caption: data.caption };
  const asCsv: CopyRequest = { ...request, fields: [...data.fields, [Field.returnType, 'CSV']] };
  const outcome = data.errorCode === 0 ? html`<span class="result ok">ErrorCode 0</span>` : html`<span class="result refused">ErrorCode ${data.errorCode}: ${data.errorMsg}</span>`;
  return html`<section class="panel" aria-labelledby="${id}-title">
  <h2 id="${id}-title">${data.title} ${outcome}</h2>
  <fieldset class="variant-choice">
    <legend>Answer as</legend>
    <label><input type="radio" name="${id}-variant" value="xml" data-variant-choice checked> XML (the default ReturnType)</label>
    <label><input type="radio" name="${id}-variant" value="csv" data-variant-choice> CSV (ReturnType=CSV)</label>
  </fieldset>
  <h3>The answer a legacy client gets <small>HTTP ${data.httpStatus}</small></h3>
  <pre class="answer" data-variant="xml" tabindex="0" aria-label="XML answer"><code>${data.xml}</code></pre>
  <pre class="answer" data-variant="csv" tabindex="0" aria-label="CSV answer" hidden><code>${data.csv}</code></pre>
  <h3>The request that gets it</h3>
  <p class="password-fill"><label>Password to put into the copies <input type="password" autocomplete="off" data-fill-password></label>
    <small>It stays in this page: the console never sees it.</small></p>
  ${copies(id, request, 'xml', false)}
  ${copies(id, asCsv, 'csv', true)}
</section>`;
}
