import { topLevelValues, type Answer } from './answer.ts';
import { wellFormed } from './well-formed.ts';

/**
 * Redirect placeholders (docs/API.md#placeholders, the document's 媒合關鍵字): `%errorcode%`, `%errormsg%`,
 * `%launchid%`, `%userid%`, `%customerid%`, `%reportpath%`, `%jobid%`, and `%omisquerystring%` for
 * every top-level field as `Name=value&…`. Matched in any letter case, replaced in one pass (a value
 * that itself contains `%jobid%` is not expanded again), every value URL-encoded so that it can
 * only ever be data inside a path segment or query value. A field the response lacks is empty.
 */
const FIELD_OF = {
  errorcode: 'ErrorCode',
  errormsg: 'ErrorMSG',
  launchid: 'LaunchID',
  userid: 'UserID',
  customerid: 'CustomerID',
  reportpath: 'ReportPath',
  jobid: 'JobID',
} as const;

export const PLACEHOLDER = /%(omisquerystring|errorcode|errormsg|launchid|userid|customerid|reportpath|jobid)%/gi;

/** encodeURIComponent that cannot throw: a lone surrogate becomes U+FFFD first. */
export function encodeValue(value: string): string {
  return encodeURIComponent(wellFormed(value));
}

export function omisQueryString(response: Answer): string {
  return topLevelValues(response)
    .map(([name, value]) => `${name}=${encodeValue(value)}`)
    .join('&');
}

export function substitutePlaceholders(template: string, response: Answer): string {
  const values = new Map(topLevelValues(response));
  return template.replace(PLACEHOLDER, (_match, name: string) => {
    const key = name.toLowerCase();
    if (key === 'omisquerystring') return omisQueryString(response);
    return encodeValue(values.get(FIELD_OF[key as keyof typeof FIELD_OF]) ?? '');
  });
}

/** The template with every placeholder replaced by a fixed value (used to judge templates before acting). */
export function withPlaceholdersAs(template: string, value: string): string {
  return template.replace(PLACEHOLDER, value);
}
