import fc from 'fast-check';
import { writeToString } from 'fast-csv';
import { describe, expect, it } from 'vitest';
import { CSV_COLUMNS, csvCells, csvLine, csvRows, lineOver, neutraliseCell, recipientLines, renderCsv, UTF8_BOM } from '../../src/render/csv-response.ts';
import { errorAnswer, launchResponse } from './render-fixtures.ts';

/**
 * The hand-written CSV line (the inner loop of the million-row report) against fast-csv, which
 * wrote these answers before: the same bytes for any cells, quoting and all.
 */
const FAST_CSV_OPTIONS = { rowDelimiter: '\r\n', includeEndRowDelimiter: true } as const;

const fastCsv = (rows: string[][], headers?: string[]) => writeToString(rows, { ...FAST_CSV_OPTIONS, ...(headers ? { headers } : {}) });

// Mostly the characters that matter to CSV, some ordinary and wide ones.
const cellChar = fc.constantFrom(',', '"', '\r', '\n', '|', ';', ' ', "'", '=', 'a', 'Z', '0', '週', '😀', '\t');
const cell = fc.oneof(fc.string({ unit: cellChar, maxLength: 12 }), fc.string({ maxLength: 12 }));

describe('csvLine', () => {
  it.each([
    [['a', 'b'], 'a,b\r\n'],
    [['', ''], ',\r\n'],
    [['say "hi"'], '"say ""hi"""\r\n'],
    [['a,b'], '"a,b"\r\n'],
    [['line\nbreak'], '"line\nbreak"\r\n'],
    [['cr\r'], '"cr\r"\r\n'],
    [['pipe|d'], '"pipe|d"\r\n'],
    [['週年慶'], '週年慶\r\n'],
  ])('writes %j as %j', (cells, line) => {
    expect(csvLine(cells)).toBe(line);
  });

  it('writes what fast-csv writes, for any cells (after neutralising, as the renderer does)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(cell, { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 5 }), async (raw) => {
        const width = raw[0]!.length;
        const rows = raw.map((row) => Array.from({ length: width }, (_, i) => neutraliseCell(row[i] ?? '')));
        expect(rows.map(csvLine).join('')).toBe(await fastCsv(rows));
      }),
      { numRuns: 300 },
    );
  });

  it('writes the header line as fast-csv writes headers', async () => {
    const text = await fastCsv([CSV_COLUMNS.map(() => 'x')], [...CSV_COLUMNS]);
    expect(text.startsWith(csvLine(CSV_COLUMNS))).toBe(true);
  });
});

describe('lineOver: the line of a row that shares all cells but its own', () => {
  it('writes csvLine of the shared cells with the own ones set and neutralised, for any cells and any own columns', () => {
    fc.assert(
      fc.property(
        fc.array(cell, { minLength: CSV_COLUMNS.length, maxLength: CSV_COLUMNS.length }),
        fc.subarray([...CSV_COLUMNS.keys()]),
        fc.array(fc.oneof(cell, fc.integer({ min: -3, max: 99999 }), fc.constant(undefined)), { minLength: CSV_COLUMNS.length, maxLength: CSV_COLUMNS.length }),
        (rawShared, ownIndexes, rawValues) => {
          const shared = rawShared.map(neutraliseCell);
          const own = ownIndexes.map((index) => CSV_COLUMNS[index]!);
          const values = ownIndexes.map((_, i) => rawValues[i]);
          const expected = shared.slice();
          ownIndexes.forEach((index, i) => (expected[index] = neutraliseCell(String(values[i] ?? ''))));
          expect(lineOver(shared, own)(values)).toBe(csvLine(expected));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('refuses own columns out of column order (their values would land in the wrong cells)', () => {
    expect(() => lineOver(CSV_COLUMNS.map(() => ''), ['JobID', 'LaunchID'])).toThrow(/column order/);
  });
});

describe('renderCsv written by hand is what fast-csv wrote', () => {
  it.each([
    ['an error', errorAnswer(100, { launchId: '5,6' })],
    ['the fixture launch', launchResponse()],
    ['a launch with a hostile name', launchResponse({ customerId: '=cmd|" /C calc"!A0' })],
  ])('%s', async (_label, response) => {
    const expected = await fastCsv([...csvRows(response)].map(csvCells), [...CSV_COLUMNS]);
    expect(await renderCsv(response)).toBe(expected);
    expect(await renderCsv(response, { bom: true })).toBe(UTF8_BOM + expected);
  });

  const recipient = fc.record({ emailAddress: cell, smsNumber: cell, externRefNum: cell, deliveryStatus: cell });
  const job = (recipients: { minLength?: number; maxLength: number }) =>
    fc.record({
      jobId: fc.integer({ min: 1, max: 99999 }),
      launchId: fc.integer({ min: 1, max: 99999 }),
      jobType: cell,
      status: fc.integer({ min: -2, max: 9 }),
      errorCode: fc.integer({ min: -2, max: 9 }),
      statusText: cell,
      reportPath: cell,
      recipients: fc.array(recipient, recipients),
    });

  // The writer neutralises the cells every job row (every recipient row) shares once and only the
  // row's own cells per row: any jobs and recipients, hostile text included, give the plain rows' text.
  it('for any jobs and recipients', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(job({ maxLength: 3 }), { maxLength: 6 }), cell, cell, async (jobs, customerId, errorMsg) => {
        const base = launchResponse({ customerId, errorMsg });
        const response = { ...base, launch: { ...base.launch!, jobs } };
        expect(await renderCsv(response)).toBe(await fastCsv([...csvRows(response)].map(csvCells), [...CSV_COLUMNS]));
      }),
      { numRuns: 200 },
    );
  });

  // The job report's recipient rows (routes/report.ts) are written by recipientLines, one job's cells made once.
  it('for the recipient rows of a job report, any job and recipients', async () => {
    await fc.assert(
      fc.asyncProperty(job({ minLength: 1, maxLength: 6 }), cell, cell, async (oneJob, customerId, errorMsg) => {
        const base = launchResponse({ customerId, errorMsg });
        const response = { ...base, launch: { ...base.launch!, jobs: [oneJob] } };
        const rows = [...csvRows(response)].filter((row) => row.RecordType === 'RECIPIENT');
        expect(oneJob.recipients.map(recipientLines(response, response.launch, oneJob)).join('')).toBe(await fastCsv(rows.map(csvCells)));
      }),
      { numRuns: 200 },
    );
  });
});
