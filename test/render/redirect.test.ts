import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { redirectLocation, templateRefusal, urlRefusal } from '../../src/render/redirect.ts';
import { PLACEHOLDER, substitutePlaceholders } from '../../src/render/placeholders.ts';
import { anyString, arbitraryResponse, errorAnswer, jobResponse } from './render-fixtures.ts';

const HOSTS = ['client.example', 'portal.example:8443', '.trusted.example'];

describe('templateRefusal: what may be redirected to', () => {
  it.each([
    ['/done.aspx'],
    ['/done.aspx?code=%errorcode%&%omisquerystring%'],
    ['done.aspx?l=%launchid%'],
    ['../result/%launchid%.html'],
    ['?again=1'],
    ['#top'],
    ['%launchid%.html'],
    ['/a/%launchid%/b'],
    ['http://client.example/ok'],
    ['https://client.example/ok?c=%errorcode%'],
    ['HTTPS://CLIENT.EXAMPLE/ok'],
    ['https://client.example:9000/any-port'],
    ['https://portal.example:8443/listed-port'],
    ['https://app.trusted.example/sub'],
    ['https://client.example/path with spaces'],
    ['https://client.example/中文?q=%errormsg%'],
  ])('allows %s', (template) => {
    expect(templateRefusal(template, HOSTS)).toBeUndefined();
  });

  it.each([
    ['another host', 'https://evil.example/'],
    ['a listed host on another port', 'https://portal.example:9999/'],
    ['the parent of a .suffix entry', 'https://trusted.example/'],
    ['a look-alike host', 'https://client.example.evil.example/'],
    ['scheme-relative', '//evil.example/'],
    ['scheme-relative to a listed host', '//client.example/'],
    ['javascript:', 'javascript:alert(1)'],
    ['JavaScript: in capitals', 'JavaScript:alert(1)'],
    ['data:', 'data:text/html,<script>alert(1)</script>'],
    ['vbscript:', 'vbscript:msgbox(1)'],
    ['ftp:', 'ftp://client.example/a'],
    ['http: without //', 'http:evil.example'],
    ['http:/ with one slash', 'http:/evil.example'],
    ['a backslash after the scheme', 'https:\\\\evil.example'],
    ['a backslash path', '/\\evil.example'],
    ['a backslash in the host', 'https://client.example\\@evil.example/'],
    ['user information', 'https://client.example@evil.example/'],
    ['user information before a listed host', 'https://evil.example@client.example/'],
    ['user and password', 'https://u:p@client.example/'],
    ['CR LF injection', '/done\r\nSet-Cookie: a=b'],
    ['a bare LF', '/done\nx'],
    ['a tab', '/do\tne'],
    ['a NUL', '/done\u0000'],
    ['DEL', '/done\u007f'],
    ['a percent-encoded host', 'https://client%2eexample/'],
    ['a placeholder in the host', 'https://%customerid%.client.example/'],
    ['a placeholder as the host', 'https://%customerid%/'],
    ['a colon in the first relative segment', 'evil:1234'],
    ['a placeholder that could form a scheme', '%customerid%:alert(1)'],
    ['a placeholder that could empty into //', '/%launchid%/evil.example'],
    ['placeholders that could empty into ///', '/%launchid%/%jobid%/evil.example'],
    ['no host', 'https:///path'],
  ])('refuses %s', (_name, template) => {
    expect(templateRefusal(template, HOSTS)).toBeDefined();
  });

  it('refuses every absolute URL when the list is empty, but allows relative ones', () => {
    expect(templateRefusal('https://client.example/', [])).toBeDefined();
    expect(templateRefusal('/done', [])).toBeUndefined();
  });

  it('allows any http(s) host with *, still refusing the tricks', () => {
    expect(templateRefusal('https://anything.example/', ['*'])).toBeUndefined();
    expect(templateRefusal('javascript:alert(1)', ['*'])).toBeDefined();
    expect(templateRefusal('//anything.example/', ['*'])).toBeDefined();
    expect(templateRefusal('https://a@anything.example/', ['*'])).toBeDefined();
  });
});

