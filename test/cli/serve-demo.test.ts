import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * The real CLI as a developer starts it (`omis serve --demo`, here from the sources through tsx), on
 * a fresh embedded database in a temporary OMIS_DATA_DIR, with nothing else configured but a free
 * port and a quick simulator.
 */
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

interface Served {
  child: ChildProcessWithoutNullStreams;
  output: () => string;
  urls: string[];
  exited: Promise<number | null>;
}

async function serve(dataDir: string, env: Record<string, string>): Promise<Served> {
  const child = spawn(process.execPath, ['--import', TSX, path.join(ROOT, 'src/cli/omis.ts'), 'serve', '--demo'], {
    // A directory without a .env file, so only what is given here counts.
    cwd: dataDir,
    env: { PATH: process.env.PATH ?? '', OMIS_DATA_DIR: path.join(dataDir, 'data'), PORT: '0', LOG_LEVEL: 'warn', ...env },
  });
  let out = '';
  child.stdout.on('data', (chunk) => (out += chunk));
  child.stderr.on('data', (chunk) => (out += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const deadline = Date.now() + 90_000;
  while (!/Try:[\s\S]*ReturnType=CSV/.test(out)) {
    if (child.exitCode !== null) throw new Error(`serve exited early:\n${out}`);
    if (Date.now() > deadline) throw new Error(`serve printed no URL in time:\n${out}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const urls = [...out.matchAll(/http:\/\/\S+\/WebAPI\/TaskManager\.aspx\?\S+/g)].map((match) => match[0]);
  return { child, output: () => out, urls, exited };
}

async function stop(served: Served): Promise<number | null> {
  served.child.kill('SIGTERM');
  return served.exited;
}

describe('omis serve --demo on a fresh machine', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'omis-serve-demo-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prints a working URL whose answer changes as the simulator works, serves console, health and metrics, and stops cleanly', async () => {
    const served = await serve(dir, { OMIS_SIMULATOR_TICK_MS: '100', OMIS_SIMULATOR_STEP_MS: '200' });
    try {
      expect(served.output()).toContain('Demo logins: acme / acme-pass');
      expect(served.output()).toContain('Simulator: on');
      // The recurring launches 5001, 5003 and 5007, then a job as CSV.
      expect(served.urls.map((url) => new URL(url).searchParams.get('LaunchID') ?? 'CSV')).toEqual(['5001', '5003', '5007', 'CSV']);
      const url = served.urls[0]!;
      const first = await fetch(url);
      expect(first.status).toBe(200);
      const firstBody = await first.text();
      expect(firstBody).toContain('<ErrorCode>0</ErrorCode>');
      expect(firstBody).toContain('<LaunchID>5001</LaunchID>');

      let changed = firstBody;
      const deadline = Date.now() + 30_000;
      while (changed === firstBody && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 200));
        changed = await (await fetch(url)).text();
      }
      expect(changed).not.toBe(firstBody);
      expect(changed).toContain('<ErrorCode>0</ErrorCode>');

      const base = new URL(url).origin;
      const consolePage = await fetch(`${base}/console/sign-in`);
      expect(consolePage.status).toBe(200);
      expect(await consolePage.text()).toContain('<button type="submit">Sign in</button>');
      const forms = await fetch(`${base}/WebAPI/forms`);
      expect(await forms.text()).toContain('action="/WebAPI/TaskManager.aspx"');
      const health = await fetch(`${base}/healthz`);
      expect(health.status).toBe(200);
      expect(await health.json()).toMatchObject({ status: 'ok', database: { kind: 'pglite', ok: true } });
      const metrics = await (await fetch(`${base}/metrics`)).text();
      expect(metrics).toMatch(/omis_taskmanager_requests_total\{error_code="0",action="query"\} \d+/);
      expect(metrics).toMatch(/omis_simulator_steps_total\{kind="job-advanced"\} \d+/);
    } finally {
      expect(await stop(served)).toBe(0);
    }
    // Shut down in order: nothing was logged as failing on the way out.
    expect(served.output()).not.toMatch(/simulator tick failed|Error:/);
  }, 150_000);

  it('loads the demo only into an empty database: a restart keeps what happened', async () => {
    const served = await serve(dir, { OMIS_SIMULATOR: 'false' });
    try {
      expect(served.output()).not.toContain('Simulator: on');
      const body = await (await fetch(served.urls[0]!)).text();
      // Launch 5001 fired during the first run (and may have recurred); a re-seed would have put it back to 0.
      expect(body).toMatch(/<LAUNCHCOUNT>[1-9]\d*<\/LAUNCHCOUNT>/);
    } finally {
      expect(await stop(served)).toBe(0);
    }
  }, 150_000);
});
