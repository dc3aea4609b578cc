import { expect } from 'vitest';
import { parseResponse, type ParsedResponse } from '../xml.ts';
import type { CompatAnswer, CompatRequest, Fields } from './compat-request.ts';

/**
 * One case of the compatibility suite: requests a client sends in order (usually the request under
 * test, then a query that shows what it changed) and the check of their answers. Every client runs
 * every case (or those named in `clients`), all cases in list order against one server of its own.
 */
export interface CompatCase {
  name: string;
  requests: CompatRequest[];
  check(answers: CompatAnswer[]): void | Promise<void>;
  /** Only these clients (CompatClient.name) run the case; default: all. */
  clients?: string[];
}

export const get = (...fields: Fields): CompatRequest => ({ method: 'GET', query: fields });

/** An HTML form as a browser submits it: POST multipart/form-data, fields in the form's order. */
export const multipartForm = (...fields: Fields): CompatRequest => ({ method: 'POST', form: { encoding: 'multipart', fields } });

export const urlencodedForm = (...fields: Fields): CompatRequest => ({ method: 'POST', form: { encoding: 'urlencoded', fields } });

/**
 * An XML answer (HTTP 200, text/xml) with this ErrorCode, as the tests' parser reads it; where the
 * client parsed it too (Python's ElementTree), the client must have read the same fields.
 */
export function xmlAnswer(answer: CompatAnswer | undefined, errorCode: string): ParsedResponse {
  expect(answer, 'no answer').toBeDefined();
  expect(answer!.status, answer!.text).toBe(200);
  expect(answer!.headers['content-type']).toBe('text/xml; charset=utf-8');
  const xml = parseResponse(answer!.text);
  expect(xml.ErrorCode, answer!.text).toBe(errorCode);
  expect(xml.LAUNCH === undefined, 'a LAUNCH exactly when ErrorCode is 0').toBe(errorCode !== '0');
  if (answer!.clientRead !== undefined) {
    const { ErrorCode, ErrorMSG, LaunchID, JobID, UserID, CustomerID, ReportPath } = xml;
    expect(answer!.clientRead).toEqual({ root: 'RESPONSE', fields: { ErrorCode, ErrorMSG, LaunchID, JobID, UserID, CustomerID, ReportPath } });
  }
  return xml;
}

/** The answer's jobs as `JobID:ERRORCODE`, in order. */
export const jobStates = (xml: ParsedResponse) => (xml.LAUNCH?.JOB ?? []).map((job) => `${job.JobID}:${job.ERRORCODE}`);
