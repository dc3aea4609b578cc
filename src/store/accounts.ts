import type { Prisma, PrismaClient } from '../generated/prisma/client.ts';
import { functionStatement, type SqlConnection } from '../db/database.ts';
import { loginKey } from './login-key.ts';

/**
 * Manager accounts and their tree. Accounts are administered (created, given a password or points)
 * through Prisma's typed client, from the command line and seed files; the page reads them in its
 * one read (store/request-read.ts) and takes points inside an action's transaction, through the
 * driver like every page statement.
 */
export interface AccountRow {
  user_id: number;
  login: string;
  password_hash: string;
  customer_id: string;
  root_id: number;
  licences: string[];
}

type Tx = Prisma.TransactionClient | PrismaClient;

export interface NewAccount {
  login: string;
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
 * Creates an account (its password already hashed) and its rows in the tree's closure table
 * (itself at depth 0, then every ancestor of its parent), so ownership stays a single key lookup.
 */
export async function createAccount(tx: Tx, account: NewAccount, passwordHash: string): Promise<void> {
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
      passwordHash,
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

export async function countAccounts(prisma: PrismaClient): Promise<number> {
  return prisma.account.count();
}

export async function setPasswordHash(prisma: PrismaClient, login: string, passwordHash: string): Promise<void> {
  const account = await findAccount(prisma, login);
  if (!account) throw new AccountError(`account "${login}" does not exist`);
  await prisma.account.update({ where: { userId: account.userId }, data: { passwordHash } });
}

/** Adds (or with a negative amount, removes) points on the root of the login's tree; the balance never goes below zero. */
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

/**
 * Takes `amount` points from the root of `ownerId`'s tree when its balance covers it: one
 * conditional UPDATE, which locks the root row and checks the balance in the same statement, so
 * concurrent restarts can never spend the same points twice. Short, the root row is locked all the
 * same (FOR UPDATE), and `balance` is the balance the refusal was judged on. Callers hold their
 * launch and job locks first: every writer locks launch, then jobs, then the root account.
 */
export async function takeRootPoints(tx: SqlConnection, ownerId: number, amount: number): Promise<{ ok: boolean; balance: number }> {
  const taken = await tx.query<{ points: number }>(TAKE_ROOT_POINTS, [ownerId, amount]);
  if (taken[0]) return { ok: true, balance: taken[0].points };
  const root = await lockRootAccount(tx, ownerId);
  return { ok: false, balance: root?.points ?? 0 };
}

/** The root account of `ownerId`'s tree, locked (its points are about to be judged or spent). */
export async function lockRootAccount(tx: SqlConnection, ownerId: number): Promise<{ user_id: number; points: number } | undefined> {
  return (await tx.query<{ user_id: number; points: number }>(LOCK_ROOT_ACCOUNT, [ownerId]))[0];
}

export const TAKE_ROOT_POINTS = functionStatement(
  'take_root_points',
  ['integer', 'integer'],
  `UPDATE account SET points = points - $2::int
    WHERE user_id = (SELECT root_id FROM account WHERE user_id = $1::int) AND points >= $2::int
    RETURNING points`,
);

export const LOCK_ROOT_ACCOUNT = functionStatement(
  'lock_root_account',
  ['integer'],
  `SELECT r.user_id, r.points FROM account r
    WHERE r.user_id = (SELECT o.root_id FROM account o WHERE o.user_id = $1::int)
      FOR UPDATE OF r`,
);
