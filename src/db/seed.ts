import { z } from 'zod';
import type { PrismaClient } from '../generated/prisma/client.ts';
import { createAccount } from '../accounts/account-store.ts';
import { loginKey } from '../store/login-key.ts';
import { hashPassword } from '../auth/password.ts';
import { parseExpireTime } from '../tasks/expire-time.ts';
import { emailKey, phoneKey, refKey } from '../recipients/recipient-keys.ts';

/**
 * The seed file (CONTRACT.md §11). IDs are explicit so clients and tests can name them. Loading is
 * one transaction: a bad file writes nothing. Records already present (same ID or login) are left as
 * they are, so loading a file twice changes nothing, and re-seeding never undoes live changes.
 */
const int = z.number().int();
const recipientSchema = z.strictObject({
  emailAddress: z.string().optional(),
  smsNumber: z.string().optional(),
  externRefNum: z.string().optional(),
  deliveryStatus: z.string().min(1).default('PENDING'),
});
const jobSchema = z.strictObject({
  jobId: int.min(1),
  jobType: z.enum(['EMAIL', 'SMS']),
  status: int.min(0).max(8),
  errorCode: int.min(-2).default(0),
  cost: int.min(0).default(0),
  pointsCharged: int.min(0).optional(),
  recipients: z.array(recipientSchema).default([]),
});
const launchSchema = z.strictObject({
  launchId: int.min(1),
  owner: z.string().min(1),
  name: z.string(),
  status: z.union([int.min(0).max(3), z.literal(99)]),
  errorCode: int.min(-2).default(0),
  launchCount: int.min(0).default(0),
  expireTime: z.string().nullable().optional(),
  recurSeconds: int.min(1).nullable().optional(),
  jobs: z.array(jobSchema).default([]),
});
const accountSchema = z.strictObject({
  login: z.string().trim().min(1),
  password: z.string().min(1),
  userId: int.min(1),
  customerId: z.string().min(1),
  parent: z.string().nullable().default(null),
  licences: z.array(z.string()).default([]),
  points: int.min(0).optional(),
});
export const seedSchema = z.strictObject({
  accounts: z.array(accountSchema).default([]),
  launches: z.array(launchSchema).default([]),
});
export type SeedFile = z.output<typeof seedSchema>;

export class SeedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SeedError';
  }
}

export interface SeedResult {
  created: { accounts: number; launches: number; jobs: number; recipients: number };
  skipped: { accounts: number; launches: number };
}

function where(path: ReadonlyArray<PropertyKey>): string {
  return path.map((part, i) => (typeof part === 'number' ? `[${part}]` : `${i === 0 ? '' : '.'}${String(part)}`)).join('');
}

/** Parses and checks a seed document; every problem names its entry, e.g. `launches[0].jobs[1].jobType`. */
export function parseSeed(json: unknown, timeZone: string): SeedFile {
  const result = seedSchema.safeParse(json);
  if (!result.success) {
    throw new SeedError(result.error.issues.map((issue) => `${where(issue.path)}: ${issue.message}`).join('\n'));
  }
  const seed = result.data;
  const problems: string[] = [];
  const logins = new Set<string>();
  const userIds = new Set<number>();
  seed.accounts.forEach((account, i) => {
    const key = loginKey(account.login);
    if (logins.has(key)) problems.push(`accounts[${i}].login: "${account.login}" appears twice`);
    if (userIds.has(account.userId)) problems.push(`accounts[${i}].userId: ${account.userId} appears twice`);
    if (account.points && account.parent !== null) problems.push(`accounts[${i}].points: only a root account (parent null) holds points`);
    logins.add(key);
    userIds.add(account.userId);
  });
  const launchIds = new Set<number>();
  const jobIds = new Set<number>();
  seed.launches.forEach((launch, i) => {
    if (launchIds.has(launch.launchId)) problems.push(`launches[${i}].launchId: ${launch.launchId} appears twice`);
    launchIds.add(launch.launchId);
    if (launch.expireTime && !parseExpireTime(launch.expireTime, timeZone)) {
      problems.push(`launches[${i}].expireTime: "${launch.expireTime}" is not yyyy-MM-dd HH:mm:ss`);
    }
    launch.jobs.forEach((job, j) => {
      if (jobIds.has(job.jobId)) problems.push(`launches[${i}].jobs[${j}].jobId: ${job.jobId} appears twice`);
      jobIds.add(job.jobId);
    });
  });
  if (problems.length > 0) throw new SeedError(problems.join('\n'));
  return seed;
}

