import fp from 'fastify-plugin';
import type { FastifyReply, FastifyRequest, onResponseHookHandler, onSendHookHandler } from 'fastify';
import type { PageOutcome } from '../tasks/journal-entry.ts';
import type { RequestJournal } from '../tasks/request-journal.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** What the page made of the request, for the request journal (routes/task-manager.ts, plugins/transport-limits.ts). */
    pageJournal: PageOutcome | undefined;
  }
}

/**
 * The request journal's hooks on the page's route (docs/CONSOLE.md#request-journal): the body is
 * kept as it is sent, and the request handed to the journal once its answer has gone. Both only
 * keep references; the journal makes its rows later, in a batch. Without a journal (OMIS_JOURNAL
 * off) the route takes no hook at all.
 */
export default fp(
  async (app) => {
    app.decorateRequest('pageJournal', undefined);
  },
  { name: 'journal-hooks' },
);

/** The hooks the page's route takes, when there is a journal. */
export function journalHooks(journal: Pick<RequestJournal, 'record'>): { onSend: onSendHookHandler; onResponse: onResponseHookHandler } {
  return {
    onSend: (request, _reply, payload, done) => {
      if (typeof payload === 'string' && request.pageJournal) request.pageJournal.body = payload;
      done(null, payload);
    },
    // Callback style: no promise per request.
    onResponse: (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
      const location = reply.getHeader('location');
      journal.record({
        atMs: Date.now() - reply.elapsedTime,
        clientIp: request.ip,
        method: request.method,
        contentType: request.headers['content-type'],
        httpStatus: reply.statusCode,
        durationMs: reply.elapsedTime,
        location: typeof location === 'string' ? location : undefined,
        outcome: request.pageJournal,
      });
      done();
    },
  };
}
