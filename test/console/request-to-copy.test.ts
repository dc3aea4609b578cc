import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { curlCommand, getUrl, htmlForm, MASK, textOf, type CopyRequest } from '../../src/console/request-to-copy.ts';
import { parseUrlEncoded } from '../../src/request/aspnet-decode.ts';

const request: CopyRequest = {
  pageUrl: 'http://127.0.0.1:8080/WebAPI/TaskManager.aspx',
  login: 'acme-mkt',
  fields: [
    ['LaunchID', '5001'],
    ['LaunchAction', '5'],
    ['ExpireTime', '2030-03-01 12:34:56'],
  ],
  caption: 'Change expiry',
};

// Every character a password may hold that each form must encode.
const awkward = `p'w"&<x> %+;$\`\\ 密碼`;

describe('the request to copy', () => {
  it('masks the password unless one is given', () => {
    expect(textOf(getUrl(request))).toBe(
      `http://127.0.0.1:8080/WebAPI/TaskManager.aspx?ManagerLoginName=acme-mkt&ManagerPassword=${MASK}&LaunchID=5001&LaunchAction=5&ExpireTime=2030-03-01%2012%3A34%3A56`,
    );
    for (const pieces of [getUrl(request), curlCommand(request), htmlForm(request)]) {
      expect(textOf(pieces)).toContain(MASK);
      expect(textOf(pieces, 'mkt-pass')).not.toContain(MASK);
      expect(textOf(pieces, 'mkt-pass')).toContain('mkt-pass');
    }
  });

  it('as a GET URL that ASP.NET decodes back to the same fields, whatever the password holds', () => {
    const url = textOf(getUrl(request), awkward);
    expect(parseUrlEncoded(url.slice(url.indexOf('?') + 1))).toEqual([
      ['ManagerLoginName', 'acme-mkt'],
      ['ManagerPassword', awkward],
      ['LaunchID', '5001'],
      ['LaunchAction', '5'],
      ['ExpireTime', '2030-03-01 12:34:56'],
    ]);
  });

  it('as a curl command whose arguments a shell reads back as written', () => {
    const command = textOf(curlCommand({ ...request, login: "o'brien" }), awkward);
    expect(command.split(' \\\n')[0]).toBe("curl 'http://127.0.0.1:8080/WebAPI/TaskManager.aspx'");
    // The shell itself says what it receives: one argument a line.
    const args = execFileSync('/bin/sh', ['-c', `set -- ${command.replace(/^curl /, '').replaceAll(' \\\n', ' ')}; for a; do printf '%s\\n' "$a"; done`], { encoding: 'utf8' });
    expect(args.trimEnd().split('\n')).toEqual([
      'http://127.0.0.1:8080/WebAPI/TaskManager.aspx',
      '--data-urlencode',
      "ManagerLoginName=o'brien",
      '--data-urlencode',
      `ManagerPassword=${awkward}`,
      '--data-urlencode',
      'LaunchID=5001',
      '--data-urlencode',
      'LaunchAction=5',
      '--data-urlencode',
      'ExpireTime=2030-03-01 12:34:56',
    ]);
  });

  it("as the document's HTML form: post, multipart, the page, hidden fields, escaped", () => {
    const form = textOf(htmlForm({ ...request, fields: [['LaunchID', '"5001"']] }), awkward);
    expect(form).toBe(
      '<form method="post" action="http://127.0.0.1:8080/WebAPI/TaskManager.aspx" enctype="multipart/form-data">\n' +
        '  <input type="hidden" name="ManagerLoginName" value="acme-mkt">\n' +
        `  <input type="hidden" name="ManagerPassword" value="p&#39;w&quot;&amp;&lt;x&gt; %+;$\`\\ 密碼">\n` +
        '  <input type="hidden" name="LaunchID" value="&quot;5001&quot;">\n' +
        '  <input type="submit" name="Submit" value="Change expiry">\n' +
        '</form>',
    );
  });
});
