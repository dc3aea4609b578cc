import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configWith } from '../../src/config/config.ts';
import { parseUrlEncoded } from '../../src/request/aspnet-decode.ts';
import { ParamBag } from '../../src/request/param-bag.ts';
import { returnTypeOf } from '../../src/request/page-request.ts';
import { acceptsCsv } from '../../src/request/accept.ts';
import { allowedRedirects } from '../../src/request/redirect-targets.ts';
import { attachmentName, sendAnswer } from '../../src/render/send-answer.ts';
import type { Answer } from '../../src/render/answer.ts';
import { errorAnswer, jobResponse, launchResponse } from './render-fixtures.ts';

/** A bare Fastify that renders a fixed answer, with the plan its query string asks for. */
async function renderer(answers: Record<string, Answer>, env: Record<string, string> = {}) {
  const app = Fastify();
  const config = configWith({ OMIS_REDIRECT_HOSTS: 'client.example', ...env });
  app.get('/:answer', async (request, reply) => {
    const bag = new ParamBag([['query', parseUrlEncoded(request.url.split('?')[1] ?? '')]]);
    const plan = {
      returnType: returnTypeOf(bag, config.OMIS_DEFAULT_RETURN_TYPE),
      csvType: acceptsCsv(request.headers.accept) ? ('text/csv' as const) : ('text/plain' as const),
      redirects: allowedRedirects(bag, config.OMIS_REDIRECT_HOSTS),
      redirectHosts: config.OMIS_REDIRECT_HOSTS,
    };
    return sendAnswer(reply, answers[(request.params as { answer: string }).answer]!, plan);
  });
  await app.ready();
  return app;
}

describe('returnTypeOf', () => {
  const bag = (value?: string) => new ParamBag([['query', value === undefined ? [] : [['returntype', value]]]]);
  it.each([
    ['XML', 'XML'], ['xml', 'XML'], ['1', 'XML'],
    ['CSV', 'CSV'], ['csv', 'CSV'], ['2', 'CSV'],
    ['FILE', 'FILE'], ['File', 'FILE'], ['3', 'FILE'],
    ['XMLFILE', 'XMLFILE'], ['XmlFile', 'XMLFILE'], [' csv ', 'CSV'],
  ] as const)('%j → %s', (given, form) => {
    expect(returnTypeOf(bag(given), 'XML')).toBe(form);
  });
  it.each([undefined, '', '4', 'JSON', '0'])('%j → the configured default', (given) => {
    expect(returnTypeOf(bag(given), 'CSV')).toBe('CSV');
  });
});

describe('attachmentName', () => {
  it.each([
    [launchResponse(), 'csv', 'launch-5001.csv'],
    [jobResponse(), 'xml', 'job-9001.xml'],
    [errorAnswer(111, { launchId: '5001' }), 'csv', 'error.csv'],
    [errorAnswer(9999), 'xml', 'error.xml'],
  ] as const)('%#: %s', (response, extension, name) => {
    expect(attachmentName(response, extension)).toBe(name);
  });
});

