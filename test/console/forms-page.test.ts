import { describe, expect, it } from 'vitest';
import { JOB_FORMS, LAUNCH_FORMS } from '../../src/console/forms.ts';
import { databaseKind, multipartBody, useSeededApp } from '../helper.ts';
import { logins } from '../fixtures/standard-seed.ts';
import { parseResponse } from '../xml.ts';

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

describe(`the original document's forms at /WebAPI/forms (${databaseKind})`, () => {
  const t = useSeededApp();

  it('serves them as HTML without script, that cannot be cached or framed', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/WebAPI/forms' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['content-security-policy']).toContain("form-action 'self'");
    expect(res.body).not.toMatch(/<script/i);
  });

  it('holds a form for every launch and job action: post, multipart, straight to the page, credentials in each', async () => {
    const forms = formsOf((await t.app.inject({ method: 'GET', url: '/WebAPI/forms' })).body);
    const actionForms = forms.filter((form) => form.attr('action') === '/WebAPI/TaskManager.aspx');
    expect(actionForms.map((form) => form.attr('id'))).toEqual([...LAUNCH_FORMS, ...JOB_FORMS, { id: 'recipient-query' }].map((form) => form.id));
    // Nothing is posted to the console: Back never asks to resubmit a form.
    expect(forms.every((form) => form.attr('action') === '/WebAPI/TaskManager.aspx')).toBe(true);
    for (const form of actionForms) {
      expect(form.attr('method')).toBe('post');
      expect(form.attr('enctype')).toBe('multipart/form-data');
      const byName = new Map(form.inputs.map((input) => [input.name, input.type]));
      expect(byName.get('ManagerLoginName')).toBe('text');
      expect(byName.get('ManagerPassword')).toBe('password');
      expect(byName.get('Submit')).toBe('submit');
    }
    const hidden = (id: string) =>
      actionForms.find((form) => form.attr('id') === id)!.inputs.filter((input) => input.type === 'hidden').map((input) => `${input.name}=${input.value}`);
    expect(['launch-query', 'launch-delete', 'launch-terminate', 'launch-pause', 'launch-unpause', 'launch-expiry'].map(hidden)).toEqual([
      [], ['LaunchAction=1'], ['LaunchAction=2'], ['LaunchAction=3'], ['LaunchAction=4'], ['LaunchAction=5'],
    ]);
    expect(['job-query', 'job-delete', 'job-terminate', 'job-pause', 'job-unpause', 'job-restart'].map(hidden)).toEqual([
      [], ['JobAction=1'], ['JobAction=2'], ['JobAction=3'], ['JobAction=4'], ['JobAction=5'],
    ]);
  });

  it('is answered by the page when submitted as a browser submits it', async () => {
    const { payload, headers } = multipartBody([
      ['ManagerLoginName', logins.mkt.ManagerLoginName],
      ['ManagerPassword', logins.mkt.ManagerPassword],
      ['LaunchID', '5001'],
      ['ReturnType', ''],
      ['Submit', '查詢任務'],
    ]);
    const answer = parseResponse((await t.app.inject({ method: 'POST', url: '/WebAPI/TaskManager.aspx', payload, headers })).body);
    expect(answer.ErrorCode).toBe('0');
    expect(answer.LAUNCH!.LaunchID).toBe('5001');
  });

  it('shows the guide: parameters, answer forms, status and error tables', async () => {
    const html = (await t.app.inject({ method: 'GET', url: '/WebAPI/forms' })).body;
    for (const text of ['ReturnType', 'XMLFILE', '%omisquerystring%', '等候下次啟動', '追蹤中', "JobID doesn&#39;t exist", 'No Licence at Page', 'Asia/Taipei']) {
      expect(html).toContain(text);
    }
  });

  it('sends /WebAPI to /WebAPI/, which leads to the console', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/WebAPI' })).headers.location).toBe('/WebAPI/');
    expect((await t.app.inject({ method: 'GET', url: '/webapi/index.html' })).headers.location).toBe('/console/');
  });
});
