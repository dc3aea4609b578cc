// npm runs this after installing this package's dependencies.
//
// A development install generates the Prisma client, compiles dist/ and builds the embedded database
// template (`npm run build:all`). A production install (`npm ci --omit=dev`, or NODE_ENV=production)
// has neither Prisma's CLI nor TypeScript's types: it builds nothing, because the runtime takes dist/
// from a build made with dev dependencies (docs/DEPLOYMENT.md). Anything else that fails to build
// fails the install.
import { spawnSync } from 'node:child_process';

/** npm hands its `omit`/`include` settings to scripts as newline- or space-separated lists. */
const list = (value) => (value ?? '').split(/[\s,]+/).filter(Boolean);

/** npm's own rule: `include` wins over `omit`; with neither, NODE_ENV=production omits dev. */
function devDependenciesOmitted(env) {
  const include = list(env.npm_config_include);
  const omit = list(env.npm_config_omit);
  if (include.includes('dev')) return false;
  if (omit.includes('dev')) return true;
  return omit.length === 0 && env.NODE_ENV === 'production';
}

if (devDependenciesOmitted(process.env)) {
  console.log('omis-taskmanager: production install, nothing to build here (dist/ comes from a build with dev dependencies; see docs/DEPLOYMENT.md)');
} else {
  // npm_execpath is the npm that is running this install; fall back to the one on PATH.
  const npm = process.env.npm_execpath;
  const [command, args] = npm ? [process.execPath, [npm, 'run', 'build:all']] : ['npm', ['run', 'build:all']];
  const result = spawnSync(command, args, { stdio: 'inherit' });
  if (result.error) throw result.error;
  process.exitCode = result.status ?? 1;
}
