import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkLinks, documentationFiles, githubSlug, headingAnchors, repositoryAt, type Repository } from './markdown-links.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** A repository held in memory: path → text. */
function repo(files: Record<string, string>): Repository {
  return { files: new Set(Object.keys(files)), read: (file) => files[file] ?? '' };
}

describe('the documentation of this repository', () => {
  it('has README.md and the documents in docs/', () => {
    const files = documentationFiles(repositoryAt(ROOT));
    expect(files).toContain('README.md');
    expect(files).toContain('docs/API.md');
    expect(files).toContain('docs/DECISIONS.md');
  });

  it('links only to files and headings inside the repository', () => {
    const repository = repositoryAt(ROOT);
    const problems = checkLinks(repository, documentationFiles(repository));
    expect(problems.map((p) => `${p.file}:${p.line} ${p.link} — ${p.problem}`)).toEqual([]);
  });
});

describe('githubSlug', () => {
  it.each([
    ['Endpoint and transport', 'endpoint-and-transport'],
    ['Accounts, licences and ownership', 'accounts-licences-and-ownership'],
    ['Recipient reports (ReportPath)', 'recipient-reports-reportpath'],
    ['1. Authentication (OWASP Authentication Cheat Sheet)', '1-authentication-owasp-authentication-cheat-sheet'],
    ['3. SSRF — `XmlReqUrl`', '3-ssrf--xmlrequrl'],
    ['Launch status 任務狀態', 'launch-status-任務狀態'],
    ['snake_case stays', 'snake_case-stays'],
    ['  Trimmed  ', 'trimmed'],
  ])('%s → %s', (heading, slug) => {
    expect(githubSlug(heading.replace(/`/g, ''))).toBe(slug);
  });
});

describe('headingAnchors', () => {
  it('numbers repeated headings, reads setext headings and explicit anchors, and skips code', () => {
    const anchors = headingAnchors(
      [
        '# Title',
        '## Usage',
        '## Usage',
        'Setext heading',
        '--------------',
        '<a name="kept"></a>',
        '```sh',
        '# not a heading',
        '```',
        '### `omis serve` [link](x.md)',
      ].join('\n'),
    );
    expect([...anchors].sort()).toEqual(['kept', 'omis-serve-link', 'setext-heading', 'title', 'usage', 'usage-1']);
  });
});

describe('checkLinks', () => {
  const files = {
    'README.md': '# Readme\n',
    'docs/API.md': '# API\n\n## Error codes\n\n## 任務 launches\n',
    'src/app.ts': '',
  };

  function problems(markdown: string) {
    return checkLinks(repo({ ...files, 'docs/GUIDE.md': markdown }), ['docs/GUIDE.md']).map((p) => [p.line, p.link, p.problem]);
  }

  it('accepts files, folders and headings that exist, and links to other sites', () => {
    const markdown = [
      '# Guide',
      '[api](API.md) [codes](API.md#error-codes) [here](#guide) [readme](../README.md#readme)',
      '[src](../src/) [app](../src/app.ts#L3) [encoded](API.md#%E4%BB%BB%E5%8B%99-launches) [site](https://example.com/x)',
      '[mail](mailto:a@example.com) ![logo](<API.md> "title")',
      '[ref]: API.md#api',
    ].join('\n');
    expect(problems(markdown)).toEqual([]);
  });

  it('reports a missing file, a missing heading, a path outside the repository and an absolute path', () => {
    const markdown = [
      '# Guide',
      'See [contract](../../shared/spec/CONTRACT.md) and [gone](ACTIONS.md).',
      'Also [codes](API.md#error-code), [self](#nowhere), [root](/docs/API.md) and [up](../).',
      '[ref]: ./missing.md',
    ].join('\n');
    expect(problems(markdown)).toEqual([
      [2, '../../shared/spec/CONTRACT.md', 'goes outside the repository'],
      [2, 'ACTIONS.md', 'no such file in the repository'],
      [3, 'API.md#error-code', 'no heading #error-code in docs/API.md'],
      [3, '#nowhere', 'no heading #nowhere in docs/GUIDE.md'],
      [3, '/docs/API.md', 'absolute path: on GitHub it leaves the repository'],
      [4, './missing.md', 'no such file in the repository'],
    ]);
  });

  it('ignores link syntax inside code blocks and code spans', () => {
    const markdown = ['# Guide', '```md', '[broken](nowhere.md)', '```', 'Write `[text](nowhere.md)` for a link.'].join('\n');
    expect(problems(markdown)).toEqual([]);
  });

  it('does not count a file that is not in the repository', () => {
    // e.g. node_modules or build output: present on this disk, absent from a clone
    expect(problems('# Guide\n[dist](../dist/app.js)')).toEqual([[2, '../dist/app.js', 'no such file in the repository']]);
  });
});
