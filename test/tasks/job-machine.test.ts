import { describe, expect, it } from 'vitest';
import { cascadeToJob, jobTransition, mayJobAdvance, remainingCost, type JobOutcome } from '../../src/tasks/job-machine.ts';
import type { JobCascade } from '../../src/tasks/launch-machine.ts';
import { JOB_ACTIONS } from '../../src/request/actions.ts';

type ActionNumber = keyof typeof JOB_ACTIONS;

/**
 * Walks every job STATUS (0–8) × ERRORCODE (-2, -1, 0, a plain error, 201) × JobAction (1–5) ×
 * launch state (running, paused, terminated) against the contract's table, written out by hand.
 */
const STATUSES = [0, 1, 2, 3, 4, 5, 6, 7, 8];
const ERROR_CODES = [-2, -1, 0, 7, 201];
const ACTIONS: ActionNumber[] = [1, 2, 3, 4, 5];
const LAUNCHES = { running: { status: 2, errorCode: 0 }, paused: { status: 2, errorCode: -2 }, terminated: { status: 2, errorCode: -1 } };

type Kind = 'finished' | 'running' | 'paused' | 'terminated' | 'error' | 'points';
function kindOf(status: number, errorCode: number): Kind {
  if (errorCode === -1) return 'terminated';
  if (errorCode === -2) return 'paused';
  if (errorCode === 201) return 'points';
  if (errorCode > 0) return 'error';
  return status === 0 ? 'finished' : 'running';
}

// expected[kind][action] under a running launch: '115', 'same', `→E` (ERRORCODE afterwards), `del →E`,
// and for a restart `→0 charge N`.
const expected: Record<Kind, Record<ActionNumber, string>> = {
  running: { 1: 'del →-1', 2: '→-1', 3: '→-2', 4: 'same', 5: '115' },
  paused: { 1: 'del →-1', 2: '→-1', 3: 'same', 4: '→0', 5: '115' },
  error: { 1: 'del →-1', 2: '→-1', 3: '115', 4: '115', 5: '115' },
  points: { 1: 'del →-1', 2: '→-1', 3: '115', 4: '115', 5: '→0 charge 6' },
  terminated: { 1: 'del →-1', 2: 'same', 3: '115', 4: '115', 5: '115' },
  finished: { 1: 'del →0', 2: '115', 3: '115', 4: '115', 5: '115' },
};

/** Under a paused or terminated launch a job may not be set running again by unpause or restart. */
function underLaunch(want: string, kind: Kind, action: ActionNumber, launch: keyof typeof LAUNCHES): string {
  if (launch === 'paused' && action === 4 && kind === 'paused') return '115';
  if (launch !== 'running' && action === 5) return '115';
  return want;
}

function describeOutcome(outcome: JobOutcome): string {
  if (outcome.result === 'refused') return String(outcome.code);
  if (outcome.result === 'unchanged') return 'same';
  const charge = outcome.charge > 0 ? ` charge ${outcome.charge}` : '';
  return `${outcome.deleted ? 'del ' : ''}→${outcome.next.errorCode}${charge}`;
}

describe('job state machine: the whole table', () => {
  for (const launch of Object.keys(LAUNCHES) as Array<keyof typeof LAUNCHES>) {
    for (const status of STATUSES) {
      for (const errorCode of ERROR_CODES) {
        for (const action of ACTIONS) {
          const kind = kindOf(status, errorCode);
          const want = underLaunch(expected[kind][action], kind, action, launch);
          it(`launch ${launch}, job STATUS ${status} ERRORCODE ${errorCode} (${kind}), JobAction ${action} → ${want}`, () => {
            for (const pausedByLaunch of [false, true]) {
              const job = { status, errorCode, pausedByLaunch, cost: 10, pointsCharged: 4 };
              const outcome = jobTransition(JOB_ACTIONS[action], job, LAUNCHES[launch]);
              expect(describeOutcome(outcome)).toBe(want);
              if (outcome.result === 'changed') {
                expect(outcome.next.status).toBe(status);
                // Any action on the job itself takes it out of its launch's pause.
                expect(outcome.next.pausedByLaunch).toBe(false);
              }
            }
          });
        }
      }
    }
  }
});

