import { ApiError, ErrorCodes } from '../errors/error-codes.ts';
import type { UploadedFile } from './collect-params.ts';
import { Field } from './fields.ts';
import type { NamedValues, ParamBag } from './param-bag.ts';
import { parseXmlRequest, parseXmlRequestBytes } from './xml-request.ts';

/**
 * The XML request sources (docs/API.md#xml-requests; the original document's note 10001). At most one of
 * `XmlRequest` (the document as a query or form value), `XmlReqUrl` (a URL the server fetches) and
 * `XmlReqFilePath` (a file uploaded with POST multipart) may be given; its fields join the bag as
 * the 'xml' source, below the query string and the form.
 *
 * 103: two sources at once, two uploaded files, an XmlReqFilePath that is a text value rather
 * than an upload (a path on the server's disk is never read), a file name or URL path not ending
 * in `.xml`, or a document that is not a valid XML request. 104: the URL cannot be used.
 * An empty value (an HTML form's blank field, a file input left empty) counts as not given.
 */
export interface XmlSourceOptions {
  maxBytes: number;
  /** Fetches an XmlReqUrl document (xml-req-url.ts); throws ApiError 104. */
  fetchUrl(url: string): Promise<Buffer>;
}

type XmlSource =
  | { kind: 'inline'; text: string }
  | { kind: 'url'; url: string }
  | { kind: 'file'; file: UploadedFile };

const XML_EXTENSION = /\.xml$/i;

function badXml(): never {
  throw new ApiError(ErrorCodes.BAD_XML);
}

/**
 * A source's value from the query string, else the form, skipping blank ones: an HTML form's empty
 * XmlRequest field must not hide the document a query string carries, nor the other way round.
 */
function givenValue(bag: ParamBag, name: string): string | undefined {
  for (const source of ['query', 'form'] as const) {
    const value = bag.inSource(source, name);
    if (value !== undefined && value.trim() !== '') return value;
  }
  return undefined;
}

/** The one XML source a request names, or undefined; 103 when the request names several. */
export function findXmlSource(bag: ParamBag, files: readonly UploadedFile[]): XmlSource | undefined {
  const sources: XmlSource[] = [];
  const inline = givenValue(bag, Field.xmlRequest);
  if (inline !== undefined) sources.push({ kind: 'inline', text: inline });
  const url = givenValue(bag, Field.xmlReqUrl)?.trim();
  if (url !== undefined) sources.push({ kind: 'url', url });
  // Only an upload can be an XmlReqFilePath; a text value naming a path is refused, not followed.
  if (bag.text(Field.xmlReqFilePath) !== undefined) return badXml();
  const uploads = files.filter(
    (file) => file.fieldName.toLowerCase() === Field.xmlReqFilePath.toLowerCase() && (file.fileName !== '' || file.content.length > 0),
  );
  if (uploads.length > 1) return badXml();
  if (uploads.length === 1) sources.push({ kind: 'file', file: uploads[0]! });
  if (sources.length > 1) return badXml();
  return sources[0];
}

/** The path of an XmlReqUrl must end in .xml; what is not a URL at all is left to the fetcher (104). */
function checkUrlExtension(raw: string): void {
  let path: string;
  try {
    path = new URL(raw).pathname;
  } catch {
    return;
  }
  if (!XML_EXTENSION.test(path)) badXml();
}

async function readSource(source: XmlSource, options: XmlSourceOptions): Promise<NamedValues> {
  switch (source.kind) {
    case 'inline':
      return parseXmlRequest(source.text, options.maxBytes);
    case 'file': {
      const { file } = source;
      // The client's path may come along ("C:\\requests\\r.xml"); only its ending matters.
      if (!XML_EXTENSION.test(file.fileName.trim()) || file.truncated) return badXml();
      return parseXmlRequestBytes(file.content, options.maxBytes);
    }
    case 'url':
      checkUrlExtension(source.url);
      return parseXmlRequestBytes(await options.fetchUrl(source.url), options.maxBytes);
  }
}

/** Which field carried the XML request. */
export type XmlSourceField = typeof Field.xmlRequest | typeof Field.xmlReqUrl | typeof Field.xmlReqFilePath;

const FIELD_OF: Record<XmlSource['kind'], XmlSourceField> = { inline: Field.xmlRequest, url: Field.xmlReqUrl, file: Field.xmlReqFilePath };

/** Adds the fields of the request's XML source (if any) to the bag, with the lowest priority; says which it was. */
export async function addXmlSource(bag: ParamBag, files: readonly UploadedFile[], options: XmlSourceOptions): Promise<XmlSourceField | undefined> {
  const source = findXmlSource(bag, files);
  if (!source) return undefined;
  bag.add('xml', await readSource(source, options));
  return FIELD_OF[source.kind];
}
