import { isSecretName, REDACTED, redactUrl } from '../request/secret-names.ts';
import { Field } from '../request/fields.ts';
import type { PageRequest } from '../request/page-request.ts';

/** One parameter as the request gave it, its source and whether the page used it. */
export type ParamTrace = ReturnType<PageRequest['trace']>[number];

/**
 * What the request journal may show (pure): everything a developer of a client needs to see, never
 * a password or a secret. A parameter whose name is secret (ManagerPassword, Signature, anything
 * with password, secret or token in it: the log's rule, request/secret-names.ts) shows `[hidden]`; an
 * XmlRequest shows with the text of its secret elements hidden, or not at all when that cannot be
 * done safely; the answer shows with ReportPath signatures hidden.
 */
export const HIDDEN = '[hidden]';

/** Secret elements of an XML request: <ManagerPassword>…</ManagerPassword>, in any letter case, with attributes or CDATA. */
const SECRET_ELEMENT = /<\s*([A-Za-z_][\w.-]*?(?:password|secret|token)[\w.-]*)(\s[^>]*)?>([\s\S]*?)<\s*\/\s*\1\s*>/gi;
/** A hidden element, as the rule above leaves it. */
const HIDDEN_ELEMENT = /<[^<>]*>\[hidden\]<\/[^<>]*>/g;
/** Any tag of a secret element but an empty one (<ManagerPassword/>): left over, it was not paired. */
const SECRET_TAG = /<\s*\/?\s*[A-Za-z_][\w.-]*?(?:password|secret|token)[\w.-]*(?:\s[^>]*)?(?<!\/)>/i;

/** The XML request with the text of its secret elements hidden; `[hidden]` as a whole when unsure. */
export function redactXmlRequest(xml: string): string {
  const redacted = xml.replace(SECRET_ELEMENT, (_match, name: string, attributes: string | undefined) => `<${name}${attributes ?? ''}>${HIDDEN}</${name}>`);
  // A secret tag still there (unclosed, nested, misspelt close): the text around it may be a password.
  return SECRET_TAG.test(redacted.replace(HIDDEN_ELEMENT, '')) ? `${HIDDEN} (an XML request whose secret elements could not be told apart)` : redacted;
}

/** A URL with credentials (user:password@) and secret query parameters hidden. */
export function redactLink(url: string): string {
  return redactUrl(url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/?#@]*@/i, `$1${HIDDEN}@`)).replaceAll(REDACTED, HIDDEN);
}

// The value ends where the parameter does, also when the link is itself URL-encoded (%26).
const SIGNATURE = /(Signature(?:=|%3D))(?:(?!%26)[^&"<\s,;])*/gi;

/** An answer (XML, CSV, a redirect's Location) with the signatures of its ReportPath links hidden. */
export function redactAnswer(text: string): string {
  return text.replace(SIGNATURE, `$1${HIDDEN}`);
}

/** The parameters as the journal keeps them. */
export function redactParams(trace: readonly ParamTrace[]): ParamTrace[] {
  return trace.map((param) => ({ ...param, value: redactValue(param.name, param.value) }));
}

function redactValue(name: string, value: string): string {
  const key = name.toLowerCase();
  if (key === Field.xmlRequest.toLowerCase()) return redactXmlRequest(value);
  if (isSecretName(name)) return HIDDEN;
  if (key === Field.xmlReqUrl.toLowerCase() || key.endsWith('url') || key === Field.successfulUrlAsPrinted.toLowerCase()) return redactLink(value);
  return value;
}
