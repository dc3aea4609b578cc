#!/usr/bin/env node
// The `omis` command. Runs the compiled CLI (npm's postinstall builds it into dist/).
import('../dist/cli/omis.js').catch((error) => {
  if (error && error.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes('dist/cli/omis.js')) {
    console.error('omis is not built yet: run `npm run build` (npm ci does it for you).');
    process.exit(1);
  }
  throw error;
});
