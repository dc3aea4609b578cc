import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

/**
 * Checks the relative links of Markdown files the way GitHub resolves them: a link must name a
 * file or folder of the repository — never a path outside it, since the repository is all a reader
 * of a clone has — and a `#fragment` into a Markdown file must name one of its headings.
 */

/** The files of a repository by their slash-separated paths from its root, and their text. */
export interface Repository {
  files: ReadonlySet<string>;
  read(file: string): string;
}

export interface LinkProblem {
  file: string;
  line: number;
  link: string;
  problem: string;
}

interface Link {
  target: string;
  line: number;
}

/**
 * GitHub's anchor for a heading (github-slugger): lower case, every character that is not a
 * letter, mark, digit, connector (`_`), space or hyphen dropped, each space a hyphen.
 */
export function githubSlug(text: string): string {
  return text
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-');
}

/** A heading's text as GitHub renders it: links and images by their text, code without backticks, no tags. */
function headingText(raw: string): string {
  return raw
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/<[^>]+>/g, '')
    .replace(/`+/g, '');
}

const FENCE = /^ {0,3}(`{3,}|~{3,})/;

/** The lines that are Markdown rather than fenced code, with their 1-based numbers. */
function proseLines(markdown: string): Array<{ text: string; line: number }> {
  const lines: Array<{ text: string; line: number }> = [];
  let fence: string | undefined;
  markdown.split(/\r?\n/).forEach((text, i) => {
    const marker = FENCE.exec(text)?.[1];
    if (fence !== undefined) {
      // A fence closes with the same character, at least as long, and nothing after it.
      if (marker !== undefined && marker[0] === fence[0] && marker.length >= fence.length && text.trim() === marker) fence = undefined;
      return;
    }
    if (marker !== undefined) {
      fence = marker;
      return;
    }
    lines.push({ text, line: i + 1 });
  });
  return lines;
}

/** Every anchor a Markdown file offers: its headings' slugs (repeats numbered as GitHub does) and explicit ids. */
export function headingAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  const add = (slug: string) => {
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    anchors.add(count === 0 ? slug : `${slug}-${count}`);
  };
  const lines = proseLines(markdown);
  lines.forEach(({ text }, i) => {
    const atx = /^ {0,3}#{1,6}(?:\s+(.*?))?(?:\s+#+)?\s*$/.exec(text);
    if (atx) {
      add(githubSlug(headingText(atx[1] ?? '')));
    } else {
      // A setext heading: a paragraph line underlined with = or -.
      const next = lines[i + 1];
      if (next && next.line === lines[i]!.line + 1 && /^ {0,3}(=+|-+)\s*$/.test(next.text) && text.trim() !== '' && !text.includes('|')) {
        add(githubSlug(headingText(text.trim())));
      }
    }
    for (const match of text.matchAll(/<a\s[^>]*?(?:name|id)\s*=\s*["']([^"']+)["']/gi)) anchors.add(match[1]!);
  });
  return anchors;
}

/** Link targets outside code: inline links and images, reference definitions, and HTML href/src. */
export function extractLinks(markdown: string): Link[] {
  const links: Link[] = [];
  for (const { text, line } of proseLines(markdown)) {
    // Code spans show link syntax as text; drop them (a run of n backticks closes with n backticks).
    const prose = text.replace(/(`+)[\s\S]*?\1/g, '');
    const definition = /^ {0,3}\[[^\]]+\]:\s*(<[^>]*>|\S+)/.exec(prose);
    if (definition) links.push({ target: unbracket(definition[1]!), line });
    for (const match of prose.matchAll(/\]\(\s*(<[^>]*>|[^)\s]+)(?:\s+(?:"[^"]*"|'[^']*'|\([^)]*\)))?\s*\)/g)) {
      links.push({ target: unbracket(match[1]!), line });
    }
    for (const match of prose.matchAll(/\s(?:href|src)\s*=\s*["']([^"']+)["']/gi)) links.push({ target: match[1]!, line });
  }
  return links;
}

function unbracket(target: string): string {
  return target.startsWith('<') && target.endsWith('>') ? target.slice(1, -1) : target;
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** Why a link from `file` does not resolve inside the repository, or undefined when it does. */
function linkProblem(repo: Repository, file: string, target: string, anchorsOf: (file: string) => Set<string>): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('//')) return undefined; // another site
  const hash = target.indexOf('#');
  const pathPart = (hash < 0 ? target : target.slice(0, hash)).replace(/\?.*$/, '');
  const fragment = hash < 0 ? undefined : decode(target.slice(hash + 1));
  if (pathPart.startsWith('/')) return 'absolute path: on GitHub it leaves the repository';
  let resolved = file;
  if (pathPart !== '') {
    const joined = path.posix.normalize(path.posix.join(path.posix.dirname(file), decode(pathPart)));
    if (joined === '..' || joined.startsWith('../')) return 'goes outside the repository';
    resolved = joined.replace(/\/$/, '');
    const isFile = repo.files.has(resolved);
    const isFolder = resolved === '.' || [...repo.files].some((name) => name.startsWith(`${resolved}/`));
    if (!isFile && !isFolder) return 'no such file in the repository';
    if (!isFile) return fragment ? 'a #fragment on a folder' : undefined;
  }
  if (fragment === undefined || fragment === '' || !resolved.toLowerCase().endsWith('.md')) return undefined;
  return anchorsOf(resolved).has(fragment) ? undefined : `no heading #${fragment} in ${resolved}`;
}

/** Every broken link of the given Markdown files. */
export function checkLinks(repo: Repository, markdownFiles: readonly string[]): LinkProblem[] {
  const anchors = new Map<string, Set<string>>();
  const anchorsOf = (file: string) => {
    let set = anchors.get(file);
    if (!set) anchors.set(file, (set = headingAnchors(repo.read(file))));
    return set;
  };
  const problems: LinkProblem[] = [];
  for (const file of markdownFiles) {
    for (const { target, line } of extractLinks(repo.read(file))) {
      const problem = linkProblem(repo, file, target, anchorsOf);
      if (problem) problems.push({ file, line, link: target, problem });
    }
  }
  return problems;
}

/**
 * The repository at `root` as a clone holds it: the files git tracks or would track (ignored ones,
 * such as node_modules and build output, are not in a clone), that exist on disk. Without git, every
 * file under the root but .git and node_modules.
 */
export function repositoryAt(root: string): Repository {
  let names: string[];
  try {
    const out = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: root, encoding: 'utf8' });
    names = out.split('\0').filter((name) => name !== '' && existsSync(path.join(root, name)));
  } catch {
    names = walk(root, '');
  }
  return { files: new Set(names), read: (file) => readFileSync(path.join(root, file), 'utf8') };
}

function walk(root: string, dir: string): string[] {
  return readdirSync(path.join(root, dir)).flatMap((name) => {
    if (name === '.git' || name === 'node_modules') return [];
    const rel = dir === '' ? name : `${dir}/${name}`;
    return statSync(path.join(root, rel)).isDirectory() ? walk(root, rel) : [rel];
  });
}

/** The documents this project keeps its links honest in: README.md and docs/**\/*.md. */
export function documentationFiles(repo: Repository): string[] {
  return [...repo.files].filter((file) => file === 'README.md' || (file.startsWith('docs/') && file.endsWith('.md'))).sort();
}
