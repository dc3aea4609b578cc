// `npm run screenshots`: pictures of the console's main pages for the README and docs/CONSOLE.md,
// taken in the same headless Chromium as the browser tests (Debian's chromium, playwright-core),
// against an app on a throwaway embedded database loaded with the demo data (simulator off, so the
// pictures hold still). Writes docs/img/console-*.png.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { buildApp } from '../src/app.ts';
import { configWith } from '../src/config/config.ts';
import { openDatabase, createPglite } from '../src/db/database.ts';
import { migrate } from '../src/db/migrate.ts';
import { seedDatabase } from '../src/cli/seed-file.ts';
import { DEMO_SEED_FILE } from '../src/cli/serve-command.ts';
import { RequestJournal } from '../src/tasks/request-journal.ts';
import { journalOptions } from '../src/plugins/services.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const OUT = path.resolve(import.meta.dirname, '../docs/img');

const dir = mkdtempSync(path.join(os.tmpdir(), 'omis-screenshots-'));
const config = configWith({ OMIS_DATA_DIR: dir, OMIS_SECRET: 'screenshots-secret-0123456789' });
const db = await openDatabase({ pglite: await createPglite(dir) });
await migrate(db);
await seedDatabase(db.prisma, JSON.parse(readFileSync(DEMO_SEED_FILE, 'utf8')), config.OMIS_TIMEZONE);
const journal = new RequestJournal(db, journalOptions(config));
const app = await buildApp({ config, database: db, overrides: { journal } });
const base = await app.listen({ port: 0, host: '127.0.0.1' });
const browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
try {
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 860 }, deviceScaleFactor: 1 })).newPage();
  const shot = async (name: string, fullPage = false) => {
    await page.screenshot({ path: path.join(OUT, `console-${name}.png`), fullPage });
    console.log(`docs/img/console-${name}.png`);
  };

  await page.goto(`${base}/console/`);
  await page.getByLabel('ManagerLoginName').fill('acme-mkt');
  await page.getByLabel('ManagerPassword').fill('not-the-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('alert').waitFor();
  await shot('sign-in');

  await page.getByLabel('ManagerPassword').fill('mkt-pass');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: /Launches/ }).waitFor();
  await shot('launches');

  await page.getByRole('link', { name: '5008', exact: true }).click();
  await page.getByRole('button', { name: 'Pause', exact: true }).click();
  await page.getByRole('status').filter({ hasText: 'Pause launch 5008' }).waitFor();
  await page.getByLabel('Password to put into the copies').fill('mkt-pass');
  await shot('launch', true);

  // Requests of outside clients, for the journal: a query, a refused login, an XML request, a lookup.
  const get = (query: string) => fetch(`${base}/WebAPI/TaskManager.aspx?${query}`).then((res) => res.text());
  await get('ManagerLoginName=acme-mkt&ManagerPassword=mkt-pass&LaunchID=5001');
  await get('ManagerLoginName=acme-mkt&ManagerPassword=wrong&LaunchID=5001');
  await fetch(`${base}/WebAPI/TaskManager.aspx?LaunchID=5002`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ XmlRequest: '<REQUEST><ManagerLoginName>acme-mkt-tw</ManagerLoginName><ManagerPassword>tw-pass</ManagerPassword><LaunchID>5008</LaunchID><ReturnType>CSV</ReturnType></REQUEST>' }),
  });
  await get('ManagerLoginName=acme-mkt&ManagerPassword=mkt-pass&JobID=9001&EmailAddress=nobody@example.com');
  await page.getByRole('link', { name: 'Sandbox' }).click();
  await page.getByLabel('Account').selectOption({ label: '· acme-mkt-tw' });
  await page.getByLabel('ErrorCode').selectOption('9999');
  await page.getByLabel('Latency (ms)').fill('1500');
  await page.getByLabel('For the next N requests').fill('3');
  await page.getByRole('button', { name: 'Set sandbox rule' }).click();
  await page.getByRole('table').waitFor();
  await shot('sandbox');

  await get('ManagerLoginName=acme-mkt-tw&ManagerPassword=tw-pass&LaunchID=5008');
  await journal.flush();
  await page.getByRole('link', { name: 'Requests' }).click();
  await page.locator('.entry summary').filter({ hasText: 'POST' }).click();
  await shot('requests', true);
} finally {
  await browser.close();
  await app.close();
  await db.close();
  rmSync(dir, { recursive: true, force: true });
}
