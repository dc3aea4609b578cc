import fp from 'fastify-plugin';
import formbody from '@fastify/formbody';
import multipart from '@fastify/multipart';
import { parseUrlEncoded } from '../request/aspnet-decode.ts';

export interface BodyLimits {
  /** Largest urlencoded body and largest multipart field value. */
  bodyBytes: number;
  /** Largest uploaded file (the XML request limit). */
  fileBytes: number;
}

/**
 * POST bodies (CONTRACT.md §1): urlencoded with ASP.NET's decoding (the body becomes an ordered list
 * of name/value pairs, repeats kept), and multipart as the stock HTML forms send it.
 */
export default fp<BodyLimits>(
  async (app, limits) => {
    // Like ASP.NET, the page reads only urlencoded and multipart bodies; any other body (JSON, XML,
    // text, none declared) is read up to the limit and ignored, and the query string still counts.
    // Fastify's own JSON and text parsers would instead refuse such a request or fail on bad JSON.
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: limits.bodyBytes }, (_request, _body, done) => done(null, undefined));
    await app.register(formbody, { bodyLimit: limits.bodyBytes, parser: (body: string) => parseUrlEncoded(body) as never });
    await app.register(multipart, {
      throwFileSizeLimit: false,
      limits: {
        fieldNameSize: 200,
        fieldSize: limits.bodyBytes,
        fields: 200,
        // One more than the limit: the reader marks such a file as truncated and answers 103.
        fileSize: limits.fileBytes + 1,
        files: 5,
        parts: 205,
        headerPairs: 50,
      },
    });
  },
  { name: 'body-parsers' },
);
