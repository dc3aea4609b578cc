import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { buildTestApp, databaseKind, seedWith, type TestApp } from '../helper.ts';
import { logins, standardSeed } from '../fixtures/standard-seed.ts';
import { parseResponse } from '../xml.ts';

/**
 * The console in a real browser: headless Chromium (Debian's `chromium`, driven by playwright-core)
 * with JavaScript OFF opens /WebAPI/ on a listening app, submits the document's forms and reads
 * the answers. Skipped, saying so, where no Chromium is installed (CI installs it: .ci/run).
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const hasBrowser = existsSync(CHROMIUM);
if (!hasBrowser) console.warn(`test/browser/console.test.ts skipped: no Chromium at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM_PATH)`);

const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

describe.skipIf(!hasBrowser)(`the console in headless Chromium, JavaScript off (${databaseKind})${hasBrowser ? '' : ` — skipped: no Chromium at ${CHROMIUM}`}`, () => {
  let t: TestApp;
  let browser: Browser;
  let page: Page;
  let base: string;

  beforeAll(async () => {
    t = await buildTestApp();
    await seedWith(t.db, standardSeed);
    base = await t.app.listen({ port: 0, host: '127.0.0.1' });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
    const context = await browser.newContext({ javaScriptEnabled: false });
    page = await context.newPage();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  /** Opens the console, fills one form (credentials typed into the form itself) and submits it. */
  async function submit(formId: string, fields: Record<string, string>, credentials: { ManagerLoginName: string; ManagerPassword: string } = logins.mkt) {
    await page.goto(`${base}/WebAPI/`);
    const form = page.locator(`form#${formId}`);
    for (const [name, value] of Object.entries({ ...credentials, ...fields })) await form.locator(`[name="${name}"]`).fill(value);
    const [response] = await Promise.all([page.waitForNavigation(), form.locator('input[type="submit"]').click()]);
    expect(response).not.toBeNull();
    expect(response!.url()).toBe(`${base}/WebAPI/TaskManager.aspx`);
    expect(response!.request().method()).toBe('POST');
    expect(response!.request().headers()['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    return parseResponse(await response!.text());
  }

  it('queries a launch', async () => {
    const answer = await submit('launch-query', { LaunchID: '5001' });
    expect(answer.ErrorCode).toBe('0');
    expect(answer.LAUNCH!.LaunchName).toBe('Newsletter');
    expect(answer.LAUNCH!.JOB!.map((job) => job.JobID)).toEqual(['9001', '9002']);
  });

  it('pauses the launch and then unpauses it', async () => {
    const paused = await submit('launch-pause', { LaunchID: '5001' });
    expect(paused.ErrorCode).toBe('0');
    expect(paused.LAUNCH!.ERRORCODE).toBe('-2');
    expect(paused.LAUNCH!.StatusText).toBe('暫停');
    const resumed = await submit('launch-unpause', { LaunchID: '5001' });
    expect(resumed.ErrorCode).toBe('0');
    expect(resumed.LAUNCH!.ERRORCODE).toBe('0');
    expect(resumed.LAUNCH!.StatusText).toBe('等候啟動');
  });

  it('changes the expiry with the format the document prints (yyyy/MM/dd HH:mm:ss)', async () => {
    const answer = await submit('launch-expiry', { LaunchID: '5001', ExpireTime: '2030/03/01 12:34:56' });
    expect(answer.ErrorCode).toBe('0');
    expect(answer.LAUNCH!.ExpireTime).toBe('2030-03-01 12:34:56');
    const refused = await submit('launch-expiry', { LaunchID: '5001', ExpireTime: 'yyyy/MM/dd HH:mm:ss' });
    expect(refused.ErrorCode).toBe('114');
  });

  it('pauses and unpauses a job, and asks for the CSV form when chosen', async () => {
    expect((await submit('job-pause', { JobID: '9001' })).LAUNCH!.JOB![0]!.ERRORCODE).toBe('-2');
    expect((await submit('job-unpause', { JobID: '9001' })).LAUNCH!.JOB![0]!.ERRORCODE).toBe('0');
    await page.goto(`${base}/WebAPI/`);
    const form = page.locator('form#job-query');
    await form.locator('[name="ManagerLoginName"]').fill(logins.mkt.ManagerLoginName);
    await form.locator('[name="ManagerPassword"]').fill(logins.mkt.ManagerPassword);
    await form.locator('[name="JobID"]').fill('9001');
    await form.locator('select[name="ReturnType"]').selectOption('CSV');
    // Chromium saves text/csv rather than showing it: read the download.
    const [download] = await Promise.all([page.waitForEvent('download'), form.locator('input[type="submit"]').click()]);
    const csv = readFileSync((await download.path())!, 'utf8');
    expect(csv.split(/\r?\n/)[0]).toContain('RecordType');
    expect(csv).toContain('9001');
  });

  it('fills every form after signing in once, and a wrong password is refused by the page', async () => {
    await page.goto(`${base}/WebAPI/`);
    await page.fill('#sign-in-login', logins.mkt.ManagerLoginName);
    await page.fill('#sign-in-password', logins.mkt.ManagerPassword);
    await Promise.all([page.waitForNavigation(), page.click('form#sign-in input[type="submit"]')]);
    expect(await page.locator('form#launch-query input[type="hidden"][name="ManagerLoginName"]').getAttribute('value')).toBe('acme-mkt');
    await page.locator('form#launch-query [name="LaunchID"]').fill('5002');
    const [response] = await Promise.all([page.waitForNavigation(), page.locator('form#launch-query input[type="submit"]').click()]);
    const answer = parseResponse(await response!.text());
    expect(answer.ErrorCode).toBe('0');
    expect(answer.LaunchID).toBe('5002');

    const refused = await submit('launch-query', { LaunchID: '5001' }, { ManagerLoginName: 'acme-mkt', ManagerPassword: 'wrong' });
    expect(refused.ErrorCode).toBe('100');
  });
});
