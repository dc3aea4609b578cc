import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/omis.ts';

/** The command line with PostgreSQL down: one clear line and exit code 1, never a stack trace. */
describe('omis commands while the database is down', () => {
  const saved = process.env.DATABASE_URL;
  let port: number;

  beforeAll(async () => {
    // A port that was free a moment ago: nothing listens there, so connecting is refused.
    port = await new Promise<number>((resolve) => {
      const server = net.createServer().listen(0, '127.0.0.1', () => {
        const { port: p } = server.address() as net.AddressInfo;
        server.close(() => resolve(p));
      });
    });
    process.env.DATABASE_URL = `postgresql://postgres@127.0.0.1:${port}/postgres`;
  });
  afterAll(() => {
    if (saved === undefined) delete process.env.DATABASE_URL;
    else process.env.DATABASE_URL = saved;
  });

  it.each([
    [['migrate']],
    [['account', 'unlock', 'acme-mkt']],
    [['account', 'points', 'acme', '10']],
  ])('omis %s answers one line', async (argv) => {
    const err = vi.spyOn(console, 'error').mockImplementation(() => {});
    const out = vi.spyOn(console, 'log').mockImplementation(() => {});
    try {
      expect(await main(argv)).toBe(1);
      const printed = err.mock.calls.flat().join('\n');
      // pg's words (migrate) or Prisma's driver adapter's (everything through the Prisma client).
      expect([
        `omis ${argv[0]}: database not reachable (connect ECONNREFUSED 127.0.0.1:${port})`,
        `omis ${argv[0]}: database not reachable (can't reach the database server at 127.0.0.1:${port})`,
      ]).toContain(printed);
    } finally {
      err.mockRestore();
      out.mockRestore();
    }
  });
});
