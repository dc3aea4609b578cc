import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The published schema of the page's XML answer (schema/TaskManagerResponse.xsd). */
export const RESPONSE_SCHEMA = fileURLToPath(new URL('../schema/TaskManagerResponse.xsd', import.meta.url));

/** Whether a command runs here (xmllint, xjc, python3, curl …): tests that need one skip without it. */
export function hasCommand(command: string, versionArg = '--version'): boolean {
  const probe = spawnSync(command, [versionArg], { stdio: 'ignore' });
  return probe.error === undefined;
}

export const hasXmllint = hasCommand('xmllint');
export const XMLLINT_MISSING = 'xmllint is not installed (Debian package libxml2-utils)';

export interface SchemaVerdict {
  valid: boolean;
  /** xmllint's own words: the element, line and rule a document breaks. */
  messages: string;
}

/** Validates one document with `xmllint --schema` (libxml2), the same check a client can run. */
export function validateAgainstSchema(document: string | Buffer, schema = RESPONSE_SCHEMA): Promise<SchemaVerdict> {
  return new Promise((resolve, reject) => {
    const child = spawn('xmllint', ['--noout', '--nonet', '--schema', schema, '-'], { stdio: ['pipe', 'ignore', 'pipe'] });
    const stderr: Buffer[] = [];
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      const messages = Buffer.concat(stderr).toString('utf8').trim();
      // 0 valid; 3 invalid; anything else (1 not well-formed, 4 bad schema, 5 …) is a failure of its own.
      if (code === 0 || code === 3) resolve({ valid: code === 0, messages });
      else reject(new Error(`xmllint exited ${code}: ${messages}`));
    });
    child.stdin.end(document);
  });
}

/** Fails with xmllint's message when the document breaks the schema. */
export async function expectSchemaValid(document: string | Buffer): Promise<void> {
  const verdict = await validateAgainstSchema(document);
  if (!verdict.valid) {
    const text = document.toString();
    throw new Error(`answer breaks ${RESPONSE_SCHEMA}:\n${verdict.messages}\n--- answer (start) ---\n${text.slice(0, 1500)}`);
  }
}

/** A suffix for a suite's title that says why it is skipped (empty when it runs). */
export function skipNote(available: boolean, why: string): string {
  if (available) return '';
  console.warn(`skipped: ${why}`);
  return ` — SKIPPED: ${why}`;
}
