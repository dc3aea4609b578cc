import type { FastifyRequest } from 'fastify';
import type { MultipartFile } from '@fastify/multipart';
import { ApiError, ErrorCodes } from '../errors/error-codes.ts';
import { parseUrlEncoded } from './aspnet-decode.ts';
import type { NamedValues } from './param-bag.ts';
import { Field } from './fields.ts';
import { BodyOverLimitError, meterBody } from './body-meter.ts';
import { bodyDecoder, UnknownCharsetError, type Decode } from './charsets.ts';
import { MULTIPART_FIELDS, MULTIPART_FILES } from './limits.ts';

/**
 * The parameter sources HTTP carries (docs/API.md#parameter-sources): the query string, and a POST's
 * form, urlencoded or multipart, with the uploaded XML request file if any. (The XML request's own
 * fields join them next: request/xml-sources.ts.)
 */
export interface UploadedFile {
  fieldName: string;
  fileName: string;
  content: Buffer;
  /** The file was larger than the limit; `content` holds only its first bytes. */
  truncated: boolean;
}

/** A body HTTP could not take apart, or one over a limit: ErrorCode 107 with the HTTP status that says why. */
export class TransportError extends ApiError {
  constructor(
    status: number,
    readonly reason: string,
  ) {
    super(ErrorCodes.MALFORMED, undefined, status);
  }
}

/**
 * NUL (%00, %u0000) and lone UTF-16 surrogates (%uD800) become U+FFFD in names and values.
 * PostgreSQL text cannot hold NUL, and a lone surrogate has no UTF-8 form (the pg driver already
 * writes it as U+FFFD; PGlite's encoder fails on some): reaching a lookup or the audit log, either
 * would fail the request with 9999. No stored login, address or reference contains one, so the
 * replacement only turns such input into "not found" or "invalid"; argon2 sees passwords as UTF-8,
 * where a lone surrogate was U+FFFD already. (An XML request cannot carry either: 103.)
 */
// eslint-disable-next-line no-control-regex
const NOT_STORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

// The same pattern without the g flag, for a test that keeps no lastIndex: most requests have
// nothing to replace, and testing is cheaper than replacing and comparing.
const HAS_NOT_STORABLE = new RegExp(NOT_STORABLE.source);

export function storableText(pairs: NamedValues): NamedValues {
  if (!pairs.some(([name, value]) => HAS_NOT_STORABLE.test(name) || HAS_NOT_STORABLE.test(value))) return pairs;
  const clean = (text: string) => text.replace(NOT_STORABLE, '\uFFFD');
  return pairs.map(([name, value]) => [clean(name), clean(value)] as const);
}

/** The raw query string, exactly as sent, for ASP.NET's decoding rules rather than Fastify's. */
export function rawQueryString(url: string): string {
  const mark = url.indexOf('?');
  return mark < 0 ? '' : url.slice(mark + 1);
}

export interface CollectLimits {
  /** Largest uploaded XML file (and XmlRequest field): OMIS_XML_MAX_BYTES. */
  fileBytes: number;
  /** Largest body, however it arrives. */
  bodyBytes: number;
  /** OMIS_REQUEST_ENCODING: how a body without a charset of its own is decoded (request/charsets.ts); default UTF-8. */
  requestEncoding?: string | undefined;
}

/** The query string's fields, decoded as ASP.NET decodes them. */
export function queryFields(url: string): NamedValues {
  return storableText(parseUrlEncoded(rawQueryString(url)));
}

export interface Form {
  fields: NamedValues;
  files: UploadedFile[];
}

/** A POST's form fields and files; none for any other request or body type. */
export async function readForm(request: FastifyRequest, limits: CollectLimits): Promise<Form> {
  const files: UploadedFile[] = [];
  if (request.method !== 'POST') return { fields: [], files };
  if (request.isMultipart()) {
    let decode: Decode;
    try {
      decode = bodyDecoder(request.headers['content-type'], limits.requestEncoding ?? 'utf-8');
    } catch (error) {
      if (error instanceof UnknownCharsetError) throw new TransportError(400, error.message);
      throw error;
    }
    return { fields: storableText(await readMultipart(request, files, limits, decode)), files };
  }
  // Set by the urlencoded parser (plugins/body-parsers.ts).
  if (Array.isArray(request.body)) return { fields: storableText(request.body as NamedValues), files };
  return { fields: [], files };
}

