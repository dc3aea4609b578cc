import { defineConfig } from 'prisma/config';

// Only `prisma generate` runs here; the URL matters to `prisma migrate` on machines that can run it.
// The Prisma CLI takes the direct connection (DIRECT_URL, as Prisma's guides for poolers name it):
// its schema engine, like `omis migrate`, needs a session of its own. The server itself reads
// DATABASE_URL, which may go through a pooler.
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DIRECT_URL ?? process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/omis' },
});
