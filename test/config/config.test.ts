import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, sessionDatabaseUrl } from '../../src/config/config.ts';

describe('configuration (the Web.config equivalent)', () => {
  it('has the contract defaults', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      PORT: 8080,
      HOST: '127.0.0.1',
      OMIS_DATA_DIR: './.omis',
      OMIS_ALLOWED_METHODS: ['GET', 'POST'],
      OMIS_REDIRECT_HOSTS: [],
      OMIS_XMLREQURL_HOSTS: [],
      OMIS_TIMEZONE: 'Asia/Taipei',
      OMIS_XML_MAX_BYTES: 262144,
    });
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.DIRECT_URL).toBeUndefined();
    expect(config.OMIS_SECRET).toBeUndefined();
  });

  it('takes DIRECT_URL for what needs a session of its own, and DATABASE_URL without it', () => {
    const pooled = 'postgresql://omis@pgbouncer:6432/omis';
    const direct = 'postgresql://omis@db:5432/omis';
    expect(sessionDatabaseUrl(loadConfig({ DATABASE_URL: pooled, DIRECT_URL: ` ${direct} ` }))).toBe(direct);
    expect(sessionDatabaseUrl(loadConfig({ DATABASE_URL: pooled, DIRECT_URL: ' ' }))).toBe(pooled);
    expect(sessionDatabaseUrl(loadConfig({}))).toBeUndefined();
  });

  it('prepares statements by default only when DATABASE_URL goes straight to PostgreSQL (no DIRECT_URL beside it)', () => {
    const pooled = 'postgresql://omis@pgbouncer:6432/omis';
    const direct = 'postgresql://omis@db:5432/omis';
    const cases: [Record<string, string>, boolean][] = [
      [{}, true],
      [{ DATABASE_URL: direct }, true],
      [{ DATABASE_URL: pooled, DIRECT_URL: direct }, false],
      [{ DATABASE_URL: pooled, DIRECT_URL: ' ' }, true],
      [{ DATABASE_URL: direct, OMIS_PREPARED_STATEMENTS: 'false' }, false],
      [{ DATABASE_URL: direct, OMIS_PREPARED_STATEMENTS: ' OFF ' }, false],
      [{ DATABASE_URL: pooled, DIRECT_URL: direct, OMIS_PREPARED_STATEMENTS: 'true' }, true],
      [{ DATABASE_URL: pooled, DIRECT_URL: direct, OMIS_PREPARED_STATEMENTS: '1' }, true],
      [{ DATABASE_URL: pooled, DIRECT_URL: direct, OMIS_PREPARED_STATEMENTS: ' ' }, false],
    ];
    for (const [env, expected] of cases) expect(loadConfig(env).OMIS_PREPARED_STATEMENTS, JSON.stringify(env)).toBe(expected);
    for (const value of ['maybe', 'toString', 'constructor']) {
      expect(() => loadConfig({ OMIS_PREPARED_STATEMENTS: value })).toThrowError(/OMIS_PREPARED_STATEMENTS: must be true or false/);
      expect(() => loadConfig({ OMIS_JOURNAL: value })).toThrowError(/OMIS_JOURNAL: must be true or false/);
    }
  });

  it('refuses a DIRECT_URL that is not a postgresql:// URL', () => {
    expect(() => loadConfig({ DATABASE_URL: 'postgresql://omis@pgbouncer:6432/omis', DIRECT_URL: 'db.internal:5432' })).toThrowError(
      /DIRECT_URL: must be a postgresql:\/\/ URL/,
    );
  });

  it('refuses DIRECT_URL without DATABASE_URL, which would migrate a database the server does not use', () => {
    expect(() => loadConfig({ DIRECT_URL: 'postgresql://omis@db:5432/omis' })).toThrowError(/DIRECT_URL: .*DATABASE_URL/);
  });

  it('keeps the request journal on and bounded by default, and the console sign-in for 8 hours', () => {
    expect(loadConfig({})).toMatchObject({
      OMIS_JOURNAL: true,
      OMIS_JOURNAL_MAX_ROWS: 10000,
      OMIS_JOURNAL_RETENTION_HOURS: 24,
      OMIS_JOURNAL_QUEUE: 200,
      OMIS_CONSOLE_SESSION_MINUTES: 480,
    });
    expect(loadConfig({ OMIS_JOURNAL: 'off', OMIS_JOURNAL_QUEUE: '50' })).toMatchObject({ OMIS_JOURNAL: false, OMIS_JOURNAL_QUEUE: 50 });
    for (const [name, value] of [
      ['OMIS_JOURNAL', 'maybe'],
      ['OMIS_JOURNAL_MAX_ROWS', '10'],
      ['OMIS_JOURNAL_RETENTION_HOURS', '0'],
      ['OMIS_JOURNAL_QUEUE', '1000000'],
      ['OMIS_CONSOLE_SESSION_MINUTES', '1'],
    ]) {
      expect(() => loadConfig({ [name!]: value }), name).toThrowError(new RegExp(`${name}: `));
    }
  });

  it('keeps idle connections 120 s and gives a request 30 s to arrive, unless told otherwise', () => {
    expect(loadConfig({})).toMatchObject({ OMIS_KEEPALIVE_SECONDS: 120, OMIS_REQUEST_TIMEOUT_SECONDS: 30 });
    expect(loadConfig({ OMIS_KEEPALIVE_SECONDS: '300', OMIS_REQUEST_TIMEOUT_SECONDS: '5' })).toMatchObject({ OMIS_KEEPALIVE_SECONDS: 300, OMIS_REQUEST_TIMEOUT_SECONDS: 5 });
    for (const [name, value] of [
      ['OMIS_KEEPALIVE_SECONDS', '0'],
      ['OMIS_KEEPALIVE_SECONDS', 'forever'],
      ['OMIS_KEEPALIVE_SECONDS', '3601'],
      ['OMIS_REQUEST_TIMEOUT_SECONDS', '0'],
      ['OMIS_REQUEST_TIMEOUT_SECONDS', '-1'],
    ]) {
      expect(() => loadConfig({ [name!]: value }), `${name}=${value}`).toThrowError(new RegExp(`${name}: `));
    }
  });

  it('decodes request bodies in UTF-8 unless OMIS_REQUEST_ENCODING names another character set', () => {
    expect(loadConfig({}).OMIS_REQUEST_ENCODING).toBe('utf-8');
    expect(loadConfig({ OMIS_REQUEST_ENCODING: ' Big5 ' }).OMIS_REQUEST_ENCODING).toBe('big5');
    expect(loadConfig({ OMIS_REQUEST_ENCODING: 'shift_jis' }).OMIS_REQUEST_ENCODING).toBe('shift_jis');
    for (const value of ['klingon', 'base64', 'utf-7', '']) {
      expect(() => loadConfig({ OMIS_REQUEST_ENCODING: value }), value).toThrowError(/OMIS_REQUEST_ENCODING: must be a character set/);
    }
  });

  it('reads comma lists, case-insensitively', () => {
    const config = loadConfig({ OMIS_ALLOWED_METHODS: 'post', OMIS_REDIRECT_HOSTS: 'Example.com, *', OMIS_XMLREQURL_HOSTS: 'a.example,b.example' });
    expect(config.OMIS_ALLOWED_METHODS).toEqual(['POST']);
    expect(config.OMIS_REDIRECT_HOSTS).toEqual(['example.com', '*']);
    expect(config.OMIS_XMLREQURL_HOSTS).toEqual(['a.example', 'b.example']);
  });

  it.each([
    ['PORT', 'eighty'],
    ['PORT', '70000'],
    ['DATABASE_URL', 'mysql://localhost/db'],
    ['OMIS_ALLOWED_METHODS', 'GET,DELETE'],
    ['OMIS_ALLOWED_METHODS', ' , '],
    ['OMIS_TIMEZONE', 'Mars/Olympus_Mons'],
    ['OMIS_XML_MAX_BYTES', '-5'],
    ['OMIS_XML_MAX_BYTES', '12kb'],
    ['OMIS_SECRET', 'short'],
    ['OMIS_REDIRECT_HOSTS', 'https://example.com/path'],
    ['OMIS_DEFAULT_RETURN_TYPE', 'JSON'],
    ['OMIS_SIMULATOR', 'maybe'],
  ])('refuses %s=%j with a message naming the variable', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrowError(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrowError(new RegExp(name));
  });

  it('names every bad variable at once', () => {
    expect(() => loadConfig({ PORT: 'x', OMIS_TIMEZONE: 'nowhere' })).toThrowError(/PORT[\s\S]*OMIS_TIMEZONE/);
  });
});
