import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../config/config.ts';
import { ApiError, ErrorCodes, isApiError } from '../errors/error-codes.ts';
import { collectParams, TransportError } from '../request/collect-params.ts';
import { ParamBag } from '../request/param-bag.ts';
import { Field } from '../request/fields.ts';
import { errorResponse } from '../render/task-response.ts';
import { sendTaskResponse } from '../render/send-response.ts';
import { handleTaskRequest } from '../tasks/handle-task-request.ts';
import type { TaskContext } from '../tasks/task-context.ts';

export const TASK_MANAGER_PATH = '/WebAPI/TaskManager.aspx';

/** Methods the original page ever answered; others get HTTP 405, not an API error. */
const PAGE_METHODS = new Set(['GET', 'POST']);

/**
 * The page: normalise → authenticate → act → render. The path matches case-insensitively (the
 * router is built with caseSensitive: false, as IIS is).
 */
export default async function taskManagerRoute(app: FastifyInstance, { config }: { config: Config }) {
  const ctx: TaskContext = { prisma: app.db.prisma, config, secret: app.signingSecret };

  app.route({
    method: ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD'],
    url: TASK_MANAGER_PATH,
    handler: async (request: FastifyRequest, reply: FastifyReply) => {
      if (!PAGE_METHODS.has(request.method)) {
        return reply.code(405).header('allow', config.OMIS_ALLOWED_METHODS.join(', ')).send();
      }
      let bag = new ParamBag();
      try {
        const collected = await collectParams(request, config.OMIS_XML_MAX_BYTES);
        bag = collected.bag;
        if (!config.OMIS_ALLOWED_METHODS.includes(request.method as 'GET' | 'POST')) {
          throw new ApiError(ErrorCodes.METHOD_NOT_ALLOWED);
        }
        const response = await handleTaskRequest(ctx, bag, { clientIp: request.ip });
        return await sendTaskResponse(reply, response, bag, config);
      } catch (error) {
        if (error instanceof TransportError) return reply.code(error.statusCode).type('text/plain; charset=utf-8').send(error.message);
        if (isApiError(error)) {
          const echo = { launchId: bag.text(Field.launchId), jobId: bag.text(Field.jobId) };
          return sendTaskResponse(reply, errorResponse(error.code, echo, error.field), bag, config);
        }
        request.log.error({ err: error }, 'request failed; answering 9999');
        return sendTaskResponse(reply, errorResponse(ErrorCodes.UNAVAILABLE), bag, config);
      }
    },
  });
}
