// Micro-measurement (docs/PERFORMANCE.md): the phases of an embedded start, cumulative seconds.
// Run: npx tsx bench/micro/start-phases.ts <empty or existing data directory>
const t0 = performance.now();
const lap = (label: string) => console.log(label.padEnd(28), ((performance.now() - t0) / 1000).toFixed(2), 's');
const { openDatabase } = await import('../../src/db/database.ts');
const { migrate } = await import('../../src/db/migrate.ts');
const { seedDatabase } = await import('../../src/cli/seed-file.ts');
const { buildApp } = await import('../../src/app.ts');
const { configWith } = await import('../../src/config/config.ts');
const { readFileSync } = await import('node:fs');
lap('imports');
const dir = process.argv[2]!;
const db = await openDatabase({ dataDir: dir });
lap('PGlite open');
await migrate(db);
lap('migrate');
if ((await db.prisma.account.count()) === 0) {
  lap('first prisma query');
  await seedDatabase(db.prisma, JSON.parse(readFileSync('demo/demo-seed.json', 'utf8')), 'Asia/Taipei');
  lap('demo seed');
} else lap('first prisma query');
const app = await buildApp({ config: configWith({ OMIS_DATA_DIR: dir }), database: db });
lap('buildApp');
const r = await app.inject('/WebAPI/TaskManager.aspx?ManagerLoginName=acme-mkt&ManagerPassword=mkt-pass&LaunchID=5001');
lap(`first answer ${r.statusCode}`);
await app.close(); await db.close();
lap('closed');
