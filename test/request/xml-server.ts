import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local HTTP server (127.0.0.1, a free port) that serves XML request documents and misbehaves
 * on purpose, for the XmlReqUrl tests: redirects, slowness, endless and oversized bodies, wrong
 * types, compression, errors, connections cut mid-body. It records every request it receives, so
 * tests can prove that a refused URL was never fetched.
 */
export const GOOD_XML = '<?xml version="1.0" encoding="utf-8"?><REQUEST><ManagerLoginName>acme-mkt</ManagerLoginName><ManagerPassword>mkt-pass</ManagerPassword><LaunchID>5001</LaunchID></REQUEST>';

export interface XmlServer {
  port: number;
  /** `http://127.0.0.1:PORT` */
  origin: string;
  requests: Array<{ path: string; host: string | undefined }>;
  close(): Promise<void>;
}

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

export async function startXmlServer(routes: Record<string, Handler> = {}): Promise<XmlServer> {
  const requests: XmlServer['requests'] = [];
  const timers = new Set<NodeJS.Timeout>();
  const every = (ms: number, fn: () => void) => {
    const timer = setInterval(fn, ms);
    timers.add(timer);
    return timer;
  };
  const standard: Record<string, Handler> = {
    '/ok.xml': (_req, res) => res.writeHead(200, { 'content-type': 'text/xml; charset=utf-8' }).end(GOOD_XML),
    '/OK.XML': (_req, res) => res.writeHead(200, { 'content-type': 'application/xml' }).end(GOOD_XML),
    '/plain.xml': (_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end(GOOD_XML),
    '/untyped.xml': (_req, res) => {
      res.removeHeader('content-type');
      res.writeHead(200).end(GOOD_XML);
    },
    '/with-query.xml': (_req, res) => res.writeHead(200, { 'content-type': 'text/xml' }).end(GOOD_XML),
    '/redirect.xml': (_req, res) => res.writeHead(302, { location: '/ok.xml' }).end(),
    '/redirect-301.xml': (_req, res) => res.writeHead(301, { location: 'http://169.254.169.254/latest/meta-data.xml' }).end(),
    '/missing.xml': (_req, res) => res.writeHead(404, { 'content-type': 'text/html' }).end('<h1>Not Found</h1>'),
    '/error.xml': (_req, res) => res.writeHead(500).end(),
    '/html.xml': (_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html><body>login</body></html>'),
    '/json.xml': (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"a":1}'),
    '/gzip.xml': (_req, res) => res.writeHead(200, { 'content-type': 'text/xml', 'content-encoding': 'gzip' }).end(Buffer.alloc(20)),
    '/not-xml.xml': (_req, res) => res.writeHead(200, { 'content-type': 'text/xml' }).end('ManagerLoginName=acme'),
    '/doctype.xml': (_req, res) =>
      res.writeHead(200, { 'content-type': 'text/xml' }).end('<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><REQUEST><a>&x;</a></REQUEST>'),
    // Declares more than any limit allows.
    '/declared-huge.xml': (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/xml', 'content-length': String(1024 * 1024 * 1024) });
      res.write('<REQUEST>');
    },
    // Chunked, no length, and never ends: only counting while streaming stops it.
    '/endless.xml': (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/xml' });
      res.write('<REQUEST><a>');
      const chunk = 'x'.repeat(16 * 1024);
      const timer = every(1, () => {
        if (res.destroyed || res.writableEnded) return clearInterval(timer);
        res.write(chunk);
      });
    },
    // Never answers at all.
    '/silent.xml': () => {},
    // Answers headers, then one byte at a time, forever (slowloris in reverse).
    '/trickle.xml': (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/xml' });
      const timer = every(50, () => {
        if (res.destroyed || res.writableEnded) return clearInterval(timer);
        res.write(' ');
      });
    },
    // Cut off in the middle of the promised body.
    '/cut.xml': (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/xml', 'content-length': '1000' });
      res.write('<REQUEST><a>1</a>', () => res.destroy());
    },
  };
  const table = { ...standard, ...routes };
  const sockets = new Set<import('node:net').Socket>();
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    requests.push({ path, host: req.headers.host });
    const handler = table[path];
    if (handler) handler(req, res);
    else res.writeHead(404).end();
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    origin: `http://127.0.0.1:${port}`,
    requests,
    async close() {
      for (const timer of timers) clearInterval(timer);
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
