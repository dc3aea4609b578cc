// The project's own server as `npm start` runs it: the compiled code in dist/ (bench/run-all.ts
// builds it first), not the sources through tsx, whose transform adds work to every request (its
// `__name` helper, on every closure it names). Started the way `omis serve` starts it on PostgreSQL,
// configuration from the environment (DATABASE_URL, LOG_LEVEL, OMIS_AUTH_CACHE_SECONDS, ...), on a
// free port; prints `LISTENING <port>` on stderr when ready
// (its stdout is the request log).
import { loadConfig } from '../../dist/config/config.js';
import { openDatabase } from '../../dist/db/database.js';
import { configuredDatabase } from '../../dist/plugins/database.js';
import { startServer } from '../../dist/server.js';

const config = loadConfig({ ...process.env, PORT: '0', HOST: '127.0.0.1' });
const db = await openDatabase(configuredDatabase(config));
const app = await startServer({ config, database: db, onClose: () => db.close() });
console.error(`LISTENING ${app.server.address().port}`);
