import { expect } from 'vitest';
import { get, xmlAnswer, type CompatCase } from './compat-case.ts';
import type { CompatRequest, Fields } from './compat-request.ts';

/**
 * What legacy clients send beyond the document's examples (docs/CLIENTS.md#what-legacy-clients-send):
 * raw UTF-8 in the URL, a form in Big5, HEAD, a pooled connection reused after being idle, CSV asked
 * for with and without `Accept: text/csv`. Each runs in the clients that can make such a request.
 */
const mkt: Fields = [['ManagerLoginName', 'acme-mkt'], ['ManagerPassword', 'mkt-pass']];
const CURL = 'curl';
const PYTHON = 'Python urllib';
const BROWSER_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8';

const csv = (accept?: string): CompatRequest => ({ ...get(...mkt, ['LaunchID', '5001'], ['ReturnType', 'CSV']), ...(accept ? { headers: { Accept: accept } } : {}) });

export const CLIENT_FIDELITY_CASES: CompatCase[] = [
  {
    name: 'raw UTF-8 in the URL (curl -g, as PHP file_get_contents sends it): LaunchID 任務編號 answers 111 echoing it',
    clients: [CURL],
    requests: [{ method: 'GET', rawQuery: 'ManagerLoginName=acme-mkt&ManagerPassword=mkt-pass&LaunchID=任務編號' }],
    check: ([answer]) => {
      expect(xmlAnswer(answer, '111')).toMatchObject({ ErrorMSG: "LaunchID doesn't exist", LaunchID: '任務編號' });
    },
  },
  {
    name: 'a urlencoded form in Big5 declaring charset=big5: LaunchID 任務編號 answers 111 echoing it',
    clients: [PYTHON],
    requests: [{ method: 'POST', form: { encoding: 'urlencoded', charset: 'big5', fields: [...mkt, ['LaunchID', '任務編號']] } }],
    check: ([answer]) => {
      expect(xmlAnswer(answer, '111')).toMatchObject({ LaunchID: '任務編號' });
    },
  },
  {
    name: 'HEAD (curl -I): the status and headers of the same GET, Content-Length included, and no body',
    clients: [CURL, PYTHON],
    requests: [get(...mkt, ['LaunchID', '5001']), { method: 'HEAD', query: [...mkt, ['LaunchID', '5001']] }],
    check: ([got, head]) => {
      xmlAnswer(got, '0');
      expect(head!.status).toBe(200);
      expect(head!.headers['content-type']).toBe('text/xml; charset=utf-8');
      expect(Number(head!.headers['content-length'])).toBe(got!.body.length);
      expect(head!.body.length).toBe(0);
    },
  },
  {
    name: 'a pooled connection reused after 15 s of idleness (http.client) is still served',
    clients: [PYTHON],
    requests: [
      { ...get(...mkt, ['LaunchID', '5001']), sameConnection: { idleSeconds: 0 } },
      { ...get(...mkt, ['LaunchID', '5001']), sameConnection: { idleSeconds: 15 } },
    ],
    check: ([first, second]) => {
      expect(xmlAnswer(first, '0').LaunchID).toBe('5001');
      expect(xmlAnswer(second, '0').LaunchID).toBe('5001');
      expect(second!.localPort, 'the second request went on a new connection').toBe(first!.localPort);
    },
  },
  {
    name: "ReturnType=CSV is text/plain (a browser shows it), text/csv when Accept names text/csv",
    clients: [CURL, PYTHON],
    requests: [csv(), csv(BROWSER_ACCEPT), csv('text/csv')],
    check: ([plain, browser, named]) => {
      for (const answer of [plain, browser]) expect(answer!.headers['content-type']).toBe('text/plain; charset=utf-8');
      expect(named!.headers['content-type']).toBe('text/csv; charset=utf-8');
      for (const answer of [plain, browser, named]) {
        expect(answer!.status).toBe(200);
        expect(answer!.headers['content-disposition']).toBeUndefined();
        expect(answer!.text.startsWith('ErrorCode,ErrorMSG,RecordType,')).toBe(true);
      }
    },
  },
];
