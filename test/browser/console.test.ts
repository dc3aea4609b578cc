import http from 'node:http';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { buildTestApp, databaseKind, pageUrl, seedWith, type TestApp } from '../helper.ts';
import { logins, standardSeed } from '../fixtures/standard-seed.ts';
import { parseResponse } from '../xml.ts';

/**
 * The console in a real browser, used as a person would: headless Chromium (Debian's `chromium`,
 * driven by playwright-core) finds everything by its label or role. Requests of "other clients"
 * go to the page over plain HTTP (Node's http), not through the browser. Skipped, saying so,
 * where no Chromium is installed (CI installs it: .ci/run).
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const hasBrowser = existsSync(CHROMIUM);
if (!hasBrowser) console.warn(`test/browser/console.test.ts skipped: no Chromium at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM_PATH)`);

const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
/** Longer than the console's refresh (3 s for a launch, 2 s for the journal), with room for a busy machine. */
const LIVE = { timeout: 20_000 };

/** A request of an outside client: Node's http, straight to the page. */
function outsideGet(base: string, fields: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(`${base}${pageUrl(fields)}`, (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk)).on('end', () => resolve({ status: res.statusCode!, body }));
      })
      .on('error', reject);
  });
}

describe.skipIf(!hasBrowser)(`the console in headless Chromium (${databaseKind})${hasBrowser ? '' : ` — skipped: no Chromium at ${CHROMIUM}`}`, () => {
  let t: TestApp;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let base: string;

  beforeAll(async () => {
    t = await buildTestApp();
    await seedWith(t.db, standardSeed);
    base = await t.app.listen({ port: 0, host: '127.0.0.1' });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  const signIn = async (login: { ManagerLoginName: string; ManagerPassword: string }) => {
    await page.getByLabel('ManagerLoginName').fill(login.ManagerLoginName);
    await page.getByLabel('ManagerPassword').fill(login.ManagerPassword);
    await page.getByRole('button', { name: 'Sign in' }).click();
  };
  const launchState = () => page.locator('#launch-live');

  it('leads / to the sign-in page, and refuses a wrong password with the page\'s message', async () => {
    await page.goto(`${base}/`);
    expect(new URL(page.url()).pathname).toBe('/console/sign-in');
    await signIn({ ManagerLoginName: 'acme-mkt', ManagerPassword: 'wrong' });
    expect(await page.getByRole('alert').textContent()).toBe('Invalid ManagerLoginName or ManagerPassword');
    expect((await context.cookies()).map((cookie) => cookie.name)).not.toContain('omis_console');
  });

  it("signs in once and lists the tree's launches, not another tree's", async () => {
    await signIn(logins.mkt);
    await page.getByRole('heading', { name: /Launches/ }).waitFor();
    const ids = await page.getByRole('table').getByRole('link').allTextContents();
    expect(ids).toEqual(['5002', '5001']);
    expect(await page.getByRole('link', { name: '6001' }).count()).toBe(0);
    const session = (await context.cookies()).find((cookie) => cookie.name === 'omis_console')!;
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/console' });
  });

  it('goes Back past the refused and the accepted sign-in without asking to resubmit a form', async () => {
    // The history holds no answer to a POST (a refused sign-in redirects too): Back reloads the
    // sign-in page, which sends a signed-in manager on to the launches. Were it the refusal itself,
    // Chromium would stop at "Confirm Form Resubmission" (net::ERR_CACHE_MISS) and goBack throw.
    const back = await page.goBack();
    expect(back?.ok()).toBe(true);
    expect(new URL(page.url()).pathname).toBe('/console/');
    await page.getByRole('heading', { name: /Launches/ }).waitFor();
  });

  it('opens a launch, pauses and unpauses it, and shows the new state without a reload', async () => {
    await page.getByRole('link', { name: '5001', exact: true }).click();
    await page.getByRole('heading', { name: /Launch 5001/ }).waitFor();
    expect(await page.getByRole('row', { name: /9001/ }).count()).toBe(1);
    // A mark in the page's memory: it survives only if the page is never loaded again.
    await page.evaluate(() => ((globalThis as unknown as { unreloaded: boolean }).unreloaded = true));

    await page.getByRole('button', { name: 'Pause', exact: true }).click();
    await launchState().getByText('暫停').first().waitFor(LIVE);
    expect(await page.getByRole('status').textContent()).toBe('Pause launch 5001: ErrorCode 0');
    expect(parseResponse((await outsideGet(base, { ...logins.mkt, LaunchID: '5001' })).body).LAUNCH!.ERRORCODE).toBe('-2');

    await page.getByRole('button', { name: 'Unpause', exact: true }).click();
    await launchState().getByText('等候啟動').waitFor(LIVE);
    expect(await page.evaluate(() => (globalThis as unknown as { unreloaded?: boolean }).unreloaded)).toBe(true);
  });

  it('keeps the state up to date while the page is open, as other clients change it', async () => {
    await outsideGet(base, { ...logins.mkt, JobID: '9002', JobAction: '3' });
    await page.getByRole('row', { name: /9002/ }).getByText('暫停').waitFor(LIVE);
    await outsideGet(base, { ...logins.mkt, JobID: '9002', JobAction: '4' });
    await page.getByRole('row', { name: /9002/ }).getByText('等候發送').waitFor(LIVE);
    expect(await page.evaluate(() => (globalThis as unknown as { unreloaded?: boolean }).unreloaded)).toBe(true);
  });

  it('shows the raw answer a client gets, and the request to copy with the password masked until typed in', async () => {
    await page.getByRole('button', { name: 'Pause job 9001', exact: true }).click();
    const panel = page.locator('#answer .panel');
    await panel.getByRole('heading', { name: /Pause job 9001/ }).waitFor();
    const xml = await panel.getByLabel('XML answer').textContent();
    expect(parseResponse(xml!).LAUNCH!.JOB![0]!.ERRORCODE).toBe('-2');
    const url = panel.getByLabel('GET URL', { exact: true }).filter({ visible: true });
    expect(await url.textContent()).toMatch(/\/WebAPI\/TaskManager\.aspx\?ManagerLoginName=acme-mkt&ManagerPassword=\*{8}&JobID=9001&JobAction=3$/);
    await panel.getByLabel('Password to put into the copies').fill(logins.mkt.ManagerPassword);
    const filled = await url.textContent();
    expect(filled).toContain(`ManagerPassword=${logins.mkt.ManagerPassword}&`);
    // The copied URL is a real request: it answers what the panel showed (the job is paused already).
    const copied = await (await fetch(filled!.replace('&JobAction=3', ''))).text();
    expect(parseResponse(copied).LAUNCH!.JOB![0]!.ERRORCODE).toBe('-2');
    await panel.getByLabel('CSV (ReturnType=CSV)').check();
    expect(await panel.getByLabel('CSV answer').textContent()).toMatch(/^ErrorCode,ErrorMSG,RecordType/);
    expect(await panel.getByLabel('GET URL', { exact: true }).filter({ visible: true }).textContent()).toMatch(/&ReturnType=CSV$/);
    expect(await panel.getByLabel('curl command', { exact: true }).filter({ visible: true }).textContent()).toContain(`--data-urlencode 'ManagerPassword=${logins.mkt.ManagerPassword}'`);
    await page.getByRole('button', { name: 'Unpause job 9001', exact: true }).click();
    await page.getByRole('row', { name: /9001/ }).getByText('處理發送中').waitFor(LIVE);
  });

  it('asks before deleting: nothing happens when the question is dismissed', async () => {
    await page.goto(`${base}/console/launches/5002`);
    let asked = '';
    page.once('dialog', (dialog) => {
      asked = dialog.message();
      void dialog.dismiss();
    });
    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    expect(asked).toMatch(/^Delete launch 5002\?/);
    expect(parseResponse((await outsideGet(base, { ...logins.tw, LaunchID: '5002' })).body).ErrorCode).toBe('0');

    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    await launchState().getByText(/Launch 5002 is no longer there/).waitFor(LIVE);
    expect(parseResponse((await outsideGet(base, { ...logins.tw, LaunchID: '5002' })).body).ErrorCode).toBe('111');
  });

  it("journals an outside client's request, live, with its password hidden", async () => {
    await page.getByRole('link', { name: 'Requests' }).click();
    await page.getByRole('heading', { name: 'Requests to TaskManager.aspx' }).waitFor();
    await outsideGet(base, { ManagerLoginName: 'acme-mkt-tw', ManagerPassword: logins.tw.ManagerPassword, JobID: '9003', EmailAddress: 'nobody@example.com' });
    const entry = page.locator('.entry').filter({ hasText: 'ErrorCode 110' });
    await entry.waitFor(LIVE);
    await entry.locator('summary').click();
    expect(await entry.getByRole('row', { name: /ManagerPassword/ }).textContent()).toContain('[hidden]');
    expect(await page.content()).not.toContain(logins.tw.ManagerPassword);
  });

  it('sets a sandbox rule that an outside client meets (latency, ErrorCode 9999), marked in the journal', async () => {
    await page.getByRole('link', { name: 'Sandbox' }).click();
    await page.getByLabel('Account').selectOption({ label: 'acme-mkt' });
    await page.getByLabel('Latency (ms)').fill('200');
    await page.getByLabel('ErrorCode').selectOption('9999');
    await page.getByLabel('For the next N requests').fill('1');
    await page.getByRole('button', { name: 'Set sandbox rule' }).click();
    await page.getByRole('cell', { name: '200 ms latency + ErrorCode 9999' }).waitFor();

    const started = performance.now();
    const shaped = await outsideGet(base, { ...logins.mkt, JobID: '9001' });
    expect(performance.now() - started).toBeGreaterThanOrEqual(195);
    expect([shaped.status, parseResponse(shaped.body).ErrorCode]).toEqual([503, '9999']);
    expect(parseResponse((await outsideGet(base, { ...logins.mkt, JobID: '9001' })).body).ErrorCode).toBe('0');

    await page.getByRole('link', { name: 'Requests' }).click();
    await page.locator('.entry').filter({ hasText: 'sandbox: 200 ms latency + ErrorCode 9999' }).waitFor(LIVE);
  });

  it('signs out: the console is closed until the next sign-in', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await page.goto(`${base}/console/`);
    expect(new URL(page.url()).pathname).toBe('/console/sign-in');
  });

  it("serves the document's forms without script, answered by the page", async () => {
    const plain = await browser.newContext({ javaScriptEnabled: false });
    try {
      const forms = await plain.newPage();
      await forms.goto(`${base}/WebAPI/forms`);
      const form = forms.locator('form#launch-query');
      await form.getByLabel('ManagerLoginName').fill(logins.mkt.ManagerLoginName);
      await form.getByLabel('ManagerPassword').fill(logins.mkt.ManagerPassword);
      await form.getByLabel('任務編號 LaunchID').fill('5001');
      const [response] = await Promise.all([forms.waitForNavigation(), form.getByRole('button', { name: '查詢任務' }).click()]);
      expect(response!.request().method()).toBe('POST');
      expect(parseResponse(await response!.text()).LAUNCH!.LaunchName).toBe('Newsletter');
      // Back returns to the forms (a GET), not to an answer that would have to be posted again.
      const back = await forms.goBack();
      expect(back?.ok()).toBe(true);
      expect(new URL(forms.url()).pathname).toBe('/WebAPI/forms');
    } finally {
      await plain.close();
    }
  });

  it('shows ReturnType CSV from the forms in the browser, never saved as a file named TaskManager.aspx', async () => {
    const plain = await browser.newContext({ javaScriptEnabled: false });
    try {
      const forms = await plain.newPage();
      const downloads: string[] = [];
      forms.on('download', (download) => downloads.push(download.suggestedFilename()));
      await forms.goto(`${base}/WebAPI/forms`);
      const form = forms.locator('form#launch-query');
      await form.getByLabel('ManagerLoginName').fill(logins.mkt.ManagerLoginName);
      await form.getByLabel('ManagerPassword').fill(logins.mkt.ManagerPassword);
      await form.getByLabel('任務編號 LaunchID').fill('5001');
      await form.getByLabel('ReturnType').selectOption('CSV');
      // A download instead of a page aborts this navigation (net::ERR_ABORTED).
      const [csv] = await Promise.all([forms.waitForNavigation(), form.getByRole('button', { name: '查詢任務' }).click()]);
      expect(csv!.headers()['content-disposition']).toBeUndefined();
      expect(await forms.locator('body').innerText()).toMatch(/^ErrorCode,ErrorMSG,RecordType/);
      expect(downloads).toEqual([]);
    } finally {
      await plain.close();
    }
  });
});
