import type { Prisma, PrismaClient } from '../../generated/prisma/client.ts';

/**
 * One action, one transaction. Row locks (SELECT … FOR UPDATE in job-machine.ts LOCK_ORDER) make
 * concurrent actions on one record queue up, so the result equals some serial order on PGlite, on
 * PostgreSQL and across server instances. Waits are longer than Prisma's defaults because dozens of
 * requests on one record queue behind each other's locks by design.
 */
export const ACTION_TRANSACTION = { maxWait: 10_000, timeout: 20_000 } as const;

export function inActionTransaction<T>(prisma: PrismaClient, work: (tx: Prisma.TransactionClient) => Promise<T>): Promise<T> {
  return prisma.$transaction(work, ACTION_TRANSACTION);
}
