import type { FastifyRequest } from 'fastify';

/**
 * What the page answered, noted on the request where every answer is rendered
 * (render/send-response.ts) and counted by the metrics hook (plugins/metrics.ts).
 */
declare module 'fastify' {
  interface FastifyRequest {
    taskOutcome: TaskOutcome | undefined;
  }
}

export interface TaskOutcome {
  errorCode: number;
  action: string;
}

const LAUNCH_ACTIONS = ['', 'delete', 'terminate', 'pause', 'unpause', 'change-expiry'];
const JOB_ACTIONS = ['', 'delete', 'terminate', 'pause', 'unpause', 'restart'];

/** A bounded label for what was asked: query, launch.pause, job.restart… (any invalid value: one label). */
export function actionLabel(launchAction: string | undefined, jobAction: string | undefined): string {
  if (launchAction !== undefined) return /^[1-5]$/.test(launchAction.trim()) ? `launch.${LAUNCH_ACTIONS[Number(launchAction.trim())]}` : 'launch.invalid';
  if (jobAction !== undefined) return /^[1-5]$/.test(jobAction.trim()) ? `job.${JOB_ACTIONS[Number(jobAction.trim())]}` : 'job.invalid';
  return 'query';
}

export function recordTaskOutcome(request: FastifyRequest, errorCode: number, launchAction: string | undefined, jobAction: string | undefined): void {
  request.taskOutcome = { errorCode, action: actionLabel(launchAction, jobAction) };
}
