import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The shape of src/, checked: a request is read once by src/request/ (the only reader of the
 * parameter bag), answered by src/tasks/ (which calls src/auth/ and src/store/), rendered by
 * src/render/; all SQL is in src/store/ (and src/db/, for connections and migrations); folders
 * depend in one direction.
 */
const SRC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../src');

/** What each folder may import (besides itself). The app's edges (plugins, routes, console, cli) may import any of these. */
const MAY_IMPORT: Record<string, string[]> = {
  errors: [],
  config: [],
  generated: [],
  db: ['generated'],
  store: ['db', 'generated'],
  render: ['config', 'errors'],
  request: ['render', 'config', 'errors'],
  auth: ['store', 'config', 'errors'],
  tasks: ['request', 'auth', 'store', 'render', 'db', 'config', 'errors'],
  sim: ['tasks', 'store', 'db'],
};
const EDGES = ['console', 'routes', 'plugins', 'cli'];

interface SourceFile {
  file: string;
  folder: string;
  text: string;
  imports: string[];
}

function sourceFiles(dir = SRC): SourceFile[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'generated' ? [] : sourceFiles(full);
    if (!entry.name.endsWith('.ts')) return [];
    const text = readFileSync(full, 'utf8');
    const imports = [...text.matchAll(/(?:from|import\()\s*'(\.[^']+)'/g)].map((match) => path.resolve(path.dirname(full), match[1]!));
    const relative = path.relative(SRC, full);
    return [{ file: relative, folder: relative.includes(path.sep) ? relative.split(path.sep)[0]! : '.', text, imports }];
  });
}

const files = sourceFiles();
const folderOf = (absolute: string) => {
  const relative = path.relative(SRC, absolute);
  return relative.includes(path.sep) ? relative.split(path.sep)[0]! : '.';
};

describe('the shape of src/', () => {
  it('reads each folder', () => {
    expect(new Set(files.map((f) => f.folder))).toEqual(new Set([...Object.keys(MAY_IMPORT).filter((f) => f !== 'generated'), ...EDGES, '.']));
  });

  it.each(Object.entries(MAY_IMPORT).filter(([folder]) => folder !== 'generated'))('%s imports only %j', (folder, allowed) => {
    const wrong = files
      .filter((f) => f.folder === folder)
      .flatMap((f) => f.imports.map((target) => [f.file, folderOf(target)] as const))
      .filter(([, target]) => target !== folder && !allowed.includes(target));
    expect(wrong).toEqual([]);
  });

  it('has no two folders importing each other, and no cycle through several', () => {
    const edges = new Map<string, Set<string>>();
    for (const f of files) {
      for (const target of f.imports.map(folderOf)) {
        if (target !== f.folder) edges.set(f.folder, (edges.get(f.folder) ?? new Set()).add(target));
      }
    }
    const visiting = new Set<string>();
    const done = new Set<string>();
    const cycles: string[] = [];
    const visit = (folder: string, trail: string[]) => {
      if (done.has(folder)) return;
      if (visiting.has(folder)) return void cycles.push([...trail, folder].join(' → '));
      visiting.add(folder);
      for (const next of edges.get(folder) ?? []) visit(next, [...trail, folder]);
      visiting.delete(folder);
      done.add(folder);
    };
    for (const folder of edges.keys()) visit(folder, []);
    expect(cycles).toEqual([]);
  });

  it('lets nothing outside src/request/ import the parameter bag', () => {
    const readers = files.filter((f) => f.imports.some((target) => target.endsWith(path.join('request', 'param-bag.ts'))));
    expect(readers.filter((f) => f.folder !== 'request').map((f) => f.file)).toEqual([]);
  });

  it('keeps SQL in src/store/ and src/db/', () => {
    const SQL = /\b(SELECT\s[\s\S]{0,200}?\bFROM|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|\$queryRaw|\$executeRaw)\b/;
    const MODELS = /\.prisma\.(account|launch|job|recipient|auditLog|loginFailure|setting)\b|\btx\.(account|launch|job|recipient)\./;
    const outside = files.filter((f) => f.folder !== 'store' && f.folder !== 'db' && (SQL.test(f.text) || MODELS.test(f.text)));
    expect(outside.map((f) => f.file)).toEqual([]);
  });

  it('cites nothing outside the repository in its comments', () => {
    const foreign = files.filter((f) => /CONTRACT\.md|shared\/spec|TOOLCHAIN\.md|\bissue \d+/i.test(f.text));
    expect(foreign.map((f) => f.file)).toEqual([]);
  });
});
