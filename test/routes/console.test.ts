import { describe, expect, it } from 'vitest';
import { XMLParser } from 'fast-xml-parser';
import { JOB_FORMS, LAUNCH_FORMS } from '../../src/console/forms.ts';
import { escapeHtml } from '../../src/console/console-page.ts';
import { databaseKind, multipartBody, useSeededApp } from '../helper.ts';
import { logins } from '../fixtures/standard-seed.ts';

const parser = new XMLParser({ parseTagValue: false, isArray: (name) => ['JOB'].includes(name) });

/** Each <form …>…</form> of the page with its attributes and the inputs it holds. */
function formsOf(html: string) {
  return [...html.matchAll(/<form ([^>]*)>([\s\S]*?)<\/form>/g)].map(([, attrs, body]) => ({
    attr: (name: string) => new RegExp(`${name}="([^"]*)"`).exec(attrs!)?.[1],
    inputs: [...body!.matchAll(/<(?:input|select) ([^>]*)>/g)].map(([, input]) => ({
      name: /name="([^"]*)"/.exec(input!)?.[1],
      type: /type="([^"]*)"/.exec(input!)?.[1] ?? 'select',
      value: /value="([^"]*)"/.exec(input!)?.[1],
    })),
  }));
}

describe(`the console at /WebAPI/ (${databaseKind})`, () => {
  const t = useSeededApp();

  it.each(['/WebAPI/', '/webapi/', '/WEBAPI/INDEX.HTML', '/WebAPI/index.html'])('serves %s as HTML that cannot be cached or framed', async (url) => {
    const res = await t.app.inject({ method: 'GET', url });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['content-security-policy']).toContain("form-action 'self'");
    expect(res.body).toContain('<!DOCTYPE html>');
    // No script at all: it works with JavaScript off.
    expect(res.body).not.toMatch(/<script/i);
  });

  it('sends /WebAPI to /WebAPI/', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/WebAPI' });
    expect(res.statusCode).toBe(301);
    expect(res.headers.location).toBe('/WebAPI/');
  });

  it("holds the document's forms for every launch and job action: post, multipart, the page, the exact field names", async () => {
    const forms = formsOf((await t.app.inject({ method: 'GET', url: '/WebAPI/' })).body);
    const actionForms = forms.filter((form) => form.attr('action') === '/WebAPI/TaskManager.aspx');
    expect(actionForms.map((form) => form.attr('id'))).toEqual([...LAUNCH_FORMS, ...JOB_FORMS, { id: 'recipient-query' }].map((form) => form.id));
    for (const form of actionForms) {
      expect(form.attr('method')).toBe('post');
      expect(form.attr('enctype')).toBe('multipart/form-data');
      const names = form.inputs.map((input) => input.name);
      expect(names).toContain('ManagerLoginName');
      expect(names).toContain('ManagerPassword');
      expect(names).toContain('Submit');
    }
    const hidden = (id: string) =>
      actionForms.find((form) => form.attr('id') === id)!.inputs.filter((input) => input.type === 'hidden').map((input) => `${input.name}=${input.value}`);
    expect(['launch-query', 'launch-delete', 'launch-terminate', 'launch-pause', 'launch-unpause', 'launch-expiry'].map(hidden)).toEqual([
      [], ['LaunchAction=1'], ['LaunchAction=2'], ['LaunchAction=3'], ['LaunchAction=4'], ['LaunchAction=5'],
    ]);
    expect(['job-query', 'job-delete', 'job-terminate', 'job-pause', 'job-unpause', 'job-restart'].map(hidden)).toEqual([
      [], ['JobAction=1'], ['JobAction=2'], ['JobAction=3'], ['JobAction=4'], ['JobAction=5'],
    ]);
    const expiry = actionForms.find((form) => form.attr('id') === 'launch-expiry')!;
    expect(expiry.inputs.map((input) => input.name)).toEqual(
      expect.arrayContaining(['LaunchID', 'ExpireTime', 'ReturnType']),
    );
  });

  it('carries the credentials into every form as hidden fields after signing in, escaped', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/WebAPI/',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'ManagerLoginName=acme-mkt&ManagerPassword=' + encodeURIComponent('p"<w>&\'d'),
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    const forms = formsOf(res.body).filter((form) => form.attr('action') === '/WebAPI/TaskManager.aspx');
    for (const form of forms) {
      expect(form.inputs.filter((input) => input.type === 'hidden' && input.name?.startsWith('Manager')).map((i) => `${i.name}=${i.value}`)).toEqual([
        'ManagerLoginName=acme-mkt',
        `ManagerPassword=${escapeHtml('p"<w>&\'d')}`,
      ]);
    }
    expect(res.body).not.toContain('p"<w>');
  });

  it('answers a form submitted as the browser submits it', async () => {
    const { payload, headers } = multipartBody([
      ['ManagerLoginName', logins.mkt.ManagerLoginName],
      ['ManagerPassword', logins.mkt.ManagerPassword],
      ['LaunchID', '5001'],
      ['ReturnType', ''],
      ['Submit', '查詢任務'],
    ]);
    const res = await t.app.inject({ method: 'POST', url: '/WebAPI/TaskManager.aspx', payload, headers });
    const xml = parser.parse(res.body).RESPONSE;
    expect(xml.ErrorCode).toBe('0');
    expect(xml.LAUNCH.LaunchID).toBe('5001');
  });

  it('shows the guide: parameters, response forms, status and error tables', async () => {
    const html = (await t.app.inject({ method: 'GET', url: '/WebAPI/' })).body;
    for (const text of ['ReturnType', 'XMLFILE', '%omisquerystring%', '等候下次啟動', '追蹤中', "JobID doesn&#39;t exist", 'No Licence at Page', 'Asia/Taipei']) {
      expect(html).toContain(text);
    }
  });
});
