/**
 * How much of a request the page reads (docs/API.md#limits), with a defined answer past each limit
 * (107, with HTTP 413 or 414).
 */

/** Legacy clients put whole XML documents into the query string: 64 KiB of it. */
export const MAX_QUERY_BYTES = 64 * 1024;

/**
 * The largest body of any kind, however it arrives: an XmlRequest posted urlencoded can triple in
 * size, and never less than Fastify's usual 1 MiB.
 */
export function bodyBytes(xmlMaxBytes: number): number {
  return Math.max(1024 * 1024, xmlMaxBytes * 4);
}

/**
 * What the page's multipart forms need, and no more: its fields number about twenty, the largest
 * legitimate value is an XML request, and the only file it reads is an XmlReqFilePath upload.
 */
export const MULTIPART_FIELDS = 64;
export const MULTIPART_FILES = 4;
