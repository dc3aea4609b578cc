import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { buildTestApp, databaseKind, seedWith, type TestApp } from '../helper.ts';
import { expectSchemaValid, hasXmllint, skipNote } from '../xml-schema.ts';
import { CLIENTS } from './clients.ts';
import type { CompatCase } from './compat-case.ts';
import type { CompatAnswer } from './compat-request.ts';
import { compatSeed, DOCUMENT_CASES } from './document-cases.ts';
import { CLIENT_FIDELITY_CASES } from './client-fidelity-cases.ts';

/**
 * The page driven over real HTTP by clients the server's authors did not write (clients.ts), with
 * the original document's requests (document-cases.ts). Each client gets a server and a database of
 * its own, seeded alike, and sends every case's requests in one batch, in list order; each case is
 * then checked on its own answers. Every XML answer must also validate against the published schema.
 * The requests are one scripted session that changes the records as it goes (each case acts on
 * records no later case reads), so the database is the session's own, not a fixture shared by tests.
 */
const CASES: CompatCase[] = [...DOCUMENT_CASES, ...CLIENT_FIDELITY_CASES];

for (const client of CLIENTS) {
  const title = `${client.name} against a listening server (${databaseKind})${skipNote(!client.missing, client.missing ?? '')}`;
  describe.skipIf(client.missing !== undefined)(title, () => {
    let t: TestApp;
    afterAll(async () => t?.close());
    const cases = CASES.filter((c) => !c.clients || c.clients.includes(client.name));
    const answers = new Map<CompatCase, CompatAnswer[]>();

    beforeAll(async () => {
      t = await buildTestApp();
      await seedWith(t.db, compatSeed);
      await t.app.listen({ port: 0, host: '127.0.0.1' });
      const { port } = t.app.server.address() as AddressInfo;
      const requests = cases.flatMap((c) => c.requests);
      const all = await client.send(`http://127.0.0.1:${port}`, requests);
      if (all.length !== requests.length) throw new Error(`${client.name} answered ${all.length} of ${requests.length} requests`);
      let next = 0;
      for (const c of cases) {
        answers.set(c, all.slice(next, next + c.requests.length));
        next += c.requests.length;
      }
    }, 120_000);

    for (const c of cases) {
      it(c.name, async () => {
        const got = answers.get(c)!;
        await c.check(got);
        if (!hasXmllint) return;
        // (An answer to HEAD has an XML type and no body.)
        for (const answer of got) if (answer.headers['content-type']?.includes('xml') && answer.body.length > 0) await expectSchemaValid(answer.body);
      });
    }
  });
}
