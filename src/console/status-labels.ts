import { jobStatusText } from '../tasks/status-text.ts';
import type { LaunchFilter } from '../store/console-launches.ts';

/**
 * English beside the contract's Traditional Chinese status texts (which come from
 * tasks/status-text.ts, as the API answers them), and the steps of a job's progress (pure).
 */
const ENGLISH: Record<string, string> = {
  啟動完畢: 'launched, finished',
  已被終結: 'terminated',
  暫停: 'paused',
  有錯誤: 'error',
  等候啟動: 'waiting to launch',
  等候下次啟動: 'waiting for the next launch',
  啟動中: 'launching',
  啟動開始: 'launch started',
  等待批準: 'awaiting approval',
  寄送完畢: 'sent, finished',
  等候發送: 'waiting to send',
  處理內文: 'processing content',
  處理連結: 'processing links',
  處理名單: 'processing the list',
  處理發送中: 'sending',
  追蹤中: 'tracking',
};

export function englishStatus(text: string): string {
  return ENGLISH[text] ?? '';
}

/** What ERRORCODE says about a record: running normally, or stopped in one of three ways. */
export type Condition = 'ok' | 'paused' | 'terminated' | 'error';

export function conditionOf(errorCode: number): Condition {
  if (errorCode === -1) return 'terminated';
  if (errorCode === -2) return 'paused';
  if (errorCode > 0) return 'error';
  return 'ok';
}

/** A job's STATUS in the order it moves: 1 → 2 → … → 8 → 0 (finished). */
export const JOB_STEPS = [1, 2, 3, 4, 5, 6, 7, 8, 0] as const;

export interface Step {
  status: number;
  /** The STATUS text of the step (ERRORCODE 0). */
  text: string;
  english: string;
  state: 'done' | 'current' | 'todo';
}

/** The steps of a job at STATUS `status`: those before it done, it current (also when finished: 0 is the last step). */
export function jobSteps(status: number): Step[] {
  const at = JOB_STEPS.indexOf(status as (typeof JOB_STEPS)[number]);
  return JOB_STEPS.map((step, index) => {
    const text = jobStatusText(step, 0);
    return { status: step, text, english: englishStatus(text), state: at < 0 || index > at ? 'todo' : index === at ? 'current' : 'done' };
  });
}

/** The launch status filter of the console's list, by what the status text says. */
export const LAUNCH_FILTERS: ReadonlyArray<readonly [LaunchFilter, string]> = [
  ['waiting', 'waiting (等候啟動, 等候下次啟動)'],
  ['running', 'launching (啟動中, 啟動開始)'],
  ['finished', 'finished (啟動完畢)'],
  ['paused', 'paused (暫停)'],
  ['terminated', 'terminated (已被終結)'],
  ['error', 'error (有錯誤)'],
  ['approval', 'awaiting approval (等待批準)'],
];

export function isLaunchFilter(value: string | undefined): value is LaunchFilter {
  return LAUNCH_FILTERS.some(([name]) => name === value);
}

/** Which filter a launch's status falls under (the rule store/console-launches.ts writes in SQL). */
export function launchFilterOf(status: number, errorCode: number): LaunchFilter | undefined {
  if (status === 99) return 'approval';
  const condition = conditionOf(errorCode);
  if (condition !== 'ok') return condition;
  if (status === 0) return 'finished';
  if (status === 1) return 'waiting';
  if (status === 2 || status === 3) return 'running';
  return undefined;
}

