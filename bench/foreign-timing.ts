import { PGlite } from '@electric-sql/pglite';
import { buildApp } from '../src/app.ts';
import { configWith } from '../src/config/config.ts';
import { openDatabase, type Database } from '../src/db/database.ts';
import { migrate } from '../src/db/migrate.ts';
import { seedDatabase } from '../src/cli/seed-file.ts';
import { createBenchDatabase } from './lib/bench-db.ts';

/**
 * `npx tsx bench/foreign-timing.ts [pairs] [--postgres]`: can an action on another tree's record be
 * told from one on a missing record by its timing? One manager sends, in interleaved pairs, a
 * LaunchAction on a launch of another tree and on a LaunchID that does not exist (and the same for a
 * JobAction), through the whole page (app.inject), first with the owner idle, then while the owner
 * keeps acting on that very launch. Prints the median and 90th percentile of each kind and the
 * foreign − missing difference; "cannot be told apart" is a difference far below the spread of
 * each kind, the same idle and busy. The embedded database by default; --postgres uses a throwaway
 * database on BENCH_DATABASE_URL (default the local PostgreSQL).
 */
const pairs = Number(process.argv.find((arg) => /^\d+$/.test(arg)) ?? 100);
const onPostgres = process.argv.includes('--postgres');

const seed = {
  accounts: [
    { login: 'prober', password: 'prober-pass', userId: 1, customerId: 'P', parent: null, licences: ['TaskManager'] },
    { login: 'owner', password: 'owner-pass', userId: 2, customerId: 'O', parent: null, licences: ['TaskManager'] },
  ],
  launches: [
    {
      launchId: 7006, owner: 'owner', name: 'Busy launch', status: 2, errorCode: 0,
      jobs: [{ jobId: 8006, jobType: 'EMAIL', status: 6, errorCode: 0, cost: 0, recipients: [] }],
    },
  ],
};

const bench = onPostgres ? await createBenchDatabase() : undefined;
const db: Database = bench?.db ?? (await openDatabase({ pglite: await PGlite.create() }));
try {
  if (!bench) await migrate(db);
  await seedDatabase(db.prisma, seed, 'Asia/Taipei');
  const app = await buildApp({ config: configWith({ OMIS_SECRET: 'bench-secret-0123456789abcdef' }), database: db });
  const ask = async (login: string, password: string, fields: string) => {
    const started = process.hrtime.bigint();
    const res = await app.inject({ method: 'GET', url: `/WebAPI/TaskManager.aspx?ManagerLoginName=${login}&ManagerPassword=${password}&${fields}` });
    return { ms: Number(process.hrtime.bigint() - started) / 1e6, code: /<ErrorCode>(\d+)<\/ErrorCode>/.exec(res.body)?.[1] };
  };
  const probes = {
    'LaunchAction, foreign': 'LaunchID=7006&LaunchAction=3',
    'LaunchAction, missing': 'LaunchID=7999&LaunchAction=3',
    'JobAction, foreign': 'JobID=8006&JobAction=3',
    'JobAction, missing': 'JobID=8999&JobAction=3',
  } as const;
  type Probe = keyof typeof probes;

  async function measure(label: string): Promise<void> {
    const times = Object.fromEntries(Object.keys(probes).map((probe) => [probe, [] as number[]])) as Record<Probe, number[]>;
    for (let i = 0; i < pairs + 10; i++) {
      // Each round in a fresh random order, so that nothing systematic favours one kind.
      const order = (Object.keys(probes) as Probe[]).sort(() => Math.random() - 0.5);
      for (const probe of order) {
        const { ms, code } = await ask('prober', 'prober-pass', probes[probe]);
        if (code !== '110' && code !== '111') throw new Error(`${probe}: unexpected ErrorCode ${code}`);
        if (i >= 10) times[probe].push(ms); // the first rounds warm the JIT and the credential cache
      }
    }
    const quantile = (values: number[], q: number) => [...values].sort((a, b) => a - b)[Math.floor(q * (values.length - 1))]!;
    console.log(`${label}: ${pairs} interleaved pairs each (ms, ${onPostgres ? 'PostgreSQL' : 'embedded'})`);
    for (const probe of Object.keys(probes) as Probe[]) {
      console.log(`  ${probe.padEnd(22)} median ${quantile(times[probe], 0.5).toFixed(3).padStart(8)}   p90 ${quantile(times[probe], 0.9).toFixed(3).padStart(8)}`);
    }
    for (const kind of ['LaunchAction', 'JobAction'] as const) {
      const diff = quantile(times[`${kind}, foreign`], 0.5) - quantile(times[`${kind}, missing`], 0.5);
      console.log(`  ${kind}: median foreign − missing ${diff.toFixed(3)} ms`);
    }
  }

  await measure('owner idle');
  // The owner keeps pausing and unpausing its launch (one action at a time, as a client would).
  let busy = true;
  const owner = (async () => {
    for (let i = 0; busy; i++) await ask('owner', 'owner-pass', `LaunchID=7006&LaunchAction=${i % 2 === 0 ? 3 : 4}`);
  })();
  await measure('owner busy on the same launch');
  busy = false;
  await owner;
  await app.close();
} finally {
  if (bench) await bench.drop();
  else await db.close();
}
