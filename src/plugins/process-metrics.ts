import { collectDefaultMetrics, Registry } from 'prom-client';

/**
 * Node's own metrics (heap, event loop, GC) belong to the process, not to one app: tests build many
 * apps in one process, and every collectDefaultMetrics call would add another GC observer. They are
 * collected once, into this registry, which each app's /metrics merges with its own.
 */
export const processRegistry = new Registry();

let collected = false;

export function collectProcessMetrics(): void {
  if (collected) return;
  collected = true;
  collectDefaultMetrics({ register: processRegistry });
}
