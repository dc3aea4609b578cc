import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/config.ts';

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
    expect(config.OMIS_SECRET).toBeUndefined();
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
