import { z } from 'zod';
import type { PrismaClient } from '../generated/prisma/client.ts';
import { loadSeed, SeedError, type SeedRecords, type SeedResult } from '../store/seed.ts';
import { loginKey } from '../store/login-key.ts';
import { hashPassword } from '../auth/password.ts';
import { parseExpireTime } from '../request/expire-time.ts';
import { emailKey, phoneKey, refKey } from '../request/recipient-keys.ts';

/**
 * The seed file (docs/API.md#seed-file): accounts and launches with their jobs and recipients, IDs
 * explicit so that clients and tests can name them. Checked here with messages naming the entry
 * (`launches[0].jobs[1].jobType: …`), prepared (passwords hashed, ExpireTimes read in OMIS_TIMEZONE,
 * recipient keys computed) and loaded by store/seed.ts in one transaction.
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

export { SeedError };

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

/** The file's records as the store writes them. argon2 is slow: passwords are hashed here, before the transaction. */
export async function seedRecords(seed: SeedFile, timeZone: string): Promise<SeedRecords> {
  const hashes = await Promise.all(seed.accounts.map((account) => hashPassword(account.password)));
  return {
    accounts: seed.accounts.map(({ password: _password, ...account }, i) => ({ ...account, passwordHash: hashes[i]! })),
    launches: seed.launches.map((launch) => ({
      ...launch,
      expireTime: launch.expireTime ? parseExpireTime(launch.expireTime, timeZone)! : null,
      recurSeconds: launch.recurSeconds ?? null,
      jobs: launch.jobs.map((job) => ({
        ...job,
        // A finished job has paid in full; otherwise what the file says (nothing by default).
        pointsCharged: job.pointsCharged ?? (job.status === 0 && job.errorCode === 0 ? job.cost : 0),
        recipients: job.recipients.map((recipient) => ({
          emailAddress: recipient.emailAddress ?? null,
          emailKey: recipient.emailAddress ? (emailKey(recipient.emailAddress) ?? null) : null,
          smsNumber: recipient.smsNumber ?? null,
          smsKey: recipient.smsNumber ? (phoneKey(recipient.smsNumber) ?? null) : null,
          externRefNum: recipient.externRefNum ?? null,
          externRefKey: recipient.externRefNum ? (refKey(recipient.externRefNum) ?? null) : null,
          deliveryStatus: recipient.deliveryStatus.toUpperCase(),
        })),
      })),
    })),
  };
}

/** Checks, prepares and loads a seed document (parsed JSON). */
export async function seedDatabase(prisma: PrismaClient, json: unknown, timeZone: string): Promise<SeedResult> {
  return loadSeed(prisma, await seedRecords(parseSeed(json, timeZone), timeZone));
}
