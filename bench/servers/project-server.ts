import { loadConfig } from '../../src/config/config.ts';
import { openDatabase } from '../../src/db/database.ts';
import { configuredDatabase } from '../../src/plugins/database.ts';
import { startServer } from '../../src/server.ts';

/**
 * The project's own server, started the way `omis serve` starts it on PostgreSQL (configuration
 * from the environment: DATABASE_URL, LOG_LEVEL, OMIS_AUTH_CACHE_SECONDS, ...), on a free port.
 */
const config = loadConfig({ ...process.env, PORT: '0', HOST: '127.0.0.1' });
const db = await openDatabase(configuredDatabase(config));
const app = await startServer({ config, database: db, onClose: () => db.close() });
const address = app.server.address();
console.log(`LISTENING ${typeof address === 'object' && address ? address.port : 0}`);
