// prisma/schema.prisma (what the Prisma client is generated from) and prisma/migrations (what
// `omis migrate` applies to real databases) must describe the same database. If this fails, the
// schema was changed without a migration: run `npm run migration:new -- <name>` and commit the
// migration it writes (see docs/DATABASE.md).
import { describe, expect, it } from 'vitest';

import { diffMigrationsToSchema, readMigrations } from '../../scripts/lib/schema-diff.ts';

describe('prisma/schema.prisma and prisma/migrations', () => {
  it('there is at least one migration', async () => {
    expect((await readMigrations()).length).toBeGreaterThan(0);
  });

  // Builds an in-memory PGlite from the migrations and asks Prisma's (WebAssembly) schema engine
  // for the SQL still needed to reach schema.prisma: ~6 s, mostly starting PGlite.
  it('describe the same database (the migrations need no further SQL)', { timeout: 60_000 }, async () => {
    const missing = await diffMigrationsToSchema();
    // Comparing with '' shows the missing SQL in the failure message.
    expect(missing, 'schema.prisma differs from the migrations; run `npm run migration:new -- <name>`').toBe('');
  });
});
