import { PGlite } from '@electric-sql/pglite';
import { buildApp } from '../src/app.ts';
import { configWith } from '../src/config/config.ts';
import { openDatabase } from '../src/db/database.ts';
import { migrate } from '../src/db/migrate.ts';
import { seedDatabase } from '../src/cli/seed-file.ts';

/**
 * `npx tsx bench/login-timing.ts [samples]`: does the page's answer time tell a known login from an
 * unknown one? Four kinds of failed login, interleaved so that drift hits all alike, each
 * through the whole page (app.inject, embedded database):
 *   known / wrong password, unknown login, known but locked, unknown but locked.
 * Prints median and 90th percentile per kind and the known−unknown differences. A difference far
 * below the spread within one kind is what "cannot be told apart" looks like.
 */
const samples = Number(process.argv[2] ?? 200);

const db = await openDatabase({ pglite: await PGlite.create() });
await migrate(db);
const seed = {
  accounts: [
    { login: 'known', password: 'known-pass', userId: 1, customerId: 'C', parent: null, licences: ['TaskManager'] },
    { login: 'known-locked', password: 'locked-pass', userId: 2, customerId: 'C', parent: null, licences: ['TaskManager'] },
  ],
  launches: [],
};
await seedDatabase(db.prisma, seed, 'Asia/Taipei');
const app = await buildApp({ config: configWith({ OMIS_SECRET: 'bench-secret-0123456789abcdef', OMIS_LOCKOUT_THRESHOLD: '1000' }), database: db });

const lockBoth = () =>
  db.exec(`DELETE FROM login_failure;
    INSERT INTO login_failure (login_key, failures, last_failure_at, locked_until) VALUES
      ('known-locked', 5, now(), now() + interval '1 day'), ('unknown-locked', 5, now(), now() + interval '1 day')`);

const kinds = {
  'known, wrong password': { login: 'known', password: 'wrong' },
  'unknown login': { login: 'nobody', password: 'wrong' },
  'known, locked': { login: 'known-locked', password: 'wrong' },
  'unknown, locked': { login: 'unknown-locked', password: 'wrong' },
} as const;
type Kind = keyof typeof kinds;
const times: Record<Kind, number[]> = { 'known, wrong password': [], 'unknown login': [], 'known, locked': [], 'unknown, locked': [] };

await lockBoth();
for (let i = 0; i < samples + 10; i++) {
  // The failures of the unlocked kinds pile up; start them over now and then, outside the timing.
  if (i % 100 === 99) await lockBoth();
  for (const kind of Object.keys(kinds) as Kind[]) {
    const { login, password } = kinds[kind];
    const started = process.hrtime.bigint();
    const res = await app.inject({ method: 'GET', url: `/WebAPI/TaskManager.aspx?ManagerLoginName=${login}&ManagerPassword=${password}&LaunchID=1` });
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    if (i >= 10) times[kind].push(ms); // the first rounds warm up argon2 and the JIT
    if (!/<ErrorCode>10[01]<\/ErrorCode>/.test(res.body)) throw new Error(`unexpected answer for ${kind}: ${res.body}`);
  }
}

const quantile = (values: number[], q: number) => [...values].sort((a, b) => a - b)[Math.floor(q * (values.length - 1))]!;
console.log(`failed logins through the page, ${samples} samples each (ms)`);
for (const kind of Object.keys(kinds) as Kind[]) {
  console.log(`  ${kind.padEnd(24)} median ${quantile(times[kind], 0.5).toFixed(2).padStart(7)}   p90 ${quantile(times[kind], 0.9).toFixed(2).padStart(7)}`);
}
const diff = (a: Kind, b: Kind) => (quantile(times[a], 0.5) - quantile(times[b], 0.5)).toFixed(2);
console.log(`  median difference known − unknown: ${diff('known, wrong password', 'unknown login')} ms unlocked, ${diff('known, locked', 'unknown, locked')} ms locked`);
await app.close();
await db.close();
