import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Raw HTTP/1.1 over a socket, for what a client library would not send: raw bytes in the request
 * line, hostile header blocks, requests split over several writes, several requests on one connection.
 */
export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  text: string;
}

/** Sends the chunks (pausing `pauseMs` between them) and reads until the server closes the connection. */
export function rawExchange(port: number, chunks: Array<string | Buffer>, pauseMs = 60, waitMs = 10_000): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.setNoDelay(true);
    const received: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`the server kept the connection open for ${waitMs} ms: ${Buffer.concat(received).toString('utf8').slice(0, 300)}`));
    }, waitMs);
    socket.on('data', (chunk) => received.push(chunk));
    socket.on('error', () => {});
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(received));
    });
    void (async () => {
      for (const [i, chunk] of chunks.entries()) {
        if (i > 0) await sleep(pauseMs);
        if (!socket.destroyed) socket.write(typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk);
      }
    })();
  });
}

/** The responses in the bytes a connection received, in order (bodies by Content-Length; none for the answers to HEAD, by index). */
export function parseResponses(bytes: Buffer, heads: number[] = []): RawResponse[] {
  const responses: RawResponse[] = [];
  let at = 0;
  while (at < bytes.length) {
    const end = bytes.indexOf('\r\n\r\n', at);
    if (end < 0) throw new Error(`an incomplete response: ${bytes.subarray(at).toString('latin1').slice(0, 200)}`);
    const [statusLine, ...lines] = bytes.subarray(at, end).toString('latin1').split('\r\n');
    const headers: Record<string, string> = {};
    for (const line of lines) headers[line.slice(0, line.indexOf(':')).toLowerCase()] = line.slice(line.indexOf(':') + 1).trim();
    const length = heads.includes(responses.length) ? 0 : Number(headers['content-length'] ?? 0);
    const body = bytes.subarray(end + 4, end + 4 + length);
    responses.push({ status: Number(statusLine!.split(' ')[1]), headers, body, text: body.toString('utf8') });
    at = end + 4 + length;
  }
  return responses;
}
