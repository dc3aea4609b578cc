import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * scripts/postinstall.mjs decides, from what npm hands its scripts, whether an install has the dev
 * dependencies (then it runs `npm run build:all`) or is a production install (then it builds
 * nothing). npm is replaced here by a stand-in that records how it was called.
 */
const SCRIPT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../scripts/postinstall.mjs');
const dir = mkdtempSync(path.join(os.tmpdir(), 'omis-postinstall-'));
const record = path.join(dir, 'npm-called-with.json');
const fakeNpm = path.join(dir, 'fake-npm.cjs');
writeFileSync(fakeNpm, `require('node:fs').writeFileSync(${JSON.stringify(record)}, JSON.stringify(process.argv.slice(2)));\nprocess.exit(Number(process.env.FAKE_NPM_EXIT ?? 0));\n`);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function postinstall(env: Record<string, string>) {
  rmSync(record, { force: true });
  const result = spawnSync(process.execPath, [SCRIPT], {
    env: { PATH: process.env.PATH ?? '', npm_execpath: fakeNpm, ...env },
    encoding: 'utf8',
  });
  let npmArgs: string[] | undefined;
  try {
    npmArgs = JSON.parse(readFileSync(record, 'utf8')) as string[];
  } catch {
    npmArgs = undefined;
  }
  return { status: result.status, stdout: result.stdout, npmArgs };
}

describe('postinstall', () => {
  it.each([
    ['a plain install', {}],
    ['--include=dev, even with NODE_ENV=production', { npm_config_include: 'dev', NODE_ENV: 'production' }],
    ['--omit=optional alone, even with NODE_ENV=production', { npm_config_omit: 'optional', NODE_ENV: 'production' }],
  ])('builds everything after %s', (_name, env) => {
    const run = postinstall(env);
    expect(run.npmArgs).toEqual(['run', 'build:all']);
    expect(run.status).toBe(0);
  });

  it.each([
    ['--omit=dev', { npm_config_omit: 'dev', NODE_ENV: 'production' }],
    ['--omit=dev --omit=optional (npm joins them with newlines)', { npm_config_omit: 'dev\n\noptional' }],
    ['NODE_ENV=production with no --omit or --include', { NODE_ENV: 'production' }],
  ])('builds nothing after %s, and says so', (_name, env) => {
    const run = postinstall(env);
    expect(run.npmArgs).toBeUndefined();
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('production install, nothing to build here');
  });

  it('fails the install when the build fails', () => {
    const run = postinstall({ FAKE_NPM_EXIT: '3' });
    expect(run.npmArgs).toEqual(['run', 'build:all']);
    expect(run.status).toBe(3);
  });
});
