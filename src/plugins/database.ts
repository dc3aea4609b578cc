import fp from 'fastify-plugin';
import type { Config } from '../config/config.ts';
import { openDatabase, type Database } from '../db/database.ts';

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
      (await openDatabase({ databaseUrl: config.DATABASE_URL, dataDir: config.OMIS_DATA_DIR }));
    app.decorate('db', db);
    if (!database) app.addHook('onClose', async () => db.close());
  },
  { name: 'database' },
);
