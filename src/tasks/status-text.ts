/** StatusText of launches and jobs, from the original document's tables (docs/API.md#launches-and-jobs). */

const TERMINATED = '已被終結';
const PAUSED = '暫停';
const IN_ERROR = '有錯誤';

/** What ERRORCODE says, when it overrides STATUS (terminated, paused, error). */
function errorText(errorCode: number): string | undefined {
  if (errorCode === -1) return TERMINATED;
  if (errorCode === -2) return PAUSED;
  if (errorCode > 0) return IN_ERROR;
  return undefined;
}

const LAUNCH_STATUS: Record<number, string> = { 0: '啟動完畢', 2: '啟動中', 3: '啟動開始', 99: '等待批準' };

export function launchStatusText(status: number, errorCode: number, launchCount: number): string {
  if (status === 99) return LAUNCH_STATUS[99]!;
  const overridden = errorText(errorCode);
  if (overridden) return overridden;
  if (status === 1) return launchCount > 0 ? '等候下次啟動' : '等候啟動';
  return LAUNCH_STATUS[status] ?? '';
}

const JOB_STATUS: Record<number, string> = {
  0: '寄送完畢',
  1: '等候發送',
  2: '處理內文',
  3: '處理連結',
  4: '處理名單',
  5: '處理名單',
  6: '處理發送中',
  7: '處理發送中',
  8: '追蹤中',
};

export function jobStatusText(status: number, errorCode: number): string {
  return errorText(errorCode) ?? JOB_STATUS[status] ?? '';
}
