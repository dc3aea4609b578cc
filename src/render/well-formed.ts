/**
 * Text as it can be written out as UTF-8: a lone UTF-16 surrogate (which any string from a request
 * may hold) becomes U+FFFD, as an encoder would make it, instead of breaking the encoder.
 */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export function wellFormed(text: string): string {
  return text.replace(LONE_SURROGATE, '\uFFFD');
}