async function readMultipart(request: FastifyRequest, files: UploadedFile[], limits: CollectLimits, decode: Decode): Promise<NamedValues> {
  const fields: Array<[string, string]> = [];
  try {
    await readParts(request, files, limits, fields, decode);
  } catch (error) {
    if (error instanceof TransportError) throw error;
    if (error instanceof BodyOverLimitError) throw new TransportError(413, error.message);
    // Over a count limit (parts: 413) or malformed (a cut-off body, a bad boundary).
    const status = (error as { statusCode?: number }).statusCode;
    const message = (error as Error).message?.split('\n')[0] || 'malformed multipart body';
    throw new TransportError(status !== undefined && status >= 400 && status < 500 ? status : 400, message);
  }
  return fields;
}

/**
 * Every part arrives as bytes (plugins/body-parsers.ts makes the multipart parser hand each over as a
 * stream): a part with a file name is a file, any other a text field, decoded here in the body's
 * character set — as ASP.NET reads a form item, whatever the part's own Content-Type says.
 */
async function readParts(request: FastifyRequest, files: UploadedFile[], limits: CollectLimits, fields: Array<[string, string]>, decode: Decode) {
  const parts = request.parts()[Symbol.asyncIterator]();
  // The first next() pipes the body into the multipart parser; only then may the meter listen.
  let next = parts.next();
  const meter = meterBody(request.raw, limits.bodyBytes);
  let fileCount = 0;
  try {
    for (;;) {
      const step = await Promise.race([next, meter.exceeded]);
      if (step.done) return;
      const part = step.value;
      if (part.type !== 'file') throw new Error('multipart: a part was not handed over as bytes');
      if (part.filename !== undefined) {
        if (++fileCount > MULTIPART_FILES) throw new TransportError(413, `more than ${MULTIPART_FILES} files`);
        if (part.fieldname.toLowerCase() === Field.xmlReqFilePath.toLowerCase()) {
          files.push(await Promise.race([readFilePart(part, limits.fileBytes), meter.exceeded]));
        } else {
          // Files only matter as XmlReqFilePath; anything else is read past (within the body limit) and forgotten.
          part.file.resume();
          await Promise.race([new Promise<void>((resolve) => part.file.once('end', resolve).once('error', () => resolve())), meter.exceeded]);
        }
      } else {
        if (fields.length >= MULTIPART_FIELDS) throw new TransportError(413, `more than ${MULTIPART_FIELDS} fields`);
        const value = await Promise.race([readFilePart(part, limits.fileBytes), meter.exceeded]);
        // An XmlRequest cut at its limit goes on, to be refused as an XML request over the limit (103).
        const isXml = part.fieldname.toLowerCase() === Field.xmlRequest.toLowerCase();
        if (value.truncated && !isXml) throw new TransportError(413, `multipart field ${part.fieldname.slice(0, 64)} is too large`);
        fields.push([part.fieldname, decode(value.content)]);
      }
      next = parts.next();
    }
  } finally {
    meter.stop();
    // A part still being read when the limit was passed settles when the request closes; nobody waits for it.
    next.catch(() => {});
  }
}

async function readFilePart(part: MultipartFile, limit: number): Promise<UploadedFile> {
  const chunks: Buffer[] = [];
  let size = 0;
  let truncated = false;
  for await (const chunk of part.file as AsyncIterable<Buffer>) {
    if (truncated) continue; // keep draining so the rest of the body can be read
    size += chunk.length;
    if (size > limit) {
      truncated = true;
      continue;
    }
    chunks.push(chunk);
  }
  return {
    fieldName: part.fieldname,
    fileName: part.filename,
    content: Buffer.concat(chunks),
    truncated: truncated || part.file.truncated,
  };
}
