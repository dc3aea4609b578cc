import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import { observeVerifyTime } from '../auth/password.ts';

/**
 * Metrics that belong to the process rather than to one app instance: Node's own (heap, event loop,
 * GC), argon2 verification time, and the simulator's steps. Tests build many apps in one process;
 * registering these once keeps prom-client from refusing duplicate names, and each app's /metrics
 * merges this registry with its own (plugins/metrics.ts).
 */
export const processRegistry = new Registry();

let defaultsCollected = false;

/** Node's default metrics, once per process (each call would add another GC observer). */
export function collectProcessMetrics(): void {
  if (defaultsCollected) return;
  defaultsCollected = true;
  collectDefaultMetrics({ register: processRegistry });
}

export const argon2VerifySeconds = new Histogram({
  name: 'omis_argon2_verify_seconds',
  help: 'Time spent verifying a password with argon2 (a cached credential skips it)',
  buckets: [0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.15, 0.25, 0.5, 1],
  registers: [processRegistry],
});

observeVerifyTime((seconds) => argon2VerifySeconds.observe(seconds));

export const simulatorSteps = new Counter({
  name: 'omis_simulator_steps_total',
  help: 'Simulator steps taken, by what they did',
  labelNames: ['kind'] as const,
  registers: [processRegistry],
});
