import { describe, expect, it } from 'vitest';
import { HIDDEN, redactAnswer, redactLink, redactParams, redactXmlRequest } from '../../src/tasks/journal-redact.ts';
import { ParamBag } from '../../src/request/param-bag.ts';

describe('the journal never shows a secret', () => {
  it('hides ManagerPassword, Signature and any name with password, secret or token, from every source', () => {
    const bag = new ParamBag([
      ['query', [['managerpassword', 'q-pass'], ['LaunchID', '5001'], ['api_token', 't'], ['Signature', 'sig']]],
      ['form', [['ManagerPassword', 'f-pass'], ['MySecret', 's']]],
      ['xml', [['MANAGERPASSWORD', 'x-pass'], ['ManagerLoginName', 'acme']]],
    ]);
    const shown = redactParams(bag.traced());
    expect(shown.map((p) => `${p.source}:${p.name}=${p.value}`)).toEqual([
      `query:managerpassword=${HIDDEN}`,
      'query:LaunchID=5001',
      `query:api_token=${HIDDEN}`,
      `query:Signature=${HIDDEN}`,
      `form:ManagerPassword=${HIDDEN}`,
      `form:MySecret=${HIDDEN}`,
      `xml:MANAGERPASSWORD=${HIDDEN}`,
      'xml:ManagerLoginName=acme',
    ]);
    expect(JSON.stringify(shown)).not.toMatch(/q-pass|f-pass|x-pass|"sig"/);
  });

  it('shows an XmlRequest with the text of its password element hidden, in any letter case, with attributes or CDATA', () => {
    for (const [xml, expected] of [
      ['<REQUEST><ManagerLoginName>acme</ManagerLoginName><ManagerPassword>p&amp;w</ManagerPassword></REQUEST>', `<REQUEST><ManagerLoginName>acme</ManagerLoginName><ManagerPassword>${HIDDEN}</ManagerPassword></REQUEST>`],
      ['<request><managerpassword x="1"><![CDATA[pw]]></managerpassword></request>', `<request><managerpassword x="1">${HIDDEN}</managerpassword></request>`],
      ['<REQUEST><ManagerPassword >a</ ManagerPassword ></REQUEST>', `<REQUEST><ManagerPassword >${HIDDEN}</ManagerPassword></REQUEST>`],
      ['<REQUEST><ManagerPassword/><LaunchID>1</LaunchID></REQUEST>', '<REQUEST><ManagerPassword/><LaunchID>1</LaunchID></REQUEST>'],
    ] as const) {
      expect(redactXmlRequest(xml)).toBe(expected);
    }
  });

  it('hides an XmlRequest whole when a secret element cannot be paired (malformed, nested, unclosed)', () => {
    for (const xml of [
      '<REQUEST><ManagerPassword>secret-pw',
      '<REQUEST><ManagerPassword>secret-pw</managerpasswordx></REQUEST>',
      '<REQUEST><ManagerPassword>a<ManagerPassword>secret-pw</ManagerPassword></ManagerPassword></REQUEST>',
    ]) {
      const shown = redactXmlRequest(xml);
      expect(shown).not.toContain('secret-pw');
      expect(shown.startsWith(HIDDEN)).toBe(true);
    }
  });

  it('hides the signatures of ReportPath links in answers, plain and URL-encoded', () => {
    const xml = '<ReportPath>/WebAPI/Report.aspx?JobID=9001&amp;Expires=1&amp;Signature=abc-_DEF</ReportPath>';
    expect(redactAnswer(xml)).toBe(`<ReportPath>/WebAPI/Report.aspx?JobID=9001&amp;Expires=1&amp;Signature=${HIDDEN}</ReportPath>`);
    expect(redactAnswer('/done?ReportPath=%2FWebAPI%2FReport.aspx%3FJobID%3D1%26Signature%3Dxyz%26a=1')).toBe(`/done?ReportPath=%2FWebAPI%2FReport.aspx%3FJobID%3D1%26Signature%3D${HIDDEN}%26a=1`);
  });

  it('hides credentials and secret parameters of URLs (XmlReqUrl, redirect fields)', () => {
    expect(redactLink('https://user:pw@example.com/req.xml?token=t&x=1')).toBe(`https://${HIDDEN}@example.com/req.xml?token=${HIDDEN}&x=1`);
    const shown = redactParams(new ParamBag([['query', [['XmlReqUrl', 'https://u:p@h/r.xml'], ['SuccessfulUr', '/ok?password=p']]]]).traced());
    expect(shown.map((p) => p.value)).toEqual([`https://${HIDDEN}@h/r.xml`, `/ok?password=${HIDDEN}`]);
  });
});

describe('ParamBag.trace', () => {
  it('lists each source in order, names as first spelt, repeats joined, and which source won', () => {
    const bag = new ParamBag([
      ['query', [['LaunchID', '5001'], ['launchid', '5002']]],
      ['form', [['LAUNCHID', '6001'], ['JobID', '9001']]],
      ['xml', [['JobID', '1'], ['ReturnType', 'CSV']]],
    ]);
    expect(bag.traced()).toEqual([
      { name: 'LaunchID', value: '5001,5002', source: 'query', used: true },
      { name: 'LAUNCHID', value: '6001', source: 'form', used: false },
      { name: 'JobID', value: '9001', source: 'form', used: true },
      { name: 'JobID', value: '1', source: 'xml', used: false },
      { name: 'ReturnType', value: 'CSV', source: 'xml', used: true },
    ]);
  });
});
