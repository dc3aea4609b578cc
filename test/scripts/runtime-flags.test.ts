import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SHIPPED_NODE_FLAGS } from '../../bench/lib/child-server.ts';

/**
 * The server runs with a larger young generation than Node's default (docs/PERFORMANCE.md#runtime-flags).
 * A flag for V8's heap only works on node's command line or in NODE_OPTIONS, so every launcher
 * carries it: `npm start`, the Docker image, and the bench, which must measure the server as it is run.
 */
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');

describe('the V8 flags the server ships with', () => {
  it('are the same for npm start, the Docker image and the bench', () => {
    expect(SHIPPED_NODE_FLAGS).toEqual(['--max-semi-space-size=64']);
    const start = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts.start;
    expect(start).toBe(`node ${SHIPPED_NODE_FLAGS.join(' ')} bin/omis.js serve --demo`);
    const nodeOptions = /^ENV .*\bNODE_OPTIONS=(\S+)/m.exec(read('Dockerfile'))?.[1];
    expect(nodeOptions?.split(' ')).toEqual(SHIPPED_NODE_FLAGS);
  });

  it('are flags node accepts in NODE_OPTIONS', () => {
    const out = execFileSync(process.execPath, ['-p', "require('node:v8').getHeapStatistics().total_available_size > 0"], {
      env: { ...process.env, NODE_OPTIONS: SHIPPED_NODE_FLAGS.join(' ') },
      encoding: 'utf8',
    });
    expect(out.trim()).toBe('true');
  });
});
