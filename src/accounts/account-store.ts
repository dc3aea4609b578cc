import type { Prisma, PrismaClient } from '../generated/prisma/client.ts';
import { hashPassword } from '../auth/password.ts';
import { loginKey } from '../store/login-key.ts';

type Tx = Prisma.TransactionClient | PrismaClient;

export interface NewAccount {
  login: string;
  password: string;
  userId: number;
  customerId: string;
  /** Login of the parent account, or null for a root. */
  parent: string | null;
  licences: string[];
  points?: number;
}

export class AccountError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AccountError';
  }
}

/**
 * Creates an account and its rows in the tree's closure table (itself at depth 0, then every
 * ancestor of its parent), so ownership checks stay a single key lookup.
 */
export async function createAccount(tx: Tx, account: NewAccount, passwordHash?: string): Promise<void> {
  let parentId: number | null = null;
  let rootId = account.userId;
  if (account.parent !== null) {
    const parent = await tx.account.findUnique({ where: { loginKey: loginKey(account.parent) } });
    if (!parent) throw new AccountError(`parent account "${account.parent}" does not exist`);
    parentId = parent.userId;
    rootId = parent.rootId;
  }
  if (account.points && parentId !== null) {
    throw new AccountError('points belong to the root account of a tree; a sub-account has none');
  }
  await tx.account.create({
    data: {
      userId: account.userId,
      login: account.login.trim(),
      loginKey: loginKey(account.login),
      passwordHash: passwordHash ?? (await hashPassword(account.password)),
      customerId: account.customerId,
      parentId,
      rootId,
      licences: account.licences,
      points: account.points ?? 0,
    },
  });
  await tx.$executeRaw`
    INSERT INTO account_closure (ancestor_id, descendant_id, depth)
    SELECT ${account.userId}::int, ${account.userId}::int, 0
    UNION ALL
    SELECT ancestor_id, ${account.userId}::int, depth + 1 FROM account_closure WHERE descendant_id = ${parentId}::int`;
}

export async function findAccount(tx: Tx, login: string) {
  return tx.account.findUnique({ where: { loginKey: loginKey(login) } });
}

export async function setPassword(tx: Tx, login: string, password: string): Promise<void> {
  const account = await findAccount(tx, login);
  if (!account) throw new AccountError(`account "${login}" does not exist`);
  await tx.account.update({ where: { userId: account.userId }, data: { passwordHash: await hashPassword(password) } });
}

/** Adds (or with a negative amount, removes) points on the root of the login's tree. */
export async function addPoints(prisma: PrismaClient, login: string, amount: number): Promise<{ root: string; balance: number }> {
  return prisma.$transaction(async (tx) => {
    const account = await findAccount(tx, login);
    if (!account) throw new AccountError(`account "${login}" does not exist`);
    const rows = await tx.$queryRaw<Array<{ login: string; points: number }>>`
      UPDATE account SET points = points + ${amount}::int
       WHERE user_id = ${account.rootId}::int AND points + ${amount}::int >= 0
       RETURNING login, points`;
    const row = rows[0];
    if (!row) throw new AccountError('the balance cannot go below zero');
    return { root: row.login, balance: row.points };
  });
}
