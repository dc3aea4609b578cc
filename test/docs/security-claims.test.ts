import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * docs/SECURITY.md names the test that holds each claim: a test file in backticks, then the titles of
 * its tests in double quotes. Every file named must exist, and every title quoted after it must be
 * in that file — so the review cannot point at tests that were renamed or removed.
 */
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const page = readFileSync(path.join(ROOT, 'docs/SECURITY.md'), 'utf8');

function testFiles(dir = path.join(ROOT, 'test')): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? testFiles(full) : entry.name.endsWith('.test.ts') ? [path.relative(ROOT, full)] : [];
  });
}
const files = testFiles();

/** A file as the page names it: a path from the repository's root, or a bare name that must be unique. */
function resolve(named: string): string | undefined {
  if (named.startsWith('test/')) return files.includes(named) ? named : undefined;
  const matches = files.filter((file) => path.basename(file) === named);
  return matches.length === 1 ? matches[0] : undefined;
}

/** Each table cell's (file, titles quoted after it) pairs. */
function claims(): Array<{ file: string; titles: string[] }> {
  const found: Array<{ file: string; titles: string[] }> = [];
  for (const line of page.split('\n').filter((l) => l.startsWith('|'))) {
    const pieces = line.split(/(`[^`]+\.test\.ts`)/);
    for (let i = 1; i < pieces.length; i += 2) {
      const after = pieces[i + 1] ?? '';
      found.push({ file: pieces[i]!.slice(1, -1), titles: [...after.matchAll(/"([^"]+)"/g)].map((m) => m[1]!.replace(/…$/, '').trim()) });
    }
    // Titles quoted in a row's test cell before any file is named there refer to the last file named.
    const lead = pieces[0]!.split('|').at(-1) ?? '';
    const orphans = [...lead.matchAll(/"([^"]+)"/g)];
    if (orphans.length > 0 && found.length > 0 && pieces.length === 1) found.at(-1)!.titles.push(...orphans.map((m) => m[1]!));
  }
  return found;
}

describe('docs/SECURITY.md names tests that exist', () => {
  const all = claims();

  it('names test files at all', () => {
    expect(all.length).toBeGreaterThan(20);
  });

  it.each(all.map((claim) => [claim.file, claim.titles] as const))('%s exists and holds %j', (named, titles) => {
    const file = resolve(named);
    expect(file, `${named} is not one test file of test/`).toBeDefined();
    const text = readFileSync(path.join(ROOT, file!), 'utf8');
    for (const title of titles) expect(text, `${file} has no test titled "${title}"`).toContain(title);
  });
});
