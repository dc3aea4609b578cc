import { XMLParser } from 'fast-xml-parser';

/** Parses a page answer the way a legacy client would: every value a string, JOB/RECIPIENT lists. */
const parser = new XMLParser({ parseTagValue: false, trimValues: false, isArray: (name) => ['JOB', 'RECIPIENT'].includes(name) });

export interface ParsedResponse {
  ErrorCode: string;
  ErrorMSG: string;
  LaunchID: string;
  JobID: string;
  UserID: string;
  CustomerID: string;
  ReportPath: string;
  LAUNCH?: Record<string, any> & { JOB?: Array<Record<string, any>> };
}

export function parseResponse(body: string): ParsedResponse {
  const doc = parser.parse(body);
  if (!doc.RESPONSE) throw new Error(`not a RESPONSE document: ${body.slice(0, 200)}`);
  return doc.RESPONSE as ParsedResponse;
}