describe('launch actions cascading to a job: the whole table', () => {
  // expected[cascade][kind] for a job not / also paused by its launch: 'keep' or `→E` (and `+flag`).
  const cascades: Record<JobCascade, Record<Kind, [string, string]>> = {
    none: { running: ['keep', 'keep'], paused: ['keep', 'keep'], error: ['keep', 'keep'], points: ['keep', 'keep'], terminated: ['keep', 'keep'], finished: ['keep', 'keep'] },
    delete: { running: ['→-1', '→-1'], paused: ['→-1', '→-1'], error: ['→-1', '→-1'], points: ['→-1', '→-1'], terminated: ['keep', 'keep'], finished: ['keep', 'keep'] },
    terminate: { running: ['→-1', '→-1'], paused: ['→-1', '→-1'], error: ['→-1', '→-1'], points: ['→-1', '→-1'], terminated: ['keep', 'keep'], finished: ['keep', 'keep'] },
    pause: { running: ['→-2 +flag', '→-2 +flag'], paused: ['keep', 'keep'], error: ['keep', 'keep'], points: ['keep', 'keep'], terminated: ['keep', 'keep'], finished: ['keep', 'keep'] },
    unpause: { running: ['keep', 'keep'], paused: ['keep', '→0'], error: ['keep', 'keep'], points: ['keep', 'keep'], terminated: ['keep', 'keep'], finished: ['keep', 'keep'] },
  };
  for (const cascade of Object.keys(cascades) as JobCascade[]) {
    for (const status of STATUSES) {
      for (const errorCode of ERROR_CODES) {
        const kind = kindOf(status, errorCode);
        it(`${cascade} → job STATUS ${status} ERRORCODE ${errorCode} (${kind})`, () => {
          [false, true].forEach((pausedByLaunch, i) => {
            const next = cascadeToJob(cascade, { status, errorCode, pausedByLaunch });
            const got = next === undefined ? 'keep' : `→${next.errorCode}${next.pausedByLaunch ? ' +flag' : ''}`;
            expect(got).toBe(cascades[cascade][kind][i]);
            if (next) expect(next.status).toBe(status);
          });
        });
      }
    }
  }
});

describe('job rules for points and the simulator', () => {
  it.each([
    [{ cost: 10, pointsCharged: 0 }, 10],
    [{ cost: 10, pointsCharged: 4 }, 6],
    [{ cost: 10, pointsCharged: 10 }, 0],
    [{ cost: 10, pointsCharged: 12 }, 0],
    [{ cost: 0, pointsCharged: 0 }, 0],
  ])('remainingCost(%o) is %i', (job, want) => {
    expect(remainingCost(job)).toBe(want);
  });

  const running = { status: 2, errorCode: 0 };
  it.each([
    ['a running job of a running launch', { status: 6, errorCode: 0, pausedByLaunch: false }, running, true],
    ['a running job of a finished launch', { status: 6, errorCode: 0, pausedByLaunch: false }, { status: 0, errorCode: 0 }, true],
    ['a running job of a launch in error', { status: 6, errorCode: 0, pausedByLaunch: false }, { status: 2, errorCode: 9 }, true],
    ['a finished job', { status: 0, errorCode: 0, pausedByLaunch: false }, running, false],
    ['a paused job', { status: 6, errorCode: -2, pausedByLaunch: false }, running, false],
    ['a terminated job', { status: 6, errorCode: -1, pausedByLaunch: false }, running, false],
    ['a job out of points', { status: 6, errorCode: 201, pausedByLaunch: false }, running, false],
    ['a deleted job', { status: 6, errorCode: 0, pausedByLaunch: false, deleted: true }, running, false],
    ['a job of a deleted launch', { status: 6, errorCode: 0, pausedByLaunch: false }, { ...running, deleted: true }, false],
    ['a job of a paused launch', { status: 6, errorCode: 0, pausedByLaunch: false }, { status: 2, errorCode: -2 }, false],
    ['a job of a terminated launch', { status: 6, errorCode: 0, pausedByLaunch: false }, { status: 2, errorCode: -1 }, false],
  ])('mayJobAdvance: %s → %s', (_name, job, launch, want) => {
    expect(mayJobAdvance(job, launch)).toBe(want);
  });
});
