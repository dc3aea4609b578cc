import { describe, expect, it } from 'vitest';
import { requestedAction } from '../../src/request/actions.ts';
import { pageRequestFromFields, type PageRequestOptions } from '../../src/request/page-request.ts';
import { describeState } from '../../src/cli/audit-format.ts';

/** The one actions table: what was asked, its name and the label both the audit and the metrics record. */
describe('requestedAction', () => {
  it.each([
    [undefined, undefined, undefined],
    ['1', undefined, { on: 'launch', name: 'delete', label: 'launch.delete' }],
    ['2', undefined, { on: 'launch', name: 'terminate', label: 'launch.terminate' }],
    ['3', undefined, { on: 'launch', name: 'pause', label: 'launch.pause' }],
    ['4', undefined, { on: 'launch', name: 'unpause', label: 'launch.unpause' }],
    ['5', undefined, { on: 'launch', name: 'change-expiry', label: 'launch.change-expiry' }],
    ['9', undefined, { on: 'launch', name: undefined, label: 'launch.invalid' }],
    ['05', undefined, { on: 'launch', name: undefined, label: 'launch.invalid' }],
    [undefined, '1', { on: 'job', name: 'delete', label: 'job.delete' }],
    [undefined, '2', { on: 'job', name: 'terminate', label: 'job.terminate' }],
    [undefined, '3', { on: 'job', name: 'pause', label: 'job.pause' }],
    [undefined, '4', { on: 'job', name: 'unpause', label: 'job.unpause' }],
    [undefined, '5', { on: 'job', name: 'restart', label: 'job.restart' }],
    [undefined, 'x', { on: 'job', name: undefined, label: 'job.invalid' }],
    // Both at once is ambiguous: refused as an invalid LaunchAction, and labelled as one everywhere.
    ['3', '3', { on: 'launch', name: undefined, label: 'launch.invalid' }],
  ])('LaunchAction %s, JobAction %s → %o', (launchAction, jobAction, want) => {
    expect(requestedAction(launchAction, jobAction)).toEqual(want);
  });
});

describe('the fields kept with an action audit entry', () => {
  const options: PageRequestOptions = {
    allowedMethods: ['GET', 'POST'],
    redirectHosts: [],
    defaultReturnType: 'XML',
    timeZone: 'Asia/Taipei',
    fileBytes: 262144,
    bodyBytes: 1048576,
    maxBytes: 262144,
    fetchUrl: async () => Buffer.from(''),
  };
  const page = (fields: Record<string, string>) => pageRequestFromFields(Object.entries(fields), { clientIp: '127.0.0.1', via: 'api' }, options);

  it('keeps the action fields (cut to 200 characters), never the credentials', () => {
    const got = page({ ManagerLoginName: 'acme', ManagerPassword: 'secret', LaunchID: '5001', LaunchAction: '5', ExpireTime: 'x'.repeat(500) });
    expect(Object.keys(got.auditFields).sort()).toEqual(['ExpireTime', 'LaunchAction', 'LaunchID']);
    expect(got.auditFields.ExpireTime).toHaveLength(201);
    expect(JSON.stringify(got.auditFields)).not.toContain('secret');
  });

  it('keeps nothing for a query', () => {
    expect(page({ ManagerLoginName: 'acme', ManagerPassword: 'secret', LaunchID: '5001' }).auditFields).toEqual({});
  });

  it('labels the request for the metrics as the audit does', () => {
    expect(page({ ManagerLoginName: 'a', ManagerPassword: 'b', LaunchID: '1', LaunchAction: '3', JobAction: '3' }).label).toBe('launch.invalid');
    expect(page({ ManagerLoginName: 'a', ManagerPassword: 'b', JobID: '1', JobAction: '5' }).label).toBe('job.restart');
    expect(page({ ManagerLoginName: 'a', ManagerPassword: 'b', LaunchID: '1' }).label).toBe('query');
  });
});

describe('describeState', () => {
  it.each([
    [null, ''],
    [{ request: { LaunchID: '6001', LaunchAction: '2' } }, '[LaunchID=6001 LaunchAction=2]'],
    [{ job: { jobId: 1, launchId: 2, status: 6, errorCode: 201, pausedByLaunch: false, pointsCharged: 0, deleted: false }, rootPoints: 40 }, '[STATUS 6 ERRORCODE 201; points 40]'],
    [{ launch: { launchId: 2, status: 1, errorCode: -1, launchCount: 0, expireTime: null, deleted: true }, jobs: [{ jobId: 7, launchId: 2, status: 6, errorCode: -1, pausedByLaunch: false, pointsCharged: 0, deleted: true }] }, '[STATUS 1 ERRORCODE -1 deleted; jobs 7:-1]'],
    [{ launch: { launchId: 2, status: 1, errorCode: 0, launchCount: 0, expireTime: '2031-01-01T00:00:00.000Z', deleted: false }, request: { ExpireTime: '2031/01/01 08:00:00' } }, '[STATUS 1 ERRORCODE 0; expires 2031-01-01T00:00:00.000Z]'],
  ])('%o → %s', (state, want) => {
    expect(describeState(state as never, Boolean(state && 'request' in state && state.request && 'ExpireTime' in state.request))).toBe(want);
  });
});
