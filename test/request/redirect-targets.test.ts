import { describe, expect, it } from 'vitest';
import { ApiError } from '../../src/errors/error-codes.ts';
import { ParamBag } from '../../src/request/param-bag.ts';
import { checkRedirects, readRedirectTargets } from '../../src/request/redirect-targets.ts';

const HOSTS = ['client.example', 'portal.example:8443', '.trusted.example'];

describe('readRedirectTargets and checkRedirects', () => {
  it('reads SuccessfulUrl, the printed SuccessfulUr, FailedUrl and ReferUrl in any case', () => {
    const bag = new ParamBag([['query', [['successfulur', '/ok'], ['FAILEDURL', '/bad'], ['referurl', '/any']]]]);
    expect(readRedirectTargets(bag)).toEqual({ successful: '/ok', failed: '/bad', refer: '/any' });
  });

  it('prefers SuccessfulUrl over SuccessfulUr', () => {
    const bag = new ParamBag([['query', [['SuccessfulUr', '/printed'], ['SuccessfulUrl', '/proper']]]]);
    expect(readRedirectTargets(bag).successful).toBe('/proper');
  });

  it('answers 106 when any given template is refused, even one this outcome would not use', () => {
    const bag = new ParamBag([['query', [['SuccessfulUrl', '/ok'], ['FailedUrl', 'https://evil.example/']]]]);
    expect(() => checkRedirects(bag, HOSTS)).toThrow(ApiError);
    try {
      checkRedirects(bag, HOSTS);
    } catch (error) {
      expect((error as ApiError).code).toBe(106);
    }
  });

  it('ignores blank values', () => {
    const bag = new ParamBag([['query', [['SuccessfulUrl', '  '], ['FailedUrl', '']]]]);
    expect(checkRedirects(bag, HOSTS)).toEqual({});
  });
});

