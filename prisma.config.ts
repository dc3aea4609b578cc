import { defineConfig } from 'prisma/config';

// Only `prisma generate` runs here; the URL matters to `prisma migrate` on machines that can run it.
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/omis' },
});
