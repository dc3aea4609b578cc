import fp from 'fastify-plugin';
import multipart from '@fastify/multipart';
import { parseUrlEncodedBytes } from '../request/aspnet-decode.ts';
import { bodyDecoder } from '../request/charsets.ts';
import { MULTIPART_FIELDS, MULTIPART_FILES } from '../request/limits.ts';

export interface BodyLimits {
  /** Largest body of any kind, however it arrives (for multipart, counted by request/body-meter.ts). */
  bodyBytes: number;
  /** Largest uploaded file and multipart field: the XML request limit, the largest thing the page takes. */
  fileBytes: number;
  /** OMIS_REQUEST_ENCODING: how a body without a charset of its own is decoded. */
  requestEncoding: string;
}

/**
 * POST bodies (docs/API.md#request-bodies): urlencoded with ASP.NET's decoding in the body's character set
 * (the body becomes an ordered list of name/value pairs, repeats kept), and multipart as the stock HTML
 * forms send it (its text fields are decoded in request/collect-params.ts).
 */
export default fp<BodyLimits>(
  async (app, limits) => {
    // Like ASP.NET, the page reads only urlencoded and multipart bodies; any other body (JSON, XML,
    // text, none declared) is read up to the limit and ignored, and the query string still counts.
    // Fastify's own JSON and text parsers would instead refuse such a request or fail on bad JSON.
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: limits.bodyBytes }, (_request, _body, done) => done(null, undefined));
    // The body's bytes are split and decoded in the body's character set (request/charsets.ts): an
    // unknown charset fails the parse with 400, which the page answers with 107.
    app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'buffer', bodyLimit: limits.bodyBytes }, (request, body, done) => {
      try {
        done(null, parseUrlEncodedBytes(body as Buffer, bodyDecoder(request.headers['content-type'], limits.requestEncoding)));
      } catch (error) {
        done(error as Error, undefined);
      }
    });
    await app.register(multipart, {
      throwFileSizeLimit: false,
      // Every part is handed over as bytes, text fields too, so that the page decodes them in the
      // body's character set (request/collect-params.ts, which counts fields and files itself).
      isPartAFile: () => true,
      limits: {
        fieldNameSize: 200,
        // One more than the limit: the reader then knows the value (or file) was cut, and refuses it.
        fieldSize: limits.fileBytes + 1,
        fields: MULTIPART_FIELDS,
        fileSize: limits.fileBytes + 1,
        files: MULTIPART_FIELDS + MULTIPART_FILES,
        parts: MULTIPART_FIELDS + MULTIPART_FILES,
        headerPairs: 20,
      },
    });
  },
  { name: 'body-parsers' },
);
