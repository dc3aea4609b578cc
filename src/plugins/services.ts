import fp from 'fastify-plugin';
import type { Config } from '../config/config.ts';
import type { Database } from '../db/database.ts';
import { fetchXmlReqUrl } from '../request/xml-req-url.ts';
import type { PageRequestOptions } from '../request/page-request.ts';
import { CredentialCache } from '../auth/credential-cache.ts';
import { LoginLockout, lockoutPolicy } from '../auth/lockout.ts';
import { PasswordChecker } from '../auth/password.ts';
import { KeyedQueue } from '../store/keyed-queue.ts';
import { PageFlow } from '../tasks/page-flow.ts';
import { ReportLinks } from '../tasks/report-link.ts';
import type { ViewSettings } from '../tasks/views.ts';
import { LoginFailureStore } from '../store/login-failures.ts';
import { RequestReader } from '../store/request-reader.ts';
import { loadSigningSecret } from '../store/settings.ts';
import { Simulator } from '../sim/simulator.ts';
import { bodyBytes } from '../request/limits.ts';
import { RequestJournal, type JournalOptions } from '../tasks/request-journal.ts';

/**
 * Every long-lived object of the app, built here once and decorated as `app.services`: nothing
 * finds a service any other way. Tests swap any of them through `buildApp({ overrides })`.
 */
declare module 'fastify' {
  interface FastifyInstance {
    services: Services;
  }
}

export interface Services {
  config: Config;
  db: Database;
  /** Signs ReportPath links: OMIS_SECRET, or the one generated once and kept in the database. */
  secret: string;
  /** The page's one read per request, shared by requests that arrive together. */
  reader: RequestReader;
  lockout: LoginLockout;
  credentials: CredentialCache;
  passwords: PasswordChecker;
  /** Actions on one launch, one at a time in this instance. */
  queue: KeyedQueue<number>;
  views: ViewSettings;
  /** How requests to the page are read (request/page-request.ts). */
  pageOptions: PageRequestOptions;
  /** A PageRequest answered in the contract's checking order. */
  page: PageFlow;
  /** Moves jobs on (started only when OMIS_SIMULATOR is on: plugins/simulator.ts). */
  simulator: Simulator;
  /** The request journal (docs/CONSOLE.md#request-journal); undefined when OMIS_JOURNAL is off. */
  journal: RequestJournal | undefined;
}

/** The journal's settings from the configuration. */
export function journalOptions(config: Config): JournalOptions {
  return { queueLimit: config.OMIS_JOURNAL_QUEUE, maxRows: config.OMIS_JOURNAL_MAX_ROWS, retentionHours: config.OMIS_JOURNAL_RETENTION_HOURS };
}

/** How answers show times and ReportPath links: in the configured zone, links signed once per job and window. */
function viewSettings(config: Config, links: ReportLinks): ViewSettings {
  return { timeZone: config.OMIS_TIMEZONE, reportPath: (jobId: number) => links.pathFor(jobId) };
}

export interface ServicesOptions {
  config: Config;
  overrides?: Partial<Services> | undefined;
}

export default fp<ServicesOptions>(
  async (app, { config, overrides = {} }) => {
    const db = overrides.db ?? app.db;
    const secret = overrides.secret ?? (await loadSigningSecret(db, config.OMIS_SECRET));
    const reader = overrides.reader ?? new RequestReader(db, { onBatch: (size) => app.metrics.readsPerStatement(size) });
    const lockout = overrides.lockout ?? new LoginLockout(new LoginFailureStore(db), lockoutPolicy(config), app.log);
    const credentials = overrides.credentials ?? new CredentialCache({ windowMs: config.OMIS_AUTH_CACHE_SECONDS * 1000, maxEntries: config.OMIS_AUTH_CACHE_SIZE });
    const passwords = overrides.passwords ?? new PasswordChecker((seconds) => app.metrics.verifySeconds(seconds));
    const queue = overrides.queue ?? new KeyedQueue<number>();
    const views = overrides.views ?? viewSettings(config, new ReportLinks(secret, config.OMIS_REPORT_LINK_SECONDS));
    const pageOptions = overrides.pageOptions ?? {
      allowedMethods: config.OMIS_ALLOWED_METHODS,
      redirectHosts: config.OMIS_REDIRECT_HOSTS,
      defaultReturnType: config.OMIS_DEFAULT_RETURN_TYPE,
      timeZone: config.OMIS_TIMEZONE,
      requestEncoding: config.OMIS_REQUEST_ENCODING,
      fileBytes: config.OMIS_XML_MAX_BYTES,
      bodyBytes: bodyBytes(config.OMIS_XML_MAX_BYTES),
      maxBytes: config.OMIS_XML_MAX_BYTES,
      fetchUrl: (url: string) => fetchXmlReqUrl(url, { hosts: config.OMIS_XMLREQURL_HOSTS, maxBytes: config.OMIS_XML_MAX_BYTES }),
    };
    const page = overrides.page ?? new PageFlow({ db, reader, lockout, credentials, passwords, queue, views });
    const simulator =
      overrides.simulator ?? new Simulator(db, { stepMs: config.OMIS_SIMULATOR_STEP_MS, log: app.log, onStep: (kind) => app.metrics.simulatorStep(kind) });
    const journal =
      'journal' in overrides
        ? overrides.journal
        : config.OMIS_JOURNAL
          ? new RequestJournal(db, { ...journalOptions(config), log: app.log, onCount: (outcome, n) => app.metrics.journalEntries(outcome, n) })
          : undefined;
    app.decorate('services', { config, db, secret, reader, lockout, credentials, passwords, queue, views, pageOptions, page, simulator, journal } satisfies Services);
    app.addHook('preClose', async () => {
      // A tick in progress commits or rolls back before the database goes away.
      await simulator.stop();
    });
    // Runs before the database's own onClose (hooks close in the reverse order of their plugins).
    if (journal) app.addHook('onClose', async () => journal.close());
  },
  { name: 'services', dependencies: ['database', 'metrics'] },
);
