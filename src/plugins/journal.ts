import fp from 'fastify-plugin';
import type { FastifyReply, FastifyRequest, onResponseHookHandler, onSendHookHandler } from 'fastify';
import type { Config } from '../config/config.ts';
import { RequestJournal, type JournalOptions } from '../journal/request-journal.ts';
import type { PageOutcome } from '../journal/journal-entry.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** The request journal; undefined when OMIS_JOURNAL is off. */
    journal: RequestJournal | undefined;
  }
  interface FastifyRequest {
    /** What the page made of the request, for the journal (routes/task-manager.ts). */
    pageOutcome: PageOutcome | undefined;
  }
}

/** The journal's settings from the configuration. */
export function journalOptions(config: Config, log?: JournalOptions['log']): JournalOptions {
  return {
    queueLimit: config.OMIS_JOURNAL_QUEUE,
    maxRows: config.OMIS_JOURNAL_MAX_ROWS,
    retentionHours: config.OMIS_JOURNAL_RETENTION_HOURS,
    defaultReturnType: config.OMIS_DEFAULT_RETURN_TYPE,
    log,
  };
}

export interface JournalPluginOptions {
  config: Config;
  /** A journal made by the caller (tests keep a hand on it); the app closes it all the same. */
  journal?: RequestJournal | undefined;
}

/**
 * The request journal (docs/CONSOLE.md#request-journal): built when OMIS_JOURNAL is on, closed
 * (its last entries written) before the database closes. The page's route takes its hook.
 */
export default fp<JournalPluginOptions>(
  async (app, { config, journal: given }) => {
    app.decorateRequest('pageOutcome', undefined);
    if (!config.OMIS_JOURNAL) {
      app.decorate('journal', undefined);
      return;
    }
    const journal = given ?? new RequestJournal(app.db, journalOptions(config, app.log));
    app.decorate('journal', journal);
    app.addHook('onClose', async () => journal.close());
  },
  { name: 'journal', dependencies: ['database'] },
);

/** The page's onResponse hook: hands the request to the journal once its answer has gone (callback style: no promise per request). */
export function journalHook(journal: RequestJournal): onResponseHookHandler {
  return (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
    const location = reply.getHeader('location');
    journal.record({
      atMs: Date.now() - reply.elapsedTime,
      clientIp: request.ip,
      method: request.method,
      contentType: request.headers['content-type'],
      httpStatus: reply.statusCode,
      durationMs: reply.elapsedTime,
      location: typeof location === 'string' ? location : undefined,
      outcome: request.pageOutcome,
    });
    done();
  };
}

/** The page's onSend hook: keeps the answer's body when it leaves as one string (a reference, no copy). */
export const journalBodyHook: onSendHookHandler = (request, _reply, payload, done) => {
  if (typeof payload === 'string' && request.pageOutcome) request.pageOutcome.body = payload;
  done(null, payload);
};
