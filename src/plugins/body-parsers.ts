import fp from 'fastify-plugin';
import formbody from '@fastify/formbody';
import multipart from '@fastify/multipart';
import { parseUrlEncoded } from '../request/aspnet-decode.ts';
import { MULTIPART_FIELDS, MULTIPART_FILES } from '../request/limits.ts';

export interface BodyLimits {
  /** Largest body of any kind, however it arrives (for multipart, counted by request/body-meter.ts). */
  bodyBytes: number;
  /** Largest uploaded file and multipart field: the XML request limit, the largest thing the page takes. */
  fileBytes: number;
}


/**
 * POST bodies (docs/API.md#request-bodies): urlencoded with ASP.NET's decoding (the body becomes an ordered list
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
        // One more than the limit: the reader then knows the value (or file) was cut, and refuses it.
        fieldSize: limits.fileBytes + 1,
        fields: MULTIPART_FIELDS,
        fileSize: limits.fileBytes + 1,
        files: MULTIPART_FILES,
        parts: MULTIPART_FIELDS + MULTIPART_FILES,
        headerPairs: 20,
      },
    });
  },
  { name: 'body-parsers' },
);