describe('sendAnswer', () => {
  let app: Awaited<ReturnType<typeof renderer>>;
  beforeAll(async () => {
    app = await renderer({ launch: launchResponse(), job: jobResponse(), missing: errorAnswer(111, { launchId: '77' }), down: errorAnswer(9999) });
  });
  afterAll(async () => app?.close());

  it('answers XML by default, inline, not cacheable', async () => {
    const res = await app.inject('/launch');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/xml; charset=utf-8');
    expect(res.headers['content-disposition']).toBeUndefined();
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.body).toMatch(/^<\?xml version="1.0" encoding="utf-8"\?>\n<RESPONSE>/);
  });

  it('answers CSV inline as text/plain, which browsers display, without a BOM', async () => {
    const res = await app.inject('/launch?ReturnType=csv');
    expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(res.headers['content-disposition']).toBeUndefined();
    expect(res.body.startsWith('ErrorCode,ErrorMSG,RecordType,')).toBe(true);
  });

  it('answers CSV as text/csv when the request asks for text/csv by name', async () => {
    const res = await app.inject({ url: '/launch?ReturnType=csv', headers: { accept: 'text/csv' } });
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBeUndefined();
    const browser = await app.inject({ url: '/launch?ReturnType=csv', headers: { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' } });
    expect(browser.headers['content-type']).toBe('text/plain; charset=utf-8');
  });

  it('answers FILE as a text/csv attachment whatever the Accept header says', async () => {
    const res = await app.inject({ url: '/launch?ReturnType=FILE', headers: { accept: 'text/html,*/*;q=0.8' } });
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe('attachment; filename="launch-5001.csv"');
  });

  it('answers FILE (3) as a CSV attachment named after the record, with a UTF-8 BOM', async () => {
    const res = await app.inject('/launch?ReturnType=3');
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe('attachment; filename="launch-5001.csv"');
    expect(res.rawPayload.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    expect(res.rawPayload.toString('utf8')).toContain('週年慶');
  });

  it('answers XMLFILE as an XML attachment', async () => {
    const res = await app.inject('/job?returntype=xmlfile');
    expect(res.headers['content-type']).toBe('text/xml; charset=utf-8');
    expect(res.headers['content-disposition']).toBe('attachment; filename="job-9001.xml"');
    expect(res.body).toContain('<JobID>9001</JobID>');
  });

  it.each([
    ['XML', 'text/xml; charset=utf-8', undefined, '<ErrorCode>111</ErrorCode>'],
    ['CSV', 'text/plain; charset=utf-8', undefined, "111,LaunchID doesn't exist,,77,"],
    ['FILE', 'text/csv; charset=utf-8', 'attachment; filename="error.csv"', "111,LaunchID doesn't exist,,77,"],
    ['XMLFILE', 'text/xml; charset=utf-8', 'attachment; filename="error.xml"', '<LaunchID>77</LaunchID>'],
  ])('answers an error in the form asked for: %s', async (form, type, disposition, text) => {
    const res = await app.inject(`/missing?ReturnType=${form}`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe(type);
    expect(res.headers['content-disposition']).toBe(disposition);
    expect(res.body).toContain(text);
  });

  it.each(['XML', 'CSV', 'FILE', 'XMLFILE'])('answers 9999 with HTTP 503 in the form asked for: %s', async (form) => {
    const res = await app.inject(`/down?ReturnType=${form}`);
    expect(res.statusCode).toBe(503);
    expect(res.body).toContain('9999');
  });

  it('redirects to SuccessfulUrl with the placeholders filled', async () => {
    const res = await app.inject(`/job?SuccessfulUrl=${encodeURIComponent('https://client.example/ok?j=%jobid%&l=%LaunchID%')}&ReturnType=CSV`);
    expect(res.statusCode).toBe(302);
    expect(res.headers.location).toBe('https://client.example/ok?j=9001&l=5001');
  });

  it('redirects an error to FailedUrl, also for 9999', async () => {
    const failed = encodeURIComponent('/failed.aspx?code=%errorcode%');
    expect((await app.inject(`/missing?FailedUrl=${failed}`)).headers.location).toBe('/failed.aspx?code=111');
    const down = await app.inject(`/down?FailedUrl=${failed}`);
    expect(down.statusCode).toBe(302);
    expect(down.headers.location).toBe('/failed.aspx?code=9999');
  });

  it('answers with the body when the redirect given is not allowed (the route answered 106 before acting)', async () => {
    const res = await app.inject(`/missing?FailedUrl=${encodeURIComponent('https://evil.example/')}`);
    expect(res.statusCode).toBe(200);
    expect(res.headers.location).toBeUndefined();
    expect(res.body).toContain('<ErrorCode>111</ErrorCode>');
  });
});

describe('sendTaskResponse with OMIS_DEFAULT_RETURN_TYPE', () => {
  it('uses the configured form when ReturnType is absent', async () => {
    const app = await renderer({ launch: launchResponse() }, { OMIS_DEFAULT_RETURN_TYPE: 'file' });
    try {
      const res = await app.inject('/launch');
      expect(res.headers['content-disposition']).toBe('attachment; filename="launch-5001.csv"');
      expect((await app.inject('/launch?ReturnType=XML')).headers['content-type']).toBe('text/xml; charset=utf-8');
    } finally {
      await app.close();
    }
  });
});
