// Validates Dockerfiles with dockerfile-utils (the validator behind the Dockerfile language server).
// Its own command line fails only on errors; here every finding, warnings included, fails the run.
// Usage: node scripts/lint-dockerfile.mjs Dockerfile [more Dockerfiles]
import { readFileSync } from 'node:fs';
import { validate } from 'dockerfile-utils';

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error('usage: node scripts/lint-dockerfile.mjs Dockerfile [more Dockerfiles]');
  process.exit(2);
}

let findings = 0;
for (const file of files) {
  const content = readFileSync(file, 'utf8');
  const lines = content.split('\n');
  for (const diagnostic of validate(content)) {
    findings += 1;
    const { line, character } = diagnostic.range.start;
    const level = diagnostic.severity === 1 ? 'error' : 'warning';
    console.log(`${file}:${line + 1}:${character + 1} ${level}: ${diagnostic.message}`);
    console.log(`    ${lines[line] ?? ''}`);
  }
}
if (findings > 0) {
  console.log(`dockerfile-utils: ${findings} finding(s)`);
  process.exitCode = 1;
} else {
  console.log(`dockerfile-utils: ${files.join(', ')} clean`);
}
