import type { PrismaClient } from '../generated/prisma/client.ts';
import { createAccount, type NewAccount } from './accounts.ts';
import { loginKey } from './login-key.ts';

/**
 * Loads seed records (a seed file, checked and prepared by cli/seed-file.ts: passwords hashed,
 * times parsed, recipient keys computed) in one transaction: a bad file writes nothing. Records
 * already present (same ID or login) are left as they are, so loading a file twice changes nothing
 * and re-seeding never undoes live changes.
 */
export interface SeedRecords {
  accounts: Array<NewAccount & { passwordHash: string }>;
  launches: SeedLaunch[];
}

export interface SeedLaunch {
  launchId: number;
  owner: string;
  name: string;
  status: number;
  errorCode: number;
  launchCount: number;
  expireTime: Date | null;
  recurSeconds: number | null;
  jobs: SeedJob[];
}

export interface SeedJob {
  jobId: number;
  jobType: string;
  status: number;
  errorCode: number;
  cost: number;
  pointsCharged: number;
  recipients: SeedRecipient[];
}

export interface SeedRecipient {
  emailAddress: string | null;
  emailKey: string | null;
  smsNumber: string | null;
  smsKey: string | null;
  externRefNum: string | null;
  externRefKey: string | null;
  deliveryStatus: string;
}

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

export async function loadSeed(prisma: PrismaClient, seed: SeedRecords): Promise<SeedResult> {
  const result: SeedResult = {
    created: { accounts: 0, launches: 0, jobs: 0, recipients: 0 },
    skipped: { accounts: 0, launches: 0 },
  };
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
          await createAccount(tx, account, account.passwordHash);
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
        const { jobs, owner: _owner, ...fields } = launch;
        await tx.launch.create({ data: { ...fields, ownerId: owner.userId } });
        result.created.launches++;
        for (const { recipients, ...job } of jobs) {
          await tx.job.create({ data: { ...job, launchId: launch.launchId } });
          result.created.jobs++;
          if (recipients.length > 0) {
            await tx.recipient.createMany({ data: recipients.map((recipient) => ({ ...recipient, jobId: job.jobId })) });
            result.created.recipients += recipients.length;
          }
        }
      }
      // Explicit IDs do not move the sequences; new launches and jobs must not collide with them.
      await tx.$executeRawUnsafe(`SELECT setval(pg_get_serial_sequence('launch', 'launch_id'), GREATEST((SELECT max(launch_id) FROM launch), 1))`);
      await tx.$executeRawUnsafe(`SELECT setval(pg_get_serial_sequence('job', 'job_id'), GREATEST((SELECT max(job_id) FROM job), 1))`);
    },
    { timeout: 120_000, maxWait: 10_000 },
  );
  return result;
}
