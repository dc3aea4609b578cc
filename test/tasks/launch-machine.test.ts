import { describe, expect, it } from 'vitest';
import { launchTransition, mayLaunchAdvance, type LaunchOutcome } from '../../src/tasks/launch-machine.ts';
import { LAUNCH_ACTIONS } from '../../src/request/actions.ts';

type ActionNumber = keyof typeof LAUNCH_ACTIONS;

/**
 * Walks every launch STATUS (0–3, 99) × ERRORCODE (-2, -1, 0, a plain error, 201) × LaunchAction
 * (1–5) against the contract's table (docs/API.md#launch-action-states), written out here by hand.
 */
const STATUSES = [0, 1, 2, 3, 99];
const ERROR_CODES = [-2, -1, 0, 7, 201];
const ACTIONS: ActionNumber[] = [1, 2, 3, 4, 5];
const EXPIRY = new Date('2030-01-01T00:00:00Z');

type Kind = 'finished' | 'running' | 'paused' | 'terminated' | 'error';
function kindOf(status: number, errorCode: number): Kind {
  if (errorCode === -1) return 'terminated';
  if (errorCode === -2) return 'paused';
  if (errorCode > 0) return 'error';
  return status === 0 ? 'finished' : 'running';
}

// expected[kind][action]: '115', 'same', or `→E` (ERRORCODE E afterwards) with the jobs cascade.
const T = '→-1';
const expected: Record<Kind, Record<ActionNumber, string>> = {
  //           delete             terminate          pause               unpause            expiry
  running: { 1: `del ${T} delete`, 2: `${T} terminate`, 3: '→-2 pause', 4: 'same', 5: 'expiry' },
  paused: { 1: `del ${T} delete`, 2: `${T} terminate`, 3: 'same', 4: '→0 unpause', 5: 'expiry' },
  error: { 1: `del ${T} delete`, 2: `${T} terminate`, 3: '115', 4: '115', 5: 'expiry' },
  terminated: { 1: `del →-1 delete`, 2: 'same', 3: '115', 4: '115', 5: '115' },
  finished: { 1: `del →0 delete`, 2: '115', 3: '115', 4: '115', 5: '115' },
};

function describeOutcome(outcome: LaunchOutcome): string {
  if (outcome.result === 'refused') return String(outcome.code);
  if (outcome.result === 'unchanged') return 'same';
  if (outcome.expireTime) return outcome.expireTime === EXPIRY && outcome.jobs === 'none' ? 'expiry' : 'bad expiry';
  return `${outcome.deleted ? 'del ' : ''}→${outcome.next.errorCode} ${outcome.jobs}`;
}

describe('launch state machine: the whole table', () => {
  for (const status of STATUSES) {
    for (const errorCode of ERROR_CODES) {
      for (const action of ACTIONS) {
        const kind = kindOf(status, errorCode);
        const want = expected[kind][action];
        it(`STATUS ${status} ERRORCODE ${errorCode} (${kind}), LaunchAction ${action} → ${want}`, () => {
          const outcome = launchTransition(LAUNCH_ACTIONS[action], { status, errorCode }, EXPIRY);
          expect(describeOutcome(outcome)).toBe(want);
          // STATUS never changes by an action: only ERRORCODE (and deletion, expiry) do.
          if (outcome.result === 'changed') expect(outcome.next.status).toBe(status);
        });
      }
    }
  }
});

describe('launch state machine: details', () => {
  it('refuses a change of expiry without a time', () => {
    expect(launchTransition('change-expiry', { status: 1, errorCode: 0 })).toEqual({ result: 'refused', code: 115 });
  });

  it('keeps a deleted finished launch at ERRORCODE 0 (it was not stopped)', () => {
    expect(launchTransition('delete', { status: 0, errorCode: 0 })).toMatchObject({ next: { status: 0, errorCode: 0 }, deleted: true });
  });

  it('keeps ERRORCODE of a terminated launch on delete', () => {
    expect(launchTransition('delete', { status: 2, errorCode: -1 })).toMatchObject({ next: { errorCode: -1 }, deleted: true });
  });

  it.each([
    [{ status: 1, errorCode: 0 }, true],
    [{ status: 99, errorCode: 0 }, true],
    [{ status: 0, errorCode: 0 }, false],
    [{ status: 2, errorCode: -2 }, false],
    [{ status: 2, errorCode: -1 }, false],
    [{ status: 2, errorCode: 5 }, false],
    [{ status: 2, errorCode: 0, deleted: true }, false],
  ])('mayLaunchAdvance(%o) is %s', (launch, want) => {
    expect(mayLaunchAdvance(launch)).toBe(want);
  });
});
