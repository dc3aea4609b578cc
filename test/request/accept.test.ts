import { describe, expect, it } from 'vitest';
import { acceptsCsv } from '../../src/request/accept.ts';

describe('acceptsCsv', () => {
  it.each([
    ['text/csv', true],
    ['TEXT/CSV', true],
    ['text/csv; charset=utf-8', true],
    ['application/json;q=0.5, text/csv;q=0.9', true],
    ['text/csv;q=0.1', true],
    ['text/csv;q=0', false],
    ['text/csv; q=0.0', false],
    ['text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8', false],
    ['*/*', false],
    ['text/*', false],
    ['text/csvx', false],
    ['', false],
  ])('%j → %s', (accept, expected) => {
    expect(acceptsCsv(accept)).toBe(expected);
  });

  it('reads a header given more than once', () => {
    expect(acceptsCsv(['text/html', 'text/csv'])).toBe(true);
    expect(acceptsCsv(undefined)).toBe(false);
  });
});
