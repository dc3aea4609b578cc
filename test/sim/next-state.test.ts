import { describe, expect, it } from 'vitest';
import {
  chargedAfterLeaving,
  deliveryLeaving,
  jobSkipReason,
  nextRunAfter,
  planJobStep,
  planLaunchStep,
  stepMayCharge,
  type JobState,
  type LaunchFacts,
  type LaunchState,
} from '../../src/sim/next-state.ts';

const running: LaunchState = { status: 3, errorCode: 0, deleted: false };
const job = (overrides: Partial<JobState> = {}): JobState => ({ status: 1, errorCode: 0, cost: 10, pointsCharged: 0, deleted: false, ...overrides });

describe('a job step, stage by stage (plenty of points)', () => {
  // stage → [next STATUS, points charged by this step (cost 10, nothing paid yet before 6), delivery]
  const table: Array<[number, number, number, string]> = [
    [1, 2, 0, 'none'],
    [2, 3, 0, 'none'],
    [3, 4, 0, 'none'],
    [4, 5, 0, 'none'],
    [5, 6, 0, 'none'],
    [6, 7, 5, 'send-half'],
    [7, 8, 10, 'send-rest'],
    [8, 0, 10, 'confirm'],
  ];
  it.each(table)('STATUS %i → %i', (stage, next, chargedAfter, delivery) => {
    const paidBefore = stage <= 6 ? 0 : stage === 7 ? 5 : 10;
    const step = planJobStep(job({ status: stage, pointsCharged: paidBefore }), running, 1000);
    expect(step).toEqual({ kind: 'advance', status: next, charge: chargedAfter - paidBefore, delivery });
  });

  it('a whole life from 1 to 0 charges exactly the cost', () => {
    let state = job({ cost: 7 });
    let points = 100;
    const seen: number[] = [];
    while (state.status !== 0) {
      const step = planJobStep(state, running, points);
      if (step.kind !== 'advance') throw new Error(`unexpected ${step.kind}`);
      points -= step.charge;
      state = { ...state, status: step.status, pointsCharged: state.pointsCharged + step.charge };
      seen.push(step.status);
    }
    expect(seen).toEqual([2, 3, 4, 5, 6, 7, 8, 0]);
    expect(state.pointsCharged).toBe(7);
    expect(points).toBe(93);
  });
});

describe('a job step that the root cannot pay for', () => {
  it.each([
    [6, 0, 4, 5],
    [7, 5, 4, 5],
    [7, 0, 9, 10],
  ])('at STATUS %i with %i paid and %i points left → 201 (needs %i)', (status, paid, points, needed) => {
    expect(planJobStep(job({ status, pointsCharged: paid }), running, points)).toEqual({ kind: 'out-of-points', needed });
  });

  it('exactly enough points is enough', () => {
    expect(planJobStep(job({ status: 6 }), running, 5)).toMatchObject({ kind: 'advance', charge: 5 });
  });

  it('a job already paid in full (restarted after a top-up) needs nothing more', () => {
    expect(stepMayCharge(job({ status: 6, pointsCharged: 10 }))).toBe(false);
    expect(planJobStep(job({ status: 6, pointsCharged: 10 }), running, 0)).toMatchObject({ kind: 'advance', status: 7, charge: 0 });
  });

  it('stages before sending never need points', () => {
    for (const status of [1, 2, 3, 4, 5]) expect(stepMayCharge(job({ status }))).toBe(false);
    expect(stepMayCharge(job({ status: 6 }))).toBe(true);
    expect(stepMayCharge(job({ status: 6, cost: 0 }))).toBe(false);
  });
});

describe('jobs the simulator leaves alone', () => {
  const cases: Array<[string, Partial<JobState>, Partial<LaunchState>, string]> = [
    ['deleted job', { deleted: true }, {}, 'deleted'],
    ['job of a deleted launch', {}, { deleted: true }, 'deleted'],
    ['terminated job', { errorCode: -1 }, {}, 'terminated'],
    ['job of a terminated launch', {}, { errorCode: -1 }, 'terminated'],
    ['paused job', { errorCode: -2 }, {}, 'paused'],
    ['job of a paused launch', {}, { errorCode: -2 }, 'paused'],
    ['job out of points', { errorCode: 201 }, {}, 'error'],
    ['job of a launch in error', {}, { errorCode: 7 }, 'error'],
    ['finished job', { status: 0 }, {}, 'finished'],
    ['job of a launch still waiting', {}, { status: 1 }, 'launch-not-running'],
    ['job of a launch awaiting approval', {}, { status: 99 }, 'launch-not-running'],
    ['job of a finished launch', {}, { status: 0 }, 'launch-not-running'],
  ];
  it.each(cases)('%s', (_name, jobOverrides, launchOverrides, reason) => {
    const launch = { ...running, ...launchOverrides };
    expect(jobSkipReason(job(jobOverrides), launch)).toBe(reason);
    expect(planJobStep(job(jobOverrides), launch, 1000)).toEqual({ kind: 'skip', reason });
  });

  it('jobs of a launching (2) or started (3) launch move', () => {
    expect(jobSkipReason(job(), { ...running, status: 2 })).toBeUndefined();
    expect(jobSkipReason(job(), { ...running, status: 3 })).toBeUndefined();
  });
});

