import type { Request } from 'autocannon';
import { startChildServer } from '../lib/child-server.ts';
import { BENCH_LOGIN } from '../lib/bench-db.ts';
import { fmt, table } from '../lib/load.ts';
import { targetLine, alternateRounds, headlineOf, startProjects, versus, type BenchServer, type HeadlineRow, type ProjectVariant } from '../lib/rounds.ts';

/**
 * An action under contention: every connection pauses and unpauses one running job in turn
 * (JobAction 3, then 4), so that each action waits for the job's row lock — the price of a serial
 * order (docs/API.md). Against a bare server doing one transaction of the same shape (lock the
 * job, update it, write an audit row) and answering the project's bytes.
 */
export const ACTION_JOB_ID = 9001;

/** The action's target against the bare transaction (docs/PERFORMANCE.md). */
export const ACTION_TARGET = 0.7;

export interface ActionOptions {
  dbUrl: string;
  rounds: number;
  seconds: number;
  warmupSeconds: number;
  connections: number;
  variants: ProjectVariant[];
}

const actionPath = (action: '3' | '4') =>
  `/WebAPI/TaskManager.aspx?${new URLSearchParams({ ...BENCH_LOGIN, JobID: String(ACTION_JOB_ID), JobAction: action })}`;

/**
 * A refused action answers 115 with HTTP 200: that is contention, not a failure; any other answer
 * is noted in `unexpected` (autocannon counts only the HTTP status).
 */
function checked(path: string, unexpected: string[]): Request {
  return {
    method: 'GET',
    path,
    onResponse: (_status, body) => {
      const code = /<ErrorCode>(-?\d+)<\/ErrorCode>/.exec(body)?.[1];
      if (code !== '0' && code !== '115') unexpected.push(code ?? body.slice(0, 200));
    },
  };
}

export async function runActionThroughput(options: ActionOptions): Promise<{ report: string; headline: HeadlineRow }> {
  const servers: BenchServer[] = [];
  try {
    await startProjects(options.variants, servers);
    // The baseline answers the bytes the project answers for each action (the job is running: pause, then unpause).
    const bodies: Record<string, string> = {};
    for (const action of ['3', '4'] as const) {
      bodies[action] = await (await fetch(servers[0]!.server.url + actionPath(action))).text();
      if (!bodies[action].includes('<ErrorCode>0</ErrorCode>')) throw new Error(`the project refused JobAction ${action}:\n${bodies[action]}`);
    }
    const baseline = await startChildServer('action-baseline', 'action-baseline-server.ts', { BENCH_DB_URL: options.dbUrl, BENCH_XML_BODIES: JSON.stringify(bodies) });
    servers.unshift({ label: 'bare Fastify + 1 transaction (lock, update, audit row)', server: baseline });

    const unexpected: string[] = [];
    const requests = [checked(actionPath('3'), unexpected), checked(actionPath('4'), unexpected)];
    const summaries = await alternateRounds(servers, { ...options, requests });
    if (unexpected.length > 0) throw new Error(`${unexpected.length} actions answered neither 0 nor 115, e.g. ${unexpected.slice(0, 3).join('; ')}`);
    const base = summaries.get(servers[0]!.label)!;
    const rows = servers.map(({ label }, index) => {
      const s = summaries.get(label)!;
      return [label, fmt.int(s.rps), fmt.ms(s.p50), fmt.ms(s.p99), fmt.us(s.cpu), fmt.us(s.pgCpu), index === 0 ? '' : versus(s, base)];
    });
    const report =
      `JobAction 3 and 4 alternating on one running job (every action waits for its row lock), ${options.connections} connections, ` +
      `${options.rounds} alternated rounds of ${options.seconds} s each after ${options.warmupSeconds} s of warm-up per server (medians)\n` +
      table(['server', 'req/s', 'p50', 'p99', 'server CPU/req', 'PostgreSQL CPU/req', 'vs baseline'], rows) +
      '\n' +
      targetLine(servers[1]!.label, summaries.get(servers[1]!.label)!, base, ACTION_TARGET);
    return { report, headline: headlineOf('JobAction 3/4 on one job', options.connections, servers, summaries) };
  } finally {
    for (const { server } of servers) await server.stop();
  }
}