export async function loadSeed(prisma: PrismaClient, seed: SeedFile, timeZone: string): Promise<SeedResult> {
  const result: SeedResult = {
    created: { accounts: 0, launches: 0, jobs: 0, recipients: 0 },
    skipped: { accounts: 0, launches: 0 },
  };
  // argon2 is slow: hash outside the transaction so it stays short.
  const hashes = await Promise.all(seed.accounts.map((account) => hashPassword(account.password)));
  await prisma.$transaction(
    async (tx) => {
      for (const [i, account] of seed.accounts.entries()) {
        const existing = await tx.account.findFirst({
          where: { OR: [{ userId: account.userId }, { loginKey: loginKey(account.login) }] },
        });
        if (existing) {
          if (existing.userId !== account.userId || existing.loginKey !== loginKey(account.login)) {
            throw new SeedError(`accounts[${i}]: login "${account.login}" or userId ${account.userId} belongs to another account`);
          }
          result.skipped.accounts++;
          continue;
        }
        try {
          await createAccount(tx, account, hashes[i]);
        } catch (error) {
          throw new SeedError(`accounts[${i}]: ${(error as Error).message}`);
        }
        result.created.accounts++;
      }
      for (const [i, launch] of seed.launches.entries()) {
        const owner = await tx.account.findUnique({ where: { loginKey: loginKey(launch.owner) } });
        if (!owner) throw new SeedError(`launches[${i}].owner: account "${launch.owner}" does not exist`);
        if (await tx.launch.findUnique({ where: { launchId: launch.launchId } })) {
          result.skipped.launches++;
          continue;
        }
        const clash = await tx.job.findFirst({ where: { jobId: { in: launch.jobs.map((job) => job.jobId) } } });
        if (clash) throw new SeedError(`launches[${i}]: jobId ${clash.jobId} already belongs to launch ${clash.launchId}`);
        await tx.launch.create({
          data: {
            launchId: launch.launchId,
            ownerId: owner.userId,
            name: launch.name,
            status: launch.status,
            errorCode: launch.errorCode,
            launchCount: launch.launchCount,
            expireTime: launch.expireTime ? parseExpireTime(launch.expireTime, timeZone)! : null,
            recurSeconds: launch.recurSeconds ?? null,
          },
        });
        result.created.launches++;
        for (const job of launch.jobs) {
          await tx.job.create({
            data: {
              jobId: job.jobId,
              launchId: launch.launchId,
              jobType: job.jobType,
              status: job.status,
              errorCode: job.errorCode,
              cost: job.cost,
              // A finished job has paid in full; otherwise what the file says (nothing by default).
              pointsCharged: job.pointsCharged ?? (job.status === 0 && job.errorCode === 0 ? job.cost : 0),
            },
          });
          result.created.jobs++;
          if (job.recipients.length > 0) {
            await tx.recipient.createMany({
              data: job.recipients.map((recipient) => ({
                jobId: job.jobId,
                emailAddress: recipient.emailAddress ?? null,
                emailKey: recipient.emailAddress ? (emailKey(recipient.emailAddress) ?? null) : null,
                smsNumber: recipient.smsNumber ?? null,
                smsKey: recipient.smsNumber ? (phoneKey(recipient.smsNumber) ?? null) : null,
                externRefNum: recipient.externRefNum ?? null,
                externRefKey: recipient.externRefNum ? (refKey(recipient.externRefNum) ?? null) : null,
                deliveryStatus: recipient.deliveryStatus.toUpperCase(),
              })),
            });
            result.created.recipients += job.recipients.length;
          }
        }
      }
      // Explicit IDs do not move the sequences; new launches and jobs must not collide with them.
      await tx.$executeRawUnsafe(
        `SELECT setval(pg_get_serial_sequence('launch', 'launch_id'), GREATEST((SELECT max(launch_id) FROM launch), 1))`,
      );
      await tx.$executeRawUnsafe(`SELECT setval(pg_get_serial_sequence('job', 'job_id'), GREATEST((SELECT max(job_id) FROM job), 1))`);
    },
    { timeout: 120_000, maxWait: 10_000 },
  );
  return result;
}
