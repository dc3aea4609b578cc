import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_SEED_FILE } from '../../src/cli/serve-command.ts';
import { demoBanner, recurringLaunchUrls } from '../../src/cli/demo-banner.ts';
import { parseSeed } from '../../src/cli/seed-file.ts';
import { Simulator } from '../../src/sim/simulator.ts';
import { buildTestApp, databaseKind, pageUrl, seedWith, type TestApp } from '../helper.ts';
import { parseResponse } from '../xml.ts';

const demo = JSON.parse(readFileSync(DEMO_SEED_FILE, 'utf8'));

describe('the demo data', () => {
  const seed = parseSeed(demo, 'Asia/Taipei');
  const jobs = seed.launches.flatMap((launch) => launch.jobs);

  it('keeps the IDs and logins that serve prints', () => {
    expect(seed.accounts.map((account) => account.login)).toEqual(
      expect.arrayContaining(['acme', 'acme-mkt', 'acme-mkt-tw', 'acme-viewer', 'globex']),
    );
    expect(seed.launches.find((launch) => launch.launchId === 5001)?.owner).toBe('acme-mkt');
    expect(jobs.find((job) => job.jobId === 9001)).toBeDefined();
  });

  it('has launches in every state of the contract', () => {
    const states = new Set(seed.launches.map((l) => (l.errorCode !== 0 ? `error ${l.errorCode > 0 ? '> 0' : l.errorCode}` : `status ${l.status}${l.status === 1 ? (l.launchCount > 0 ? ' again' : ' first') : ''}`)));
    expect([...states].sort()).toEqual(['error -1', 'error > 0', 'error -2', 'status 0', 'status 1 again', 'status 1 first', 'status 2', 'status 3', 'status 99'].sort());
    expect(seed.launches.some((launch) => launch.recurSeconds)).toBe(true);
  });

  it('has jobs at every STATUS, paused, terminated and out of points', () => {
    const running = new Set(jobs.filter((job) => job.errorCode === 0).map((job) => job.status));
    expect([...running].sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    expect(new Set(jobs.map((job) => job.errorCode))).toEqual(new Set([0, -1, -2, 201]));
    expect(new Set(jobs.map((job) => job.jobType))).toEqual(new Set(['EMAIL', 'SMS']));
  });
});

describe(`the demo living under the simulator (${databaseKind})`, { timeout: 120_000 }, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp();
    await seedWith(t.db, demo);
  });
  afterAll(async () => t?.close());

  it('moves the printed launch, runs the globex tree out of points, and never touches what must stay still', async () => {
    const sim = new Simulator(t.db, { stepMs: 1000 });
    const still = await t.db.prisma.job.findMany({ where: { jobId: { in: [9004, 9005, 9006, 9007, 9012, 9013] } }, orderBy: { jobId: 'asc' } });
    const first = (await t.app.inject({ method: 'GET', url: pageUrl({ ManagerLoginName: 'acme-mkt', ManagerPassword: 'mkt-pass', LaunchID: '5001' }) })).body;
    const t0 = Date.now();
    for (let step = 0; step < 12; step++) await sim.runOnce(new Date(t0 + step * 1000));
    const later = (await t.app.inject({ method: 'GET', url: pageUrl({ ManagerLoginName: 'acme-mkt', ManagerPassword: 'mkt-pass', LaunchID: '5001' }) })).body;
    expect(later).not.toBe(first);
    // Its first run is over (both jobs finished) and it waits for the next one.
    const launch = parseResponse(later).LAUNCH!;
    expect([launch.STATUS, launch.LAUNCHCOUNT]).toEqual(['1', '1']);
    expect(launch.JOB!.map((job) => [job.JobID, job.STATUS])).toEqual([['9001', '0'], ['9002', '0']]);
    const globex = await t.db.prisma.job.findUniqueOrThrow({ where: { jobId: 9102 } });
    expect(globex.errorCode).toBe(201);
    expect((await t.db.prisma.account.findUniqueOrThrow({ where: { userId: 2001 } })).points).toBeLessThan(30);
    const after = await t.db.prisma.job.findMany({ where: { jobId: { in: [9004, 9005, 9006, 9007, 9012, 9013] } }, orderBy: { jobId: 'asc' } });
    expect(after.map((job) => [job.jobId, job.status, job.errorCode])).toEqual(still.map((job) => [job.jobId, job.status, job.errorCode]));
    // The recurring launches ran again: new jobs with LAUNCHCOUNT counted.
    expect((await t.db.prisma.launch.findUniqueOrThrow({ where: { launchId: 5003 } })).launchCount).toBe(4);
    expect(await t.db.prisma.job.count({ where: { launchId: 5003 } })).toBe(2);
  });
});

describe(`the printed demo launch keeps living (${databaseKind})`, { timeout: 180_000 }, () => {
  let t: TestApp;
  const seed = parseSeed(demo, 'Asia/Taipei');
  beforeAll(async () => {
    t = await buildTestApp();
    await seedWith(t.db, demo);
  });
  afterAll(async () => t?.close());

  it('prints every recurring launch, the first one first', () => {
    const urls = recurringLaunchUrls(seed, 'http://127.0.0.1:8080');
    expect(urls.map((url) => url.launchId)).toEqual(seed.launches.filter((launch) => launch.recurSeconds).map((launch) => launch.launchId));
    expect(urls[0]).toMatchObject({ launchId: 5001, url: 'http://127.0.0.1:8080/WebAPI/TaskManager.aspx?ManagerLoginName=acme-mkt&ManagerPassword=mkt-pass&LaunchID=5001' });
    const banner = demoBanner(seed, 'http://127.0.0.1:8080');
    for (const { url } of urls) expect(banner).toContain(url);
    expect(banner.indexOf(urls[0]!.url)).toBeLessThan(banner.indexOf('ReturnType=CSV'));
  });

  it('answers differently run after run, past every date in the demo, without running out of points', async () => {
    const [printed] = recurringLaunchUrls(seed, '');
    const recurSeconds = printed!.recurSeconds;
    const sim = new Simulator(t.db, { stepMs: 1000 });
    // Years after the demo's dates: a launch that expired would have stopped recurring by then.
    const start = Date.parse('2031-06-01T00:00:00Z');
    let previous = '';
    let unchangedSince = 0;
    let longestUnchanged = 0;
    for (let second = 0; second <= 6 * (recurSeconds + 15); second++) {
      await sim.runOnce(new Date(start + second * 1000));
      const body = (await t.app.inject({ method: 'GET', url: printed!.url })).body;
      expect(parseResponse(body).ErrorCode).toBe('0');
      if (body !== previous) unchangedSince = second;
      longestUnchanged = Math.max(longestUnchanged, second - unchangedSince);
      previous = body;
    }
    const launch = parseResponse(previous).LAUNCH!;
    expect(Number(launch.LAUNCHCOUNT)).toBeGreaterThanOrEqual(5);
    // Never quiet for longer than the wait between two runs (and a step either side).
    expect(longestUnchanged).toBeLessThanOrEqual(recurSeconds + 2);
    // No job of the printed launch stopped for want of points.
    expect(launch.JOB!.every((job) => job.ERRORCODE === '0')).toBe(true);
    for (const { launchId } of recurringLaunchUrls(seed, '')) {
      expect((await t.db.prisma.launch.findUniqueOrThrow({ where: { launchId } })).launchCount).toBeGreaterThan(
        seed.launches.find((l) => l.launchId === launchId)!.launchCount,
      );
    }
  });
});
