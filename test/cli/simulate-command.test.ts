import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { withSimulatorChoice } from '../../src/cli/serve-command.ts';
import { configWith } from '../../src/config/config.ts';
import { openDatabase } from '../../src/db/database.ts';
import { databaseKind } from '../helper.ts';
import { captureCli, useCliDatabase } from '../cli-harness.ts';
import { simSeed } from '../sim/sim-fixtures.ts';

describe('whether serve runs the simulator', () => {
  const cases: Array<[string, Record<string, string>, Record<string, unknown>, boolean]> = [
    ['plain serve', {}, {}, false],
    ['serve --demo', {}, { demo: true }, true],
    ['serve --demo with OMIS_SIMULATOR=false', { OMIS_SIMULATOR: 'false' }, { demo: true }, false],
    ['serve --demo with OMIS_SIMULATOR=0', { OMIS_SIMULATOR: '0' }, { demo: true }, false],
    ['serve with OMIS_SIMULATOR=true', { OMIS_SIMULATOR: 'true' }, {}, true],
    ['serve --demo --no-simulator', {}, { demo: true, 'no-simulator': true }, false],
    ['serve --no-simulator with OMIS_SIMULATOR=true', { OMIS_SIMULATOR: 'true' }, { 'no-simulator': true }, false],
    ['serve --demo with OMIS_SIMULATOR blank', { OMIS_SIMULATOR: ' ' }, { demo: true }, true],
  ];
  it.each(cases)('%s', (_name, env, flags, on) => {
    const config = configWith(env.OMIS_SIMULATOR?.trim() ? env : {});
    expect(withSimulatorChoice(config, flags, env).OMIS_SIMULATOR).toBe(on);
  });
});

describe(`omis simulate (${databaseKind})`, () => {
  const { dir } = useCliDatabase('omis-simulate-');
  const run = (...argv: string[]) => captureCli(argv);

  it('refuses bad options with a message', async () => {
    expect(await run('simulate', '--tick-ms', 'soon')).toMatchObject({ code: 1, output: expect.stringContaining('--tick-ms must be a whole number') });
    expect(await run('simulate', '--tick-ms', '10')).toMatchObject({ code: 1, output: expect.stringContaining('--tick-ms must be at least 50') });
    expect(await run('simulate', '--step-ms', '-1')).toMatchObject({ code: 1 });
    expect((await run('simulate', '--help')).output).toContain('Usage: omis simulate');
  });

  it('--once takes one step of everything that is due and says what it did', async () => {
    const seedFile = path.join(dir, 'seed.json');
    writeFileSync(
      seedFile,
      JSON.stringify(simSeed(100, [
        { launchId: 8601, owner: 'sim-user', name: 'Started', status: 3, jobs: [
          { jobId: 9991, jobType: 'EMAIL', status: 2, cost: 1 },
          { jobId: 9992, jobType: 'SMS', status: 4, cost: 1 },
        ] },
        { launchId: 8602, owner: 'sim-user', name: 'Waiting', status: 1, jobs: [] },
      ])),
    );
    expect((await run('seed', seedFile)).code).toBe(0);
    // A step time far longer than the test, so that the second pass finds nothing due however slow the machine.
    const { code, output } = await run('simulate', '--once', '--step-ms', '3600000');
    expect(code).toBe(0);
    expect(output).toContain('jobs advanced: 2');
    expect(output).toContain('launch steps: 1');
    const db = await openDatabase({ databaseUrl: process.env.DATABASE_URL, dataDir: process.env.OMIS_DATA_DIR });
    try {
      const jobs = await db.prisma.job.findMany({ orderBy: { jobId: 'asc' } });
      expect(jobs.map((job) => [job.jobId, job.status])).toEqual([[9991, 3], [9992, 5]]);
      expect((await db.prisma.launch.findUniqueOrThrow({ where: { launchId: 8602 } })).launchCount).toBe(1);
    } finally {
      await db.close();
    }
    // Nothing is due again before a step's time has passed.
    expect((await run('simulate', '--once', '--step-ms', '3600000')).output).toContain('jobs advanced: 0');
    // Each CLI run opens the embedded database afresh (the first one creates it): slow on a busy machine.
  }, 180_000);
});
