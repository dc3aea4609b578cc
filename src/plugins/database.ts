import fp from 'fastify-plugin';
import type { Config } from '../config/config.ts';
import { openDatabase, preparedStatementsOff, type Database, type OpenOptions } from '../db/database.ts';

declare module 'fastify' {
  interface FastifyInstance {
    db: Database;
  }
}

export interface DatabasePluginOptions {
  config: Config;
  /** A database opened by the caller (tests, the CLI); the app then leaves closing it to the caller. */
  database?: Database | undefined;
}

/**
 * The database the configuration names: PostgreSQL at DATABASE_URL, with prepared statements as
 * OMIS_PREPARED_STATEMENTS says, or else the embedded one in OMIS_DATA_DIR. Every opener of the
 * configured database goes through it (this plugin, the CLI, the bench's server).
 */
export function configuredDatabase(config: Config): OpenOptions {
  return { databaseUrl: config.DATABASE_URL, dataDir: config.OMIS_DATA_DIR, preparedStatements: config.OMIS_PREPARED_STATEMENTS };
}

export default fp<DatabasePluginOptions>(
  async (app, { config, database }) => {
    const db = database ?? (await openDatabase(configuredDatabase(config)));
    app.decorate('db', db);
    // In the server's log, whoever opened the database (`omis serve` opens it before the app).
    const unlisten = db.whenPreparedStatementsOff((error) => app.log.warn({ err: error }, preparedStatementsOff(error)));
    app.addHook('onClose', async () => {
      unlisten();
      if (!database) await db.close();
    });
  },
  { name: 'database' },
);
