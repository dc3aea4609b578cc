import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PLACEHOLDER, substitutePlaceholders } from '../../src/render/placeholders.ts';
import { redirectLocation, templateRefusal, type RedirectTargets } from '../../src/render/redirect.ts';
import type { Answer } from '../../src/render/answer.ts';
import type { ErrorCode } from '../../src/errors/error-codes.ts';
import { hostileText } from './fuzz-arbitraries.ts';

/**
 * Property tests of placeholder substitution and redirects (docs/API.md#redirects): whatever the response
 * holds (a record's owner, an error message, an echoed ID), no substitution can move a redirect off
 * the allowed hosts, inject a header line, or throw.
 */
const RUNS = { numRuns: 3000 };
const HOSTS = ['ok.example', 'cb.ok.example:8443'];
const PAGE = 'http://omis.local/WebAPI/TaskManager.aspx';

const response = fc.record({
  errorCode: fc.constantFrom<ErrorCode>(0, 100, 101, 103, 106, 110, 111, 115, 1000, 9999),
  errorMsg: hostileText,
  launchId: hostileText,
  jobId: hostileText,
  userId: hostileText,
  customerId: hostileText,
  reportPath: hostileText,
}) as fc.Arbitrary<Answer>;

const placeholder = fc.constantFrom('%errorcode%', '%ERRORMSG%', '%LaunchID%', '%userid%', '%customerid%', '%reportpath%', '%jobid%', '%omisquerystring%');

/** Redirect templates as attackers and careless integrators write them. */
const template = fc
  .tuple(
    fc.constantFrom('https://', 'http://', 'HTTPS://', '//', '', '/', './', 'javascript:', 'data:', 'https:/', 'https:\\\\', ' https://', 'https:', '\thttp://'),
    fc.constantFrom('ok.example', 'OK.EXAMPLE', 'cb.ok.example:8443', 'evil.example', 'ok.example.evil.example', 'ok.example@evil.example', 'evil.example#ok.example', '127.0.0.1', '[::1]', '', '%launchid%', 'ok.%jobid%', 'ok.example%2F@evil.example'),
    fc.array(fc.oneof(placeholder, fc.constantFrom('/', '?', '&', '=', '#', 'cb', 'x=', '%', '%2F', '\\', '@', ':', '//', '..', ' ', '\r\n', 'é'), hostileText), { maxLength: 8 }),
  )
  .map(([scheme, host, rest]) => `${scheme}${host}${rest.join('')}`);

describe('substitutePlaceholders', () => {
  it('never throws, and leaves a template without placeholders as it is', () => {
    fc.assert(
      fc.property(hostileText, response, (text, res) => {
        const out = substitutePlaceholders(text, res);
        if (text.match(PLACEHOLDER) === null) expect(out).toBe(text);
      }),
      RUNS,
    );
  });

  it('substitutes only URL-safe characters: values can never add syntax', () => {
    fc.assert(
      fc.property(fc.array(placeholder, { minLength: 1, maxLength: 5 }), response, (names, res) => {
        const out = substitutePlaceholders(names.join('|'), res);
        for (const part of out.split('|')) expect(part).toMatch(/^[A-Za-z0-9\-_.!~*'()%=&]*$/);
      }),
      RUNS,
    );
  });

  it('substitutes in one pass: a value holding a placeholder is not expanded again', () => {
    fc.assert(
      fc.property(response, placeholder, (res, name) => {
        const out = substitutePlaceholders('%jobid%', { ...res, jobId: name });
        expect(out).toBe(encodeURIComponent(name));
      }),
    );
  });
});

describe('redirects', () => {
  it('a template that passes the check can only ever send the browser to this server or an allowed host', () => {
    let followed = 0;
    fc.assert(
      fc.property(template, response, (raw, res) => {
        // As the parameter bag hands templates over: trimmed, blank meaning not given.
        const tpl = raw.trim();
        if (tpl === '' || templateRefusal(tpl, HOSTS) !== undefined) return;
        const targets: RedirectTargets = { successful: tpl, failed: tpl };
        const location = redirectLocation(targets, res, HOSTS);
        if (location === undefined) return;
        followed++;
        // Printable ASCII only: no header splitting, nothing a browser would reinterpret. (Empty
        // when the template is only placeholders the answer leaves empty: this page again.)
        expect(location).toMatch(/^[\x21-\x7E]*$/);
        const landed = new URL(location, PAGE);
        expect(['http:', 'https:']).toContain(landed.protocol);
        // ok.example is listed for any port, cb.ok.example for 8443 only.
        const allowed = landed.host === 'omis.local' || landed.hostname === 'ok.example' || landed.host === 'cb.ok.example:8443';
        expect(allowed, landed.href).toBe(true);
      }),
      RUNS,
    );
    // Not vacuous: a good share of the generated templates are allowed and followed.
    expect(followed).toBeGreaterThan(RUNS.numRuns / 20);
  });

  it('judging a template never throws, whatever it holds', () => {
    fc.assert(
      fc.property(fc.oneof(template, hostileText), (tpl) => {
        const refusal = templateRefusal(tpl, HOSTS);
        expect(refusal === undefined || typeof refusal === 'string').toBe(true);
      }),
      RUNS,
    );
  });
});