describe('charges and deliveries by stage', () => {
  it('half the cost (rounded up) after 6, all of it after 7', () => {
    expect([1, 5, 6, 7, 8].map((stage) => chargedAfterLeaving(stage, 11))).toEqual([0, 0, 6, 11, 11]);
    expect(chargedAfterLeaving(6, 0)).toBe(0);
  });
  it('deliveries', () => {
    expect([5, 6, 7, 8].map(deliveryLeaving)).toEqual(['none', 'send-half', 'send-rest', 'confirm']);
  });
});

describe('a launch step', () => {
  const now = new Date('2026-11-29T08:00:00Z');
  const launch = (overrides: Partial<LaunchFacts> = {}): LaunchFacts => ({
    status: 1,
    errorCode: 0,
    deleted: false,
    launchCount: 0,
    recurSeconds: null,
    expireTime: null,
    nextRunAt: null,
    unsettledJobs: 0,
    ...overrides,
  });

  it('a waiting launch fires: LAUNCHCOUNT + 1, new jobs when none are left to run', () => {
    expect(planLaunchStep(launch(), now)).toEqual({ kind: 'fire', launchCount: 1, createJobs: true });
    expect(planLaunchStep(launch({ launchCount: 3 }), now)).toEqual({ kind: 'fire', launchCount: 4, createJobs: true });
  });
  it('a waiting launch that still has unfinished jobs runs those', () => {
    expect(planLaunchStep(launch({ unsettledJobs: 2 }), now)).toEqual({ kind: 'fire', launchCount: 1, createJobs: false });
  });
  it('fires when its next run time has come, not before', () => {
    expect(planLaunchStep(launch({ nextRunAt: new Date(now.getTime() + 1) }), now)).toEqual({ kind: 'skip', reason: 'not-due' });
    expect(planLaunchStep(launch({ nextRunAt: now }), now).kind).toBe('fire');
  });
  it('launching → started', () => {
    expect(planLaunchStep(launch({ status: 2, unsettledJobs: 3 }), now)).toEqual({ kind: 'start' });
  });
  it('started stays while jobs run, then finishes', () => {
    expect(planLaunchStep(launch({ status: 3, unsettledJobs: 1 }), now)).toEqual({ kind: 'skip', reason: 'jobs-running' });
    expect(planLaunchStep(launch({ status: 3 }), now)).toEqual({ kind: 'finish' });
  });
  it('a recurring launch waits for its next run instead of finishing', () => {
    expect(planLaunchStep(launch({ status: 3, recurSeconds: 60 }), now)).toEqual({
      kind: 'rearm',
      nextRunAt: new Date(now.getTime() + 60_000),
    });
  });
  it('a recurring launch whose next run would pass its ExpireTime finishes', () => {
    const expireTime = new Date(now.getTime() + 30_000);
    expect(planLaunchStep(launch({ status: 3, recurSeconds: 60, expireTime }), now)).toEqual({ kind: 'finish' });
    expect(nextRunAfter({ recurSeconds: 60, expireTime: new Date(now.getTime() + 60_000) }, now)).toEqual(new Date(now.getTime() + 60_000));
    expect(nextRunAfter({ recurSeconds: null, expireTime: null }, now)).toBeUndefined();
  });
  const skipped: Array<[string, Partial<LaunchFacts>, string]> = [
    ['deleted', { deleted: true }, 'deleted'],
    ['awaiting approval', { status: 99 }, 'awaiting-approval'],
    ['terminated', { errorCode: -1, status: 2 }, 'terminated'],
    ['paused', { errorCode: -2, status: 3 }, 'paused'],
    ['in error', { errorCode: 5 }, 'error'],
    ['finished', { status: 0 }, 'finished'],
  ];
  it.each(skipped)('leaves a %s launch alone', (_name, overrides, reason) => {
    expect(planLaunchStep(launch(overrides), now)).toEqual({ kind: 'skip', reason });
  });
});
