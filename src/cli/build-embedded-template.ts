import { openDatabase } from '../db/database.ts';
import { buildEmbeddedTemplate, TEMPLATE_FILE } from '../db/embedded-template.ts';
import { migrate } from '../db/migrate.ts';

/** Run by `npm run build:template` (part of npm ci's postinstall): see db/embedded-template.ts. */
await buildEmbeddedTemplate(async (pglite) => {
  const db = await openDatabase({ pglite });
  await migrate(db);
  await db.prisma.$disconnect();
});
console.log(`embedded database template written to ${TEMPLATE_FILE}`);
