import type { PrismaClient } from '../generated/prisma/client.ts';
import type { Config } from '../config/config.ts';
import { reportPathFor } from '../reports/report-link.ts';
import type { ReportPathCache } from '../reports/report-path-cache.ts';
import type { ViewSettings } from './task-views.ts';
import type { LoginLockout } from '../auth/lockout.ts';
import type { CredentialCache } from '../auth/credential-cache.ts';
import type { Database } from '../db/database.ts';

/** What acting on a request needs from the application. */
export interface TaskContext {
  prisma: PrismaClient;
  config: Config;
  /** The signing secret (OMIS_SECRET, or the one generated and kept in the database). */
  secret: string;
  /** Brute-force lockout of logins (auth/lockout.ts). */
  lockout: LoginLockout;
  /** Verified credentials (auth/credential-cache.ts). */
  credentialCache: CredentialCache;
  /** The driver beside Prisma, for the hot path's single round trip (tasks/request-read.ts). */
  db: Database;
  /** Report links signed once per job per window (reports/report-path-cache.ts). */
  reportPaths?: ReportPathCache | undefined;
}

const settingsOf = new WeakMap<TaskContext, ViewSettings>();

/** How views are shown: fixed for the life of a context, so made once per context, not per request. */
export function viewSettings(ctx: TaskContext): ViewSettings {
  let settings = settingsOf.get(ctx);
  if (!settings) {
    settings = {
      timeZone: ctx.config.OMIS_TIMEZONE,
      reportPath: (jobId) => ctx.reportPaths?.pathFor(jobId) ?? reportPathFor(ctx.secret, jobId, ctx.config.OMIS_REPORT_LINK_SECONDS),
    };
    settingsOf.set(ctx, settings);
  }
  return settings;
}
