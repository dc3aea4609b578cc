import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The repository stands alone: no source, test, script, benchmark, document or build file cites a
 * file outside it (the project's API reference is docs/API.md). Links in the documentation are
 * checked by links.test.ts; this looks at everything else, comments included.
 */
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SELF = path.relative(ROOT, fileURLToPath(import.meta.url));

const FOLDERS = ['src', 'test', 'scripts', 'bench', 'docs', 'demo', 'schema', 'prisma', 'bin', '.ci'];
const FILES = ['README.md', 'Dockerfile', 'docker-compose.yml', 'package.json', 'vitest.config.ts', 'prisma.config.ts', 'tsconfig.json', 'tsconfig.build.json'];
const TEXT = /\.(ts|mts|js|mjs|cjs|json|md|sh|sql|prisma|xsd|java|py|yml|yaml|css|html)$|^[^.]+$/;

/** Names of things outside the repository: the specification, shared notes, the vendor's document, the machine's paths. */
const OUTSIDE = /CONTRACT\.md|CONVENTIONS\.md|TOOLCHAIN\.md|\.\.\/shared\b|shared\/(spec|notes)|TaskManager-api-document|\/work\/(main|wt|shared)\b/;

/**
 * Files allowed to name such a thing, and why. links.test.ts holds a link outside the repository
 * as a case that must be refused; this file holds the pattern.
 */
const ALLOWED = new Map([
  ['test/docs/links.test.ts', 'a case of a link the checker must refuse'],
  [SELF, 'the pattern itself'],
]);

function filesUnder(dir: string): string[] {
  const full = path.join(ROOT, dir);
  return readdirSync(full, { withFileTypes: true }).flatMap((entry) => {
    const relative = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' || entry.name === 'generated' ? [] : filesUnder(relative);
    return TEXT.test(entry.name) ? [relative] : [];
  });
}

describe('the repository', () => {
  it('cites no file outside itself, in code, comments, tests, scripts, benchmarks or documents', () => {
    const files = [...FOLDERS.flatMap((dir) => filesUnder(dir)), ...FILES.filter((file) => statSync(path.join(ROOT, file), { throwIfNoEntry: false }))];
    expect(files).toContain('src/app.ts');
    expect(files).toContain('bench/run-all.ts');
    const citing = files
      .filter((file) => !ALLOWED.has(file))
      .flatMap((file) =>
        readFileSync(path.join(ROOT, file), 'utf8')
          .split('\n')
          .flatMap((line, i) => {
            return OUTSIDE.test(line) ? [`${file}:${i + 1}: ${line.trim()}`] : [];
          }),
      );
    expect(citing).toEqual([]);
  });
});
