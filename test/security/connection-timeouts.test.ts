import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { databaseKind, pageUrl, useListeningApp } from '../helper.ts';
import { logins } from '../fixtures/standard-seed.ts';

/**
 * Idle keep-alive connections and slow clients, over raw sockets. The app is built as `omis serve`
 * builds it (buildApp with fastifyOptions), so these are the server's own settings.
 */

/** A socket that collects what it receives; `answers` counts complete XML answers. */
function connection(origin: string) {
  const { hostname, port } = new URL(origin);
  const socket = net.connect(Number(port), hostname);
  const state = { received: '', closed: false };
  socket.on('data', (chunk) => (state.received += chunk.toString('utf8')));
  socket.on('error', () => {});
  const closed = new Promise<void>((resolve) => socket.once('close', () => ((state.closed = true), resolve())));
  const until = async (test: () => boolean) => {
    while (!test() && !state.closed) await sleep(20);
  };
  return {
    socket,
    state,
    closed,
    answers: () => state.received.split('</RESPONSE>').length - 1,
    async request(path: string) {
      const before = state.received.split('</RESPONSE>').length - 1;
      socket.write(`GET ${path} HTTP/1.1\r\nHost: ${hostname}\r\n\r\n`);
      await until(() => state.received.split('</RESPONSE>').length - 1 > before);
    },
  };
}

const query = pageUrl({ ...logins.mkt, LaunchID: '5001' });

describe(`idle keep-alive connections (${databaseKind})`, () => {
  const t = useListeningApp();

  it('sets the keep-alive timeout the configuration gives (120 s by default) on the server the app listens with', () => {
    expect(t.config.OMIS_KEEPALIVE_SECONDS).toBe(120);
    expect(t.app.server.keepAliveTimeout).toBe(120_000);
    expect(t.app.server.requestTimeout).toBe(30_000);
    expect(t.app.server.headersTimeout).toBe(30_000);
  });

  it('serves a second request on a connection idle for 15 s', { timeout: 40_000 }, async () => {
    const client = connection(t.origin);
    await client.request(query);
    expect(client.answers()).toBe(1);
    await sleep(15_000);
    expect(client.state.closed, 'the server closed the idle connection').toBe(false);
    await client.request(query);
    expect(client.answers()).toBe(2);
    expect(client.state.received.match(/HTTP\/1\.1 200 OK/g)).toHaveLength(2);
    client.socket.destroy();
  });
});

describe(`slow clients with OMIS_REQUEST_TIMEOUT_SECONDS=1 (${databaseKind})`, () => {
  const t = useListeningApp({ env: { OMIS_REQUEST_TIMEOUT_SECONDS: '1', OMIS_KEEPALIVE_SECONDS: '120' } });

  it('cuts off a client trickling its headers (slowloris), long before it would have finished', { timeout: 30_000 }, async () => {
    const client = connection(t.origin);
    client.socket.write(`GET ${query} HTTP/1.1\r\nHost: x\r\n`);
    // One header line every 200 ms for up to 20 s, never ending the header block.
    let sent = 0;
    while (!client.state.closed && sent < 100) {
      client.socket.write(`X-Slow-${sent}: ${'a'.repeat(10)}\r\n`);
      sent++;
      await sleep(200);
    }
    await client.closed;
    expect(sent, 'the server let the headers trickle for 20 s').toBeLessThan(100);
    expect(client.state.received).toMatch(/^HTTP\/1\.1 408 /);
    expect(client.state.received).toContain('<ErrorCode>107</ErrorCode><ErrorMSG>Malformed request</ErrorMSG>');
  });

  it('cuts off a client that sends a request line and nothing more', { timeout: 30_000 }, async () => {
    const client = connection(t.origin);
    client.socket.write(`GET ${query} HTTP/1.1\r\n`);
    await Promise.race([client.closed, sleep(20_000)]);
    expect(client.state.closed).toBe(true);
  });

  it('still keeps an idle keep-alive connection longer than the request timeout', { timeout: 30_000 }, async () => {
    const client = connection(t.origin);
    await client.request(query);
    await sleep(3000);
    expect(client.state.closed).toBe(false);
    await client.request(query);
    expect(client.answers()).toBe(2);
    client.socket.destroy();
  });
});
