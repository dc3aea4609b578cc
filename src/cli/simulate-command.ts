import { once } from 'node:events';
import { Simulator, type SimLogger } from '../sim/simulator.ts';
import { CliError, cliConfig, withDatabase } from './cli-support.ts';

export const SIMULATE_HELP = `Usage: omis simulate [--tick-ms N] [--step-ms N] [--once]

Runs the job simulator alone against the configured database: jobs move through STATUS 1→…→8→0,
launches fire and recur, recipients are delivered, points are spent from the root account (a job
the root cannot pay for stops with ERRORCODE 201). Several simulators and servers may share one
PostgreSQL database. On the embedded database (DATABASE_URL unset) it works through a running
'omis serve' when there is one, and otherwise opens the database itself and lets other commands in.
  --tick-ms N   how often to look for work (default OMIS_SIMULATOR_TICK_MS, 2000)
  --step-ms N   how long a job stays at one STATUS (default OMIS_SIMULATOR_STEP_MS, 5000)
  --once        one pass over the work that is due, then exit`;

function millis(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const text = String(value);
  if (!/^\d+$/.test(text) || Number(text) > 86_400_000) throw new CliError(`--${name} must be a whole number of milliseconds`);
  return Number(text);
}

/** The CLI's logger: one line per event on stderr, like the server's but without pino. */
const consoleLog: SimLogger = {
  info: (obj: unknown, msg?: string) => console.error(`omis simulate: ${msg ?? ''} ${JSON.stringify(obj)}`),
  warn: (obj: unknown, msg?: string) => console.error(`omis simulate: ${msg ?? ''} ${describe(obj)}`),
  error: (obj: unknown, msg?: string) => console.error(`omis simulate: ${msg ?? ''} ${describe(obj)}`),
  debug: () => {},
} as SimLogger;

function describe(obj: unknown): string {
  const err = (obj as { err?: Error } | undefined)?.err;
  return err ? err.message : JSON.stringify(obj);
}

export async function simulateCommand(_positionals: string[], values: Record<string, unknown>): Promise<void> {
  const config = cliConfig();
  const tickMs = millis(values['tick-ms'], 'tick-ms', config.OMIS_SIMULATOR_TICK_MS);
  const stepMs = millis(values['step-ms'], 'step-ms', config.OMIS_SIMULATOR_STEP_MS);
  if (tickMs < 50) throw new CliError('--tick-ms must be at least 50');
  // Running on, it lets other commands in through its socket, as a server does.
  await withDatabase(config, async (db, described) => {
    const simulator = new Simulator(db, { stepMs, log: consoleLog });
    if (values.once) {
      const result = await simulator.runOnce();
      console.log(
        `jobs advanced: ${result.jobsAdvanced}, stopped out of points: ${result.jobsOutOfPoints}, ` +
          `launch steps: ${result.launchesStepped}, skipped: ${result.skipped}`,
      );
      return;
    }
    console.log(`omis simulate: ticking every ${tickMs} ms, ${stepMs} ms per stage (${described}); Ctrl-C stops`);
    simulator.start(tickMs);
    await Promise.race([once(process, 'SIGINT'), once(process, 'SIGTERM')]);
    await simulator.stop();
    console.log('omis simulate: stopped');
  }, { command: 'simulate', share: !values.once });
}
