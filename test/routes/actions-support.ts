import { XMLParser } from 'fast-xml-parser';
import type { FastifyInstance } from 'fastify';
import { multipartBody } from '../helper.ts';

/** Shared by the actions-*.test.ts files: HTML form posts and parsed answers (records: test/factories.ts). */
const parser = new XMLParser({ parseTagValue: false, isArray: (name) => ['JOB', 'RECIPIENT'].includes(name) });

export function parseXml(body: string) {
  const doc = parser.parse(body);
  if (!doc.RESPONSE) throw new Error(`not a RESPONSE: ${body.slice(0, 300)}`);
  return doc.RESPONSE;
}

/** Posts fields exactly as the original document's HTML form does (multipart, in its order). */
export async function postForm(app: FastifyInstance, fields: Array<[string, string]>, remoteAddress = '203.0.113.7') {
  const { payload, headers } = multipartBody(fields);
  const res = await app.inject({ method: 'POST', url: '/WebAPI/TaskManager.aspx', payload, headers, remoteAddress });
  if (res.statusCode !== 200) throw new Error(`HTTP ${res.statusCode}: ${res.body}`);
  return parseXml(res.body);
}

export function credentials(login: { ManagerLoginName: string; ManagerPassword: string }): Array<[string, string]> {
  return [
    ['ManagerLoginName', login.ManagerLoginName],
    ['ManagerPassword', login.ManagerPassword],
  ];
}

/** The launch forms of the original document (hidden LaunchAction, LaunchID, Submit). */
export function launchForm(login: { ManagerLoginName: string; ManagerPassword: string }, action: string | undefined, launchId: string, submit: string, extra: Array<[string, string]> = []) {
  return [...credentials(login), ...(action ? [['LaunchAction', action] as [string, string]] : []), ['LaunchID', launchId] as [string, string], ...extra, ['Submit', submit] as [string, string]];
}

export function jobForm(login: { ManagerLoginName: string; ManagerPassword: string }, action: string | undefined, jobId: string, submit: string, extra: Array<[string, string]> = []) {
  return [...credentials(login), ...(action ? [['JobAction', action] as [string, string]] : []), ['JobID', jobId] as [string, string], ...extra, ['Submit', submit] as [string, string]];
}
