import { parsePhoneNumberFromString } from 'libphonenumber-js/max';

/**
 * The normalised forms recipient lookups compare (docs/API.md#recipient-lookups). Computed once when a recipient
 * is stored and once per lookup, so the database compares plain indexed strings.
 */
export const DEFAULT_PHONE_REGION = 'TW';

/**
 * A phone number in E.164, Taiwan as the default region: `0912-345-678`, `0912345678` and
 * `+886912345678` are one number. Text no phone library can read falls back to its digits (with a
 * leading `+` kept), so that such a number still equals itself however it is punctuated.
 */
export function phoneKey(raw: string): string | undefined {
  const text = raw.trim();
  if (text === '') return undefined;
  const parsed = parsePhoneNumberFromString(text, DEFAULT_PHONE_REGION);
  if (parsed?.isPossible()) return parsed.number;
  const digits = text.replace(/[^\d]/g, '');
  if (digits === '') return undefined;
  return text.startsWith('+') ? `+${digits}` : digits;
}

/** E-mail addresses compare case-insensitively. */
export function emailKey(raw: string): string | undefined {
  return refKey(raw);
}

/**
 * External references compare case-insensitively: the document makes every value case-insensitive
 * unless case matters (passwords, free text), and a reference number is neither.
 */
export function refKey(raw: string): string | undefined {
  const text = raw.trim();
  return text === '' ? undefined : text.toLowerCase();
}