describe('redirectLocation: which URL, filled in', () => {
  const targets = { successful: '/ok?l=%launchid%', failed: '/bad?e=%errorcode%&m=%errormsg%', refer: '/refer?%omisquerystring%' };

  it('uses SuccessfulUrl when ErrorCode is 0', () => {
    expect(redirectLocation(targets, jobResponse(), HOSTS)).toBe('/ok?l=5001');
  });

  it('uses FailedUrl when ErrorCode > 0', () => {
    expect(redirectLocation(targets, errorAnswer(111), HOSTS)).toBe("/bad?e=111&m=LaunchID%20doesn't%20exist");
  });

  it('falls back to ReferUrl when the applicable one is not given', () => {
    expect(redirectLocation({ refer: targets.refer }, errorAnswer(100), HOSTS)).toBe(
      '/refer?ErrorCode=100&ErrorMSG=Invalid%20ManagerLoginName%20or%20ManagerPassword&LaunchID=&JobID=&UserID=&CustomerID=&ReportPath=',
    );
    expect(redirectLocation({ failed: '/bad', refer: '/refer' }, jobResponse(), HOSTS)).toBe('/refer');
  });

  it('answers with the body when the URL comes out blank (only empty placeholders)', () => {
    expect(redirectLocation({ failed: '%launchid%' }, errorAnswer(100), HOSTS)).toBeUndefined();
    expect(redirectLocation({ failed: '%launchid%' }, errorAnswer(111, { launchId: '7' }), HOSTS)).toBe('7');
  });

  it('answers with the body when no URL applies', () => {
    expect(redirectLocation({ failed: '/bad' }, jobResponse(), HOSTS)).toBeUndefined();
    expect(redirectLocation({}, errorAnswer(100), HOSTS)).toBeUndefined();
  });

  it('sends spaces and non-ASCII characters of the template as %XX', () => {
    expect(redirectLocation({ successful: 'https://client.example/完成 頁?x=1' }, jobResponse(), HOSTS)).toBe(
      'https://client.example/%E5%AE%8C%E6%88%90%20%E9%A0%81?x=1',
    );
  });
});

describe('redirects, property: an allowed template gives an allowed URL for any answer', () => {
  // Templates built from pieces that matter, with placeholders anywhere in them.
  const piece = fc.constantFrom(
    '/', '//', '?', '#', '&', '=', ':', '@', '.', '..', 'a', 'done.aspx', '%launchid%', '%jobid%', '%customerid%',
    '%errormsg%', '%omisquerystring%', '%ReportPath%', 'https://client.example', 'http://portal.example:8443', 'javascript:', '%', ' ',
  );
  const template = fc.array(piece, { minLength: 1, maxLength: 8 }).map((parts) => parts.join(''));

  it('never leaves the allowed hosts, never forms a scheme or //, never puts raw characters in Location', () => {
    fc.assert(
      fc.property(template, arbitraryResponse, (raw, response) => {
        if (templateRefusal(raw, HOSTS) !== undefined) return;
        const location = redirectLocation({ successful: raw, failed: raw }, response, HOSTS);
        // A template that comes out blank (only placeholders the answer leaves empty) is no URL:
        // an empty Location would bring the browser back to this page, so the body answers.
        if (substitutePlaceholders(raw, response).trim() === '') {
          expect(location).toBeUndefined();
          return;
        }
        expect(location).toBeDefined();
        expect(location).toMatch(/^[\x21-\x7E]+$/);
        expect(urlRefusal(location!, HOSTS)).toBeUndefined();
        const resolved = new URL(location!, 'https://this.server/WebAPI/TaskManager.aspx');
        const expectedOrigin = /^https?:/i.test(raw) ? new URL(raw.replace(PLACEHOLDER, '')).origin : 'https://this.server';
        expect(resolved.origin).toBe(expectedOrigin);
      }),
      { numRuns: 3000 },
    );
  });

  it('no string at all slips past the check into a foreign origin', () => {
    fc.assert(
      fc.property(anyString, (raw) => {
        if (templateRefusal(raw, HOSTS) !== undefined) return;
        const location = redirectLocation({ successful: raw }, jobResponse(), HOSTS);
        if (location === undefined) return;
        const resolved = new URL(location, 'https://this.server/WebAPI/TaskManager.aspx');
        expect(['https://this.server', 'https://client.example', 'http://client.example']).toContain(resolved.origin);
      }),
      { numRuns: 3000 },
    );
  });
});
