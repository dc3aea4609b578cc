import { execFile, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { hasCommand } from '../xml-schema.ts';
import { answerOf, PAGE_PATH, type CompatAnswer, type CompatClient, type CompatRequest, type Fields } from './compat-request.ts';

/**
 * The clients of the compatibility suite: programs the server's authors did not write, each
 * sending a request the way its own stack does. To add a client, implement CompatClient and list
 * it in CLIENTS; every case then runs through it too.
 */
const run = promisify(execFile);

const PYTHON_SCRIPT = fileURLToPath(new URL('python-client.py', import.meta.url));

/** Python's standard library (urllib.request, ElementTree): one process for the whole batch. */
export const pythonClient: CompatClient = {
  name: 'Python urllib',
  missing: hasCommand('python3') ? undefined : 'python3 is not installed',
  send(origin, requests) {
    return new Promise((resolve, reject) => {
      const child = spawn('python3', [PYTHON_SCRIPT], { stdio: ['pipe', 'pipe', 'pipe'] });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
      child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
      child.on('error', reject);
      child.on('close', (code) => {
        if (code !== 0) return reject(new Error(`python-client.py exited ${code}: ${Buffer.concat(err).toString()}`));
        const answers = JSON.parse(Buffer.concat(out).toString('utf8')) as Array<{
          status: number;
          headers: Record<string, string>;
          body: string;
          read: CompatAnswer['clientRead'];
          localPort?: number;
        }>;
        resolve(answers.map((a) => answerOf(a.status, a.headers, Buffer.from(a.body, 'base64'), a.read, a.localPort)));
      });
      child.stdin.end(JSON.stringify({ origin, requests }));
    });
  },
};

const urlencoded = (option: string, fields: Fields = []) => fields.flatMap(([name, value]) => [option, `${name}=${value}`]);

/**
 * `-F name=value` as people type it; `--form-string` for a value that -F would read as a file
 * (`@…`, `<…`) or as `;type=` options.
 */
const formFields = (fields: Fields) =>
  fields.flatMap(([name, value]) => (/^[@<]|;/.test(value) ? ['--form-string', `${name}=${value}`] : ['-F', `${name}=${value}`]));

/**
 * curl's arguments for one request: `-G --data-urlencode` for a GET, `-F` for a form, `-I` for HEAD,
 * `-H` for extra headers. A raw query string goes into the URL itself with `-g` (curlUrl).
 */
export function curlArguments(request: CompatRequest): string[] {
  const headers = Object.entries(request.headers ?? {}).flatMap(([name, value]) => ['--header', `${name}: ${value}`]);
  if (request.rawQuery !== undefined) return ['--globoff', ...(request.method === 'HEAD' ? ['--head'] : []), ...headers];
  if (request.method === 'HEAD') return ['--head', '--get', ...urlencoded('--data-urlencode', request.query), ...headers];
  if (request.method === 'GET') return ['--get', ...urlencoded('--data-urlencode', request.query), ...headers];
  const args = [...urlencoded('--url-query', request.query), ...headers];
  if (request.form?.encoding === 'multipart') args.push(...formFields(request.form.fields));
  else if (request.form) args.push(...urlencoded('--data-urlencode', request.form.fields));
  else args.push('--request', 'POST');
  return args;
}

/** The status and headers of the last response in a `--dump-header` file (after any 100 Continue). */
function parseHeaderDump(dump: string): { status: number; headers: Record<string, string> } {
  const blocks = dump.split('\r\n\r\n').filter((block) => block.trim() !== '');
  const [statusLine = '', ...lines] = blocks.at(-1)!.split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers[name] = name in headers ? `${headers[name]}, ${value}` : value;
  }
  return { status: Number(statusLine.split(' ')[1]), headers };
}

/** The curl command line: one process per request, as a shell script runs it. */
export const curlClient: CompatClient = {
  name: 'curl',
  missing: hasCommand('curl') ? undefined : 'curl is not installed',
  async send(origin, requests) {
    const dir = await mkdtemp(join(tmpdir(), 'omis-curl-'));
    try {
      const answers: CompatAnswer[] = [];
      for (const [i, request] of requests.entries()) {
        const headerFile = join(dir, `${i}.headers`);
        const bodyFile = join(dir, `${i}.body`);
        const url = origin + (request.path ?? PAGE_PATH) + (request.rawQuery === undefined ? '' : `?${request.rawQuery}`);
        await run('curl', ['--silent', '--show-error', '--max-time', '30', '--dump-header', headerFile, '--output', bodyFile, ...curlArguments(request), url]);
        const { status, headers } = parseHeaderDump(await readFile(headerFile, 'latin1'));
        // curl writes no output file for an empty body; with --head it writes the headers there.
        const body = request.method === 'HEAD' ? Buffer.alloc(0) : await readFile(bodyFile).catch(() => Buffer.alloc(0));
        answers.push(answerOf(status, headers, body));
      }
      return answers;
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  },
};

const JAVA_PROGRAM = fileURLToPath(new URL('JavaClient.java', import.meta.url));
const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');
const unb64 = (text: string) => Buffer.from(text, 'base64').toString('utf8');
const b64Pairs = (fields: Fields = []) => fields.map(([name, value]) => `${b64(name)}:${b64(value)}`).join(',');
const unb64Pairs = (list: string): Array<[string, string]> =>
  list === '' ? [] : list.split(',').map((pair) => pair.split(':').map(unb64) as [string, string]);

/** What JavaClient's DOM parser read: `-` not XML, `!message` not readable, else root and leaves. */
function javaRead(read: string): CompatAnswer['clientRead'] {
  if (read === '-') return null;
  if (read.startsWith('!')) return { error: unb64(read.slice(1)) };
  const [root = '', ...leaves] = read.split(',');
  return { root: unb64(root), fields: Object.fromEntries(unb64Pairs(leaves.join(','))) };
}

/** Java 17 running a single-file program (HttpURLConnection, DOM): one JVM for the whole batch. */
export const javaClient: CompatClient = {
  name: 'Java HttpURLConnection',
  // The single-file launcher compiles the program: it needs a JDK, not only a JRE.
  missing: hasCommand('javac', '-version') ? undefined : 'a JDK (javac) is not installed',
  send(origin, requests) {
    const lines = requests.map((r) => [r.method, b64(r.path ?? PAGE_PATH), r.form?.encoding ?? 'none', b64Pairs(r.query), b64Pairs(r.form?.fields)].join('\t'));
    return new Promise((resolve, reject) => {
      const child = execFile('java', [JAVA_PROGRAM], { maxBuffer: 64 << 20 }, (error, stdout, stderr) => {
        if (error) return reject(new Error(`JavaClient.java failed: ${error.message}\n${stderr}`));
        const answers = stdout.trimEnd().split('\n').map((line) => {
          const [status = '', headers = '', body = '', read = '-'] = line.split('\t');
          const named = Object.fromEntries(unb64Pairs(headers).map(([name, value]) => [name.toLowerCase(), value]));
          return answerOf(Number(status), named, Buffer.from(body, 'base64'), javaRead(read));
        });
        resolve(answers);
      });
      child.stdin!.end([origin, ...lines, ''].join('\n'));
    });
  },
};

export const CLIENTS: CompatClient[] = [pythonClient, curlClient, javaClient];
