import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../config/config.ts';
import { ApiError, ErrorCodes, isApiError } from '../errors/error-codes.ts';
import { collectParams, TransportError } from '../request/collect-params.ts';
import { bodyBytes } from '../app.ts';
import { sendMalformed } from '../plugins/transport-limits.ts';
import { ParamBag } from '../request/param-bag.ts';
import { Field } from '../request/fields.ts';
import { errorResponse, type TaskResponse } from '../render/task-response.ts';
import { checkRedirects, type RedirectTargets } from '../render/redirect.ts';
import { addXmlSource, type XmlSourceOptions } from '../request/xml-sources.ts';
import { fetchXmlReqUrl, XmlReqUrlError } from '../request/xml-req-url.ts';
import { sendTaskResponse } from '../render/send-response.ts';
import { handleTaskRequest, type RequestOrigin } from '../tasks/handle-task-request.ts';
import { journalBodyHook, journalHook } from '../plugins/journal.ts';
import { describeDatabaseError, isTransientDatabaseError } from '../db/wait-for-database.ts';

export const TASK_MANAGER_PATH = '/WebAPI/TaskManager.aspx';

/** Methods the original page ever answered; others get HTTP 405, not an API error. */
const PAGE_METHODS = new Set(['GET', 'POST']);

/**
 * The page: normalise (query, form, XML source; redirects checked) → authenticate and act
 * (handleTaskRequest) → render (send-response). The path matches case-insensitively (the
 * router is built with caseSensitive: false, as IIS is).
 */
export default async function taskManagerRoute(app: FastifyInstance, { config }: { config: Config }) {
  // CONSOLE: built once for the page and the console (plugins/task-context.ts).
  const ctx = app.taskContext;
  const journal = app.journal;

  const xmlSources: XmlSourceOptions = {
    maxBytes: config.OMIS_XML_MAX_BYTES,
    fetchUrl: (url) => fetchXmlReqUrl(url, { hosts: config.OMIS_XMLREQURL_HOSTS, maxBytes: config.OMIS_XML_MAX_BYTES }),
  };

  app.route({
    method: ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD'],
    url: TASK_MANAGER_PATH,
    // CONSOLE: the request journal takes each request once its answer has gone (nothing when OMIS_JOURNAL is off).
    ...(journal ? { onSend: journalBodyHook, onResponse: journalHook(journal) } : {}),
    handler: async (request: FastifyRequest, reply: FastifyReply) => {
      if (!PAGE_METHODS.has(request.method)) {
        return reply.code(405).header('allow', config.OMIS_ALLOWED_METHODS.join(', ')).send();
      }
      let bag = new ParamBag();
      let redirects: RedirectTargets | undefined;
      let response: TaskResponse;
      let uploads: string[] = [];
      const origin: RequestOrigin = { clientIp: request.ip, ...(journal ? { notes: {} } : {}) };
      try {
        const collected = await collectParams(request, { fileBytes: config.OMIS_XML_MAX_BYTES, bodyBytes: bodyBytes(config) });
        bag = collected.bag;
        uploads = collected.files.map((file) => file.fileName);
        if (!config.OMIS_ALLOWED_METHODS.includes(request.method as 'GET' | 'POST')) {
          throw new ApiError(ErrorCodes.METHOD_NOT_ALLOWED);
        }
        await addXmlSource(bag, collected.files, xmlSources);
        // Checked before acting: a refused redirect (106) must leave every record as it was.
        redirects = checkRedirects(bag, config.OMIS_REDIRECT_HOSTS);
        response = await handleTaskRequest(ctx, bag, origin);
      } catch (error) {
        if (error instanceof TransportError) {
          request.log.info({ reason: error.message, status: error.statusCode }, 'malformed request; answering 107');
          if (journal) request.pageOutcome = { bag, response: errorResponse(ErrorCodes.MALFORMED), uploads };
          return sendMalformed(reply, error.statusCode);
        }
        if (error instanceof XmlReqUrlError) request.log.info({ reason: error.reason }, 'XmlReqUrl refused (104)');
        if (isApiError(error)) {
          const echo = { launchId: bag.text(Field.launchId), jobId: bag.text(Field.jobId) };
          response = errorResponse(error.code, echo, error.field);
        } else {
          if (isTransientDatabaseError(error)) {
            // The database is down or unreachable: one line per request naming the fault, not a driver's stack trace each time.
            request.log.error({ reason: describeDatabaseError(error) }, 'database unavailable; answering 9999');
          } else {
            request.log.error({ err: error }, 'request failed; answering 9999');
          }
          response = errorResponse(ErrorCodes.UNAVAILABLE);
        }
      }
      if (journal) request.pageOutcome = { bag, response, uploads, injected: origin.notes?.injected };
      return sendTaskResponse(reply, response, bag, config, { redirects });
    },
  });
}
