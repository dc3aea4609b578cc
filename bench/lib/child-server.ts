import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * A server under test in a process of its own, so that the load generator and the server do not
 * share an event loop. The child prints `LISTENING <port>` on stderr when it is ready; its stdout
 * (the project's request log) goes to a file, as `omis serve >> omis.log` would, and not through a
 * pipe the bench reads: the bench's process is the load generator, and reading a log line per
 * request there took time from autocannon and showed as the server's (docs/PERFORMANCE.md).
 */
export const BENCH_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const PROJECT_DIR = path.resolve(BENCH_DIR, '..');

export interface ChildServer {
  name: string;
  pid: number;
  url: string;
  /** Resident set size now and at its peak (VmHWM), in bytes, read from /proc. */
  memory(): { rss: number; peak: number };
  /** CPU time the process has used so far (user + system), in seconds. */
  cpuSeconds(): number;
  stop(): Promise<void>;
}

/**
 * The V8 flags the project's server ships with (`npm start`, the Docker image's NODE_OPTIONS;
 * docs/PERFORMANCE.md#runtime-flags), so that the bench measures the server as it is run.
 */
export const SHIPPED_NODE_FLAGS = ['--max-semi-space-size=64'];

/** Starts `bench/servers/<script>`: a `.ts` script through tsx, a `.mjs` one (the project's compiled server) by node alone. */
export async function startChildServer(name: string, script: string, env: Record<string, string>, nodeFlags: string[] = []): Promise<ChildServer> {
  const loader = script.endsWith('.ts') ? ['--import', 'tsx'] : [];
  const logFile = path.join(os.tmpdir(), `omis-bench-${process.pid}-${++logFiles}-${name.replace(/\W+/g, '-')}.log`);
  const log = openSync(logFile, 'a');
  const child = spawn(process.execPath, [...nodeFlags, ...loader, path.join(BENCH_DIR, 'servers', script)], {
    cwd: PROJECT_DIR,
    env: { ...process.env, ...env },
    stdio: ['ignore', log, 'pipe'],
  });
  closeSync(log);
  child.once('exit', () => rmSync(logFile, { force: true }));
  let stderr = '';
  const port = await new Promise<number>((resolve, reject) => {
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-4000);
      const match = /LISTENING (\d+)/.exec(stderr);
      if (match) resolve(Number(match[1]));
    });
    child.once('exit', (code) => reject(new Error(`${name} exited with ${code} before listening:\n${stderr}\n${lastLines(logFile)}`)));
  });
  return {
    name,
    pid: child.pid!,
    url: `http://127.0.0.1:${port}`,
    memory: () => processMemory(child.pid!),
    cpuSeconds: () => processCpuSeconds(child.pid!),
    stop: () => stopChild(child),
  };
}

let logFiles = 0;

/** The end of a server's log, for the error that says it did not start. */
function lastLines(file: string): string {
  try {
    return readFileSync(file, 'utf8').slice(-4000);
  } catch {
    return '';
  }
}

/**
 * The project's own server as it ships: its compiled code (servers/project-server.mjs, which runs
 * dist/; buildProject makes it current) with the flags it ships with.
 */
export function startProjectServer(name: string, env: Record<string, string>): Promise<ChildServer> {
  return startChildServer(name, 'project-server.mjs', env, SHIPPED_NODE_FLAGS);
}

/** `npm run build`, so that the bench measures dist/ as compiled from the sources now; its output goes to stderr. */
export function buildProject(): void {
  execFileSync('npm', ['run', 'build'], { cwd: PROJECT_DIR, stdio: ['ignore', 2, 2] });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

export function processMemory(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
  return { rss: kib('VmRSS'), peak: kib('VmHWM') };
}

/**
 * CPU time used so far by each PostgreSQL process on this machine (the bench's database server runs
 * here too), in seconds by pid: what a request costs the database, next to what it costs the server.
 */
export function postgresCpuByPid(): Map<number, number> {
  const cpu = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').startsWith('postgres')) cpu.set(Number(entry), processCpuSeconds(Number(entry)));
    } catch {
      // The process ended between listing and reading.
    }
  }
  return cpu;
}

/**
 * PostgreSQL CPU used between two readings. Per process, so that a backend that ended in between
 * (a pool closing an idle connection) does not take its whole lifetime's CPU off the total.
 */
export function postgresCpuSince(before: Map<number, number>): number {
  let total = 0;
  for (const [pid, seconds] of postgresCpuByPid()) total += seconds - (before.get(pid) ?? 0);
  return total;
}

/** utime + stime from /proc/<pid>/stat (fields 14 and 15, in clock ticks of 1/100 s). */
export function processCpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may hold spaces: count fields after its closing parenthesis.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Resets the peak RSS (VmHWM) of a process so that the next peak belongs to what follows. */
export function resetPeak(pid: number): boolean {
  try {
    // Writing 5 to clear_refs resets VmHWM (Linux >= 4.0); needs the same user or root.
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}
