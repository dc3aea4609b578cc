import { parseString, type ParserOptionsArgs } from 'fast-csv';

/** Parses a CSV answer the way a spreadsheet or a legacy client would (fast-csv's parser). */
export function parseCsv<Row = Record<string, string>>(text: string, options: ParserOptionsArgs = { headers: true }): Promise<Row[]> {
  return new Promise((resolve, reject) => {
    const rows: Row[] = [];
    parseString(text, options)
      .on('data', (row: Row) => rows.push(row))
      .on('error', reject)
      .on('end', () => resolve(rows));
  });
}
