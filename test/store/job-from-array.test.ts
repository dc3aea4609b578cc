import { describe, expect, it } from 'vitest';
import { JOB_COLUMNS, jobFromArray, LAUNCH_COLUMNS, launchFromArray } from '../../src/store/launches.ts';

/** The readers of JOB_ARRAY and LAUNCH_ARRAY take the values in the order the column lists name them. */
describe('rows from JSON arrays', () => {
  const names = (columns: string) => columns.split(', ').map((column) => column.replace(/^[a-z]\./, ''));

  it('jobFromArray names each value by its column in JOB_COLUMNS', () => {
    const fields = names(JOB_COLUMNS);
    const row = jobFromArray(fields.map((_, i) => i));
    expect(Object.keys(row)).toEqual(fields);
    expect(Object.values(row)).toEqual(fields.map((_, i) => i));
  });

  it('launchFromArray names each value by its column in LAUNCH_COLUMNS, the time as a Date', () => {
    const fields = names(LAUNCH_COLUMNS);
    const values: unknown[] = fields.map((_, i) => i);
    values[fields.indexOf('expire_time')] = '2026-12-31T15:59:59+00:00';
    const row = launchFromArray(values);
    expect(Object.keys(row)).toEqual(fields);
    expect(row.expire_time).toEqual(new Date('2026-12-31T15:59:59Z'));
    expect(launchFromArray(fields.map(() => null)).expire_time).toBeNull();
  });
});
