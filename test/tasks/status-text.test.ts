import { describe, expect, it } from 'vitest';
import { jobStatusText, launchStatusText } from '../../src/tasks/status-text.ts';

// docs/API.md#launches-and-jobs, row by row.
describe('launch StatusText', () => {
  it.each([
    [0, 0, 0, '啟動完畢'],
    [0, -1, 0, '已被終結'],
    [1, -1, 0, '已被終結'],
    [3, -1, 5, '已被終結'],
    [0, -2, 0, '暫停'],
    [2, -2, 0, '暫停'],
    [3, 7, 0, '有錯誤'],
    [1, 201, 0, '有錯誤'],
    [1, 0, 0, '等候啟動'],
    [1, 0, -1, '等候啟動'],
    [1, 0, 1, '等候下次啟動'],
    [1, 0, 12, '等候下次啟動'],
    [2, 0, 0, '啟動中'],
    [3, 0, 0, '啟動開始'],
    [99, 0, 0, '等待批準'],
  ])('STATUS %i ERRORCODE %i LAUNCHCOUNT %i → %s', (status, errorCode, launchCount, text) => {
    expect(launchStatusText(status, errorCode, launchCount)).toBe(text);
  });
});

describe('job StatusText', () => {
  it.each<[number, number, string]>([
    [0, 0, '寄送完畢'],
    [1, 0, '等候發送'],
    [2, 0, '處理內文'],
    [3, 0, '處理連結'],
    [4, 0, '處理名單'],
    [5, 0, '處理名單'],
    [6, 0, '處理發送中'],
    [7, 0, '處理發送中'],
    [8, 0, '追蹤中'],
    ...[0, 1, 2, 3, 4, 5, 6, 7, 8].flatMap((status) => [
      [status, -1, '已被終結'] as [number, number, string],
      [status, -2, '暫停'] as [number, number, string],
      [status, 201, '有錯誤'] as [number, number, string],
      [status, 3, '有錯誤'] as [number, number, string],
    ]),
  ])('STATUS %i ERRORCODE %i → %s', (status, errorCode, text) => {
    expect(jobStatusText(status, errorCode)).toBe(text);
  });
});
