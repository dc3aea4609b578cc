import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { processCpuSeconds, PROJECT_DIR, SHIPPED_NODE_FLAGS } from '../lib/child-server.ts';
import { table } from '../lib/load.ts';

/**
 * Embedded `npm start` (node with the flags it ships with, bin/omis.js serve --demo) to its first answer.
 * Timed from spawning the process to the first successful answer of the URL it prints, with an
 * empty data directory (first start: database created, migrated, demo loaded) and again with the
 * data directory that start left behind.
 */
interface StartFigures {
  listening: number;
  firstAnswer: number;
  /** CPU the process had used by its first answer: what the wait would be on an otherwise idle core. */
  cpu: number;
}

async function startOnce(command: string[], dataDir: string): Promise<StartFigures> {
  const started = performance.now();
  const child = spawn(command[0]!, command.slice(1), {
    cwd: PROJECT_DIR,
    env: { ...process.env, OMIS_DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'warn', DATABASE_URL: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        const match = /(http:\/\/\S+\/WebAPI\/TaskManager\.aspx\?\S+)/.exec(output);
        if (match && /listening on/.test(output)) resolve(match[1]!);
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.once('exit', (code) => reject(new Error(`omis serve exited with ${code}:\n${output}`)));
      setTimeout(() => reject(new Error(`no URL printed within 120 s:\n${output}`)), 120_000).unref();
    });
    const listening = (performance.now() - started) / 1000;
    for (;;) {
      try {
        const body = await (await fetch(url)).text();
        if (body.includes('<ErrorCode>0</ErrorCode>')) break;
      } catch {
        // not answering yet
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return { listening, firstAnswer: (performance.now() - started) / 1000, cpu: processCpuSeconds(child.pid!) };
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => (child.exitCode !== null ? resolve(null) : child.once('exit', resolve)));
  }
}

export async function runStartup(): Promise<string> {
  const rows: string[][] = [];
  const commands: Array<[string, string[]]> = [
    [`npm start (node ${SHIPPED_NODE_FLAGS.join(' ')} bin/omis.js serve --demo, compiled dist/)`, [process.execPath, ...SHIPPED_NODE_FLAGS, 'bin/omis.js', 'serve', '--demo']],
    ['npm run dev (tsx src/cli/omis.ts serve --demo)', [process.execPath, '--import', 'tsx', 'src/cli/omis.ts', 'serve', '--demo']],
  ];
  for (const [label, command] of commands) {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'omis-bench-start-'));
    try {
      const first = await startOnce(command, dataDir);
      const second = await startOnce(command, dataDir);
      for (const [data, figures] of [['empty data directory', first], ['existing data directory', second]] as const) {
        rows.push([label, data, `${figures.listening.toFixed(2)} s`, `${figures.firstAnswer.toFixed(2)} s`, `${figures.cpu.toFixed(2)} s`]);
      }
      console.error(`  ${label}: first start ${first.firstAnswer.toFixed(2)} s, restart ${second.firstAnswer.toFixed(2)} s`);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }
  return `Embedded start to first answer (target: a few seconds)\n${table(['command', 'data', 'URL printed', 'first answer', 'process CPU by then'], rows)}\n`;
}
