import autocannon, { type Request } from 'autocannon';

/** One autocannon run, reduced to the figures the report prints. */
export interface LoadFigures {
  rps: number;
  p50: number;
  p99: number;
  requests: number;
  /** Responses that were not 2xx, connection errors and timeouts: any of them spoils the run. */
  failures: number;
  /** Filled in by the caller that knows the server's process. */
  cpuPerRequest?: number;
  /** CPU of the PostgreSQL processes per request, filled in likewise. */
  postgresCpuPerRequest?: number;
  /** Requests whose reads shared one statement, on average (the project only, from its /metrics). */
  readsPerStatement?: number;
}

/** Load on `url` for `seconds`; with `requests`, each connection sends those in turn (paths relative to `url`). */
export async function load(url: string, options: { connections: number; seconds: number; requests?: Request[] | undefined }): Promise<LoadFigures> {
  const result = await autocannon({
    url,
    connections: options.connections,
    duration: options.seconds,
    timeout: 10,
    ...(options.requests ? { requests: options.requests } : {}),
  });
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    requests: result.requests.total,
    failures: result.non2xx + result.errors + result.timeouts,
  };
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export const fmt = {
  int: (n: number) => Math.round(n).toLocaleString('en-US'),
  ms: (n: number) => `${n.toFixed(n < 10 ? 2 : 1)} ms`,
  us: (seconds: number) => `${Math.round(seconds * 1e6)} µs`,
  ratio: (n: number) => `${n.toFixed(2)}×`,
  mb: (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`,
};

/** A plain text table (the bench output goes into docs/PERFORMANCE.md as it is). */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}
