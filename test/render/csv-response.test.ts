import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cleanCell, CSV_COLUMNS, neutraliseCell, renderCsv, UTF8_BOM } from '../../src/render/csv-response.ts';
import { anyString, errorAnswer, jobResponse, launchResponse } from './render-fixtures.ts';
import { parseCsv as parseCsvRecords } from '../csv.ts';

/** Parses CSV text back into rows of cells, as a spreadsheet's importer would split it. */
const parseCsv = (text: string) => parseCsvRecords<string[]>(text, { headers: false, ignoreEmpty: false });


async function records(text: string): Promise<Array<Record<string, string>>> {
  const [header, ...rows] = await parseCsv(text);
  return rows.map((row) => Object.fromEntries(header!.map((name, i) => [name, row[i]!])));
}

describe('renderCsv: the contract’s columns and rows', () => {
  it('starts with the header row in the contract order', async () => {
    const [header] = await parseCsv(await renderCsv(errorAnswer(100)));
    expect(header).toEqual([
      'ErrorCode', 'ErrorMSG', 'RecordType', 'LaunchID', 'JobID', 'UserID', 'CustomerID', 'LaunchName', 'JobType', 'STATUS',
      'ERRORCODE', 'LAUNCHCOUNT', 'StatusText', 'ExpireTime', 'ReportPath', 'EmailAddress', 'SMSNumber', 'ExternRefNum', 'DeliveryStatus',
    ]);
    expect(header).toEqual([...CSV_COLUMNS]);
  });

  it('answers an error as one row with the code, the message and the IDs given', async () => {
    const rows = await records(await renderCsv(errorAnswer(111, { launchId: '7', jobId: '' })));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ ErrorCode: '111', ErrorMSG: "LaunchID doesn't exist", RecordType: '', LaunchID: '7', JobID: '', STATUS: '' });
  });

  it('answers a launch as a LAUNCH row, then each JOB followed by its RECIPIENT rows', async () => {
    const rows = await records(await renderCsv(launchResponse()));
    expect(rows.map((row) => [row.RecordType, row.LaunchID, row.JobID])).toEqual([
      ['LAUNCH', '5001', ''],
      ['JOB', '5001', '9001'],
      ['RECIPIENT', '5001', '9001'],
      ['JOB', '5001', '9002'],
    ]);
    expect(rows[0]).toMatchObject({
      ErrorCode: '0', ErrorMSG: '', UserID: '1002', CustomerID: 'ACME', LaunchName: '週年慶 Newsletter', STATUS: '1', ERRORCODE: '0',
      LAUNCHCOUNT: '0', StatusText: '等候啟動', ExpireTime: '2026-12-31 23:59:59', ReportPath: '', JobType: '',
    });
    expect(rows[1]).toMatchObject({
      JobType: 'EMAIL', STATUS: '6', ERRORCODE: '0', StatusText: '處理發送中', UserID: '1002', CustomerID: 'ACME',
      ReportPath: '/WebAPI/Report.aspx?JobID=9001&Expires=1&Signature=abc', LaunchName: '', LAUNCHCOUNT: '',
    });
    expect(rows[2]).toMatchObject({ JobType: 'EMAIL', EmailAddress: 'a@example.com', SMSNumber: '', ExternRefNum: 'R-1', DeliveryStatus: 'SENT', STATUS: '' });
    // ERRORCODE -2 (paused) is a number, not a formula: it stays as it is.
    expect(rows[3]).toMatchObject({ JobType: 'SMS', ERRORCODE: '-2', StatusText: '暫停' });
  });

  it('answers a job query as its launch and the one job', async () => {
    const rows = await records(await renderCsv(jobResponse()));
    expect(rows.map((row) => row.RecordType)).toEqual(['LAUNCH', 'JOB', 'RECIPIENT']);
  });

  it('uses CRLF between rows and ends with one', async () => {
    const text = await renderCsv(errorAnswer(100));
    expect(text.split('\r\n')).toHaveLength(3);
    expect(text.endsWith('\r\n')).toBe(true);
  });

  it('starts with a UTF-8 BOM only when asked (the FILE form)', async () => {
    expect((await renderCsv(errorAnswer(100))).startsWith(UTF8_BOM)).toBe(false);
    expect((await renderCsv(errorAnswer(100), { bom: true })).startsWith(`${UTF8_BOM}ErrorCode,`)).toBe(true);
  });

  it('quotes commas, quotes and line breaks inside a value', async () => {
    const response = launchResponse();
    response.launch!.launchName = 'a,"b"\r\nc';
    const text = await renderCsv(response);
    expect(text).toContain('"a,""b""\r\nc"');
    expect((await records(text))[0]!.LaunchName).toBe('a,"b"\r\nc');
  });
});

describe('neutraliseCell: formula injection', () => {
  it.each([
    ['=1+1', "'=1+1"],
    ['+1', "'+1"],
    ['-1+1', "'-1+1"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\t=1', "'\t=1"],
    ['\r=1', "'\r=1"],
    ['  =1', "'  =1"],
    ['=HYPERLINK("http://evil","x")', '\'=HYPERLINK("http://evil","x")'],
    ['＝1+1', "'＝1+1"],
    ['-', "'-"],
    ['-1', '-1'],
    ['-2', '-2'],
    ['0', '0'],
    ['5001', '5001'],
    ['a=1', 'a=1'],
    ['週年慶', '週年慶'],
    ['', ''],
    ['a@example.com', 'a@example.com'],
    ['+886912345678', "'+886912345678"],
    ['a\u0000b\u0007c', 'abc'],
    ['\u0000=1', "'=1"],
    ['x\uD800', 'x\uFFFD'],
  ])('%j → %j', (value, safe) => {
    expect(neutraliseCell(value)).toBe(safe);
  });
});

describe('CSV property: any string becomes one safe cell that reads back as itself', () => {
  const FORMULA = /^[\s]*[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;

  it('holds for launch names, e-mail addresses and messages alike', async () => {
    await fc.assert(
      fc.asyncProperty(anyString, anyString, async (name, email) => {
        const response = launchResponse();
        response.launch!.launchName = name;
        response.launch!.jobs[0]!.recipients[0]!.emailAddress = email;
        const rows = await parseCsv(await renderCsv(response));
        // Nothing a value holds can add or remove a row or a column.
        expect(rows).toHaveLength(5);
        for (const row of rows) expect(row).toHaveLength(CSV_COLUMNS.length);
        const cellName = rows[1]![CSV_COLUMNS.indexOf('LaunchName')]!;
        const cellEmail = rows[3]![CSV_COLUMNS.indexOf('EmailAddress')]!;
        for (const [cell, raw] of [[cellName, name], [cellEmail, email]] as const) {
          // The cell is the value (control characters dropped), or that behind one apostrophe;
          // and never a formula.
          const value = cleanCell(raw);
          expect(cell === value || cell === `'${value}`).toBe(true);
          if (!/^-?\d+$/.test(cell)) expect(cell).not.toMatch(FORMULA);
        }
      }),
      { numRuns: 300 },
    );
  });
});
