import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { ApiError, ErrorCodes } from '../errors/error-codes.ts';
import type { NamedValues } from './param-bag.ts';

/**
 * An XML request document (docs/API.md#the-xml-document; the original document's note 10001) as name/value pairs:
 *
 *   <?xml version="1.0" encoding="utf-8"?>
 *   <REQUEST><ManagerLoginName>…</ManagerLoginName><LaunchID>5001</LaunchID></REQUEST>
 *
 * The root is REQUEST (any letter case); each child element is one field, its value the text of the
 * element and everything inside it (as .NET's InnerText), with the five XML entities and numeric
 * character references decoded. Anything else answers 103: a DOCTYPE or ENTITY declaration (never
 * parsed at all, so no entity expansion of any kind can happen), a document over the size limit,
 * nesting deeper than MAX_DEPTH, bytes that are not valid in the document's encoding, or XML that
 * is not well-formed. Every check is linear in the document's size.
 */
export const MAX_DEPTH = 32;

const ROOT = 'request';

// Characters XML 1.0 forbids anywhere in a document.
// eslint-disable-next-line no-control-regex
const NOT_XML_CHAR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const DECLARATION = /<!\s*(DOCTYPE|ENTITY)/i;
const ENCODING = /^<\?xml\s[^>]*?encoding\s*=\s*["']([A-Za-z][A-Za-z0-9._-]*)["']/;

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  parseTagValue: false,
  trimValues: false,
  // Entities are decoded here (decodeReferences), so that `&amp;#20013;` stays `&#20013;`.
  processEntities: false,
  htmlEntities: false,
  cdataPropName: '#cdata',
  maxNestedTags: MAX_DEPTH,
});

function invalid(): never {
  throw new ApiError(ErrorCodes.BAD_XML);
}

/**
 * Bytes (an uploaded file, a fetched URL) to text: a byte-order mark decides, else the encoding the
 * XML declaration names (legacy files in Big5 work), else UTF-8. Invalid bytes answer 103.
 */
export function decodeXmlBytes(bytes: Uint8Array): string {
  let label = 'utf-8';
  let start = 0;
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) start = 3;
  else if (bytes[0] === 0xff && bytes[1] === 0xfe) [label, start] = ['utf-16le', 2];
  else if (bytes[0] === 0xfe && bytes[1] === 0xff) [label, start] = ['utf-16be', 2];
  else {
    const head = Buffer.from(bytes.subarray(0, 256)).toString('latin1');
    const declared = ENCODING.exec(head)?.[1];
    if (declared) label = declared;
  }
  try {
    return new TextDecoder(label, { fatal: true, ignoreBOM: true }).decode(bytes.subarray(start));
  } catch {
    // An encoding Node does not know, or bytes that are not valid in it.
    return invalid();
  }
}

const REFERENCE = /&(?:#x([0-9a-fA-F]{1,6})|#([0-9]{1,7})|(amp|lt|gt|quot|apos));/y;
const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function isXmlCodePoint(cp: number): boolean {
  return cp === 0x9 || cp === 0xa || cp === 0xd || (cp >= 0x20 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd) || (cp >= 0x10000 && cp <= 0x10ffff);
}

/** Decodes character and the five predefined entity references; any other `&` is not well-formed. */
export function decodeReferences(text: string): string {
  let at = text.indexOf('&');
  if (at < 0) return text;
  let out = '';
  let from = 0;
  while (at >= 0) {
    REFERENCE.lastIndex = at;
    const match = REFERENCE.exec(text);
    if (!match) return invalid();
    let decoded: string;
    if (match[3] !== undefined) decoded = NAMED[match[3]]!;
    else {
      const cp = match[1] !== undefined ? parseInt(match[1], 16) : Number(match[2]);
      if (!isXmlCodePoint(cp)) return invalid();
      decoded = String.fromCodePoint(cp);
    }
    out += text.slice(from, at) + decoded;
    from = REFERENCE.lastIndex;
    at = text.indexOf('&', from);
  }
  return out + text.slice(from);
}

type OrderedNode = Record<string, unknown>;

function nameOf(node: OrderedNode): string {
  return Object.keys(node).find((key) => key !== ':@')!;
}

/**
 * The text of an element and all its descendants, in document order (.NET's InnerText). Text that
 * is only white space is left out, as XmlDocument drops insignificant white space; CDATA is kept
 * as written. Iterative, so no document can exhaust the stack.
 */
function innerText(children: OrderedNode[]): string {
  let text = '';
  const stack: OrderedNode[][] = [children];
  const positions: number[] = [0];
  while (stack.length > 0) {
    const nodes = stack[stack.length - 1]!;
    const index = positions[positions.length - 1]!;
    if (index >= nodes.length) {
      stack.pop();
      positions.pop();
      continue;
    }
    positions[positions.length - 1] = index + 1;
    const node = nodes[index]!;
    const name = nameOf(node);
    const value = node[name];
    if (name === '#text') {
      const raw = String(value);
      if (raw.trim() !== '') text += decodeReferences(raw);
    } else if (name === '#cdata') {
      for (const part of value as OrderedNode[]) text += String(part['#text'] ?? '');
    } else if (Array.isArray(value)) {
      stack.push(value as OrderedNode[]);
      positions.push(0);
    }
  }
  return text;
}

/** Checks that apply to the document as text, before any parser sees it. */
function checkDocument(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text, 'utf8') > maxBytes) return invalid();
  // A BOM left in a string (an inline XmlRequest pasted from a file) is not content.
  const body = (text.charCodeAt(0) === 0xfeff ? text.slice(1) : text).replace(/\r\n?/g, '\n');
  if (DECLARATION.test(body)) return invalid();
  if (NOT_XML_CHAR.test(body)) return invalid();
  return body;
}

/** Parses an XML request given as text (XmlRequest) into its fields, or throws ApiError 103. */
export function parseXmlRequest(text: string, maxBytes: number): NamedValues {
  const body = checkDocument(text, maxBytes);
  let document: OrderedNode[];
  try {
    if (XMLValidator.validate(body) !== true) return invalid();
    document = parser.parse(body) as OrderedNode[];
  } catch (error) {
    if (error instanceof ApiError) throw error;
    // Too deep, or a name the parser refuses (e.g. __proto__).
    return invalid();
  }
  const elements = document.filter((node) => !['#text', '#cdata'].includes(nameOf(node)));
  if (elements.length !== 1) return invalid();
  const root = elements[0]!;
  const rootName = nameOf(root);
  if (rootName.toLowerCase() !== ROOT) return invalid();
  const fields: Array<[string, string]> = [];
  for (const child of root[rootName] as OrderedNode[]) {
    const name = nameOf(child);
    if (name === '#text' || name === '#cdata') continue; // text directly under REQUEST is no field
    fields.push([name, innerText(child[name] as OrderedNode[])]);
  }
  return fields;
}

/** Parses an XML request given as bytes (an uploaded file, a fetched document). */
export function parseXmlRequestBytes(bytes: Uint8Array, maxBytes: number): NamedValues {
  if (bytes.length > maxBytes) return invalid();
  return parseXmlRequest(decodeXmlBytes(bytes), Number.MAX_SAFE_INTEGER);
}
