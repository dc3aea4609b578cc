import type { FastifyReply } from 'fastify';
import type { Config } from '../config/config.ts';
import type { ParamBag } from '../request/param-bag.ts';
import type { TaskResponse } from './task-response.ts';
import { renderXml } from './xml-response.ts';

/**
 * Render: one answer in the form the request asked for (CONTRACT.md §7, §8). API-level errors are
 * HTTP 200 with the code in the body; only 9999 changes the HTTP status (503).
 */
export async function sendTaskResponse(reply: FastifyReply, response: TaskResponse, _bag: ParamBag, _config: Config): Promise<void> {
  if (response.errorCode === 9999) reply.code(503);
  await reply.type('text/xml; charset=utf-8').send(renderXml(response));
}
