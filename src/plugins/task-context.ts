import fp from 'fastify-plugin';
import type { Config } from '../config/config.ts';
import { LoginLockout, lockoutPolicy } from '../auth/lockout.ts';
import { CredentialCache } from '../auth/credential-cache.ts';
import { LoginFailureStore } from '../store/login-failures.ts';
import { ReportPathCache } from '../reports/report-path-cache.ts';
import type { TaskContext } from '../tasks/task-context.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** What acting on a request needs; shared by the page and the console, so they share the lockout and the credential cache. */
    taskContext: TaskContext;
  }
}

/**
 * CONSOLE: the task context was built inside the page's route; the console acts through the same
 * one (same lockout, same credential cache), so it is built here once and decorated on the app.
 * (The planned services plugin takes this over.)
 */
export default fp<{ config: Config }>(
  async (app, { config }) => {
    app.decorate('taskContext', {
      prisma: app.db.prisma,
      config,
      secret: app.signingSecret,
      lockout: new LoginLockout(new LoginFailureStore(app.db), lockoutPolicy(config), app.log),
      credentialCache: new CredentialCache({ windowMs: config.OMIS_AUTH_CACHE_SECONDS * 1000, maxEntries: config.OMIS_AUTH_CACHE_SIZE }),
      db: app.db,
      reportPaths: new ReportPathCache(app.signingSecret, config.OMIS_REPORT_LINK_SECONDS),
    });
  },
  { name: 'task-context', dependencies: ['database'] },
);
