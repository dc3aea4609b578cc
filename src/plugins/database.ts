import fp from 'fastify-plugin';
import type { Config } from '../config/config.ts';
import { openDatabase, preparedStatementsOff, type Database } from '../db/database.ts';

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

export default fp<DatabasePluginOptions>(
  async (app, { config, database }) => {
    const db =
      database ??
      (await openDatabase({ databaseUrl: config.DATABASE_URL, dataDir: config.OMIS_DATA_DIR, preparedStatements: config.OMIS_PREPARED_STATEMENTS }));
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
