import { z } from 'zod';
import { charsetName, isUtf7 } from './charset-names.ts';

/**
 * The Web.config equivalent (docs/API.md#configuration): environment variables, typed and validated
 * once at start-up. A bad value stops start-up with a message naming the variable.
 */

const HTTP_METHODS = ['GET', 'POST'] as const;
export type AllowedMethod = (typeof HTTP_METHODS)[number];

const RETURN_TYPES = ['XML', 'CSV', 'FILE', 'XMLFILE'] as const;
export type ReturnTypeName = (typeof RETURN_TYPES)[number];

const commaList = (value: string): string[] =>
  value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');

/** A comma list of host names, lower-cased; `*` means any host. */
const hostList = z
  .string()
  .default('')
  .transform(commaList)
  .transform((hosts) => hosts.map((host) => host.toLowerCase()))
  .refine((hosts) => hosts.every((host) => host === '*' || /^[a-z0-9.\-:[\]]+$/.test(host)), {
    message: 'must be a comma-separated list of host names (or *)',
  });

const integer = (fallback: number, min: number, max: number) =>
  z
    .string()
    .default(String(fallback))
    .refine((value) => /^\d+$/.test(value.trim()), { message: 'must be a whole number' })
    .transform((value) => Number(value.trim()))
    .refine((value) => value >= min && value <= max, { message: `must be between ${min} and ${max}` });

const FLAG_WORDS = new Map<string, boolean>([
  ['true', true], ['1', true], ['yes', true], ['on', true],
  ['false', false], ['0', false], ['no', false], ['off', false],
]);

const flag = (fallback: boolean) =>
  z
    .string()
    .default(fallback ? 'true' : 'false')
    .transform((value) => value.trim().toLowerCase())
    .refine((value) => FLAG_WORDS.has(value), { message: 'must be true or false' })
    .transform((value) => FLAG_WORDS.get(value)!);

/** A flag whose default depends on other variables: undefined when unset (or blank). */
const optionalFlag = z
  .string()
  .optional()
  .transform((value) => value?.trim().toLowerCase() || undefined)
  .refine((value) => value === undefined || FLAG_WORDS.has(value), { message: 'must be true or false' })
  .transform((value) => (value === undefined ? undefined : FLAG_WORDS.get(value)!));

const isTimeZone = (zone: string): boolean => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
};

/** An optional postgresql:// URL; blank counts as unset. */
const postgresUrl = (unsetMeans: string) =>
  z
    .string()
    .optional()
    .transform((value) => (value?.trim() ? value.trim() : undefined))
    .refine((value) => value === undefined || /^postgres(ql)?:\/\//.test(value), {
      message: `must be a postgresql:// URL (or unset ${unsetMeans})`,
    });

const envSchema = z.object({
  PORT: integer(8080, 0, 65535),
  HOST: z.string().trim().min(1).default('127.0.0.1'),
  DATABASE_URL: postgresUrl('for the embedded database'),
  /**
   * The same database without a pooler in between, for what needs a session of its own (`omis
   * migrate` holds an advisory lock across transactions). Prisma's name for it, as in prisma.config.ts.
   */
  DIRECT_URL: postgresUrl('to use DATABASE_URL'),
  /**
   * Prepare the page's read on each database connection (docs/PERFORMANCE.md#prepared-statements).
   * Default: on when DATABASE_URL goes straight to PostgreSQL, off when DIRECT_URL is set (so
   * DATABASE_URL goes through a pooler, which may not carry prepared statements between clients).
   */
  OMIS_PREPARED_STATEMENTS: optionalFlag,
  OMIS_DATA_DIR: z.string().trim().min(1).default('./.omis'),
  OMIS_ALLOWED_METHODS: z
    .string()
    .default('GET,POST')
    .transform(commaList)
    .transform((methods) => methods.map((method) => method.toUpperCase()))
    .refine((methods) => methods.length > 0, { message: 'must name at least one method' })
    .refine((methods) => methods.every((method) => (HTTP_METHODS as readonly string[]).includes(method)), {
      message: 'may only contain GET and POST',
    })
    .transform((methods) => methods as AllowedMethod[]),
  OMIS_REDIRECT_HOSTS: hostList,
  OMIS_XMLREQURL_HOSTS: hostList,
  OMIS_TIMEZONE: z
    .string()
    .trim()
    .default('Asia/Taipei')
    .refine(isTimeZone, { message: 'must be an IANA time zone such as Asia/Taipei' }),
  OMIS_XML_MAX_BYTES: integer(262144, 1024, 64 * 1024 * 1024),
  OMIS_SECRET: z
    .string()
    .optional()
    .transform((value) => (value?.trim() ? value.trim() : undefined))
    .refine((value) => value === undefined || value.length >= 16, {
      message: 'must be at least 16 characters',
    }),
  OMIS_DEFAULT_RETURN_TYPE: z
    .string()
    .trim()
    .default('XML')
    .transform((value) => value.toUpperCase())
    .refine((value) => (RETURN_TYPES as readonly string[]).includes(value), {
      message: 'must be XML, CSV, FILE or XMLFILE',
    })
    .transform((value) => value as ReturnTypeName),
  /** How long a verified password is trusted without running argon2 again. 0 turns the cache off. */
  OMIS_AUTH_CACHE_SECONDS: integer(60, 0, 86400),
  OMIS_AUTH_CACHE_SIZE: integer(10000, 1, 10_000_000),
  /** Failed logins allowed before back-off starts, and the longest lockout. */
  OMIS_LOCKOUT_THRESHOLD: integer(5, 1, 1000),
  OMIS_LOCKOUT_MAX_SECONDS: integer(900, 1, 86400),
  /** Lifetime of a job's signed ReportPath link. */
  OMIS_REPORT_LINK_SECONDS: integer(3600, 1, 30 * 86400),
  /** Run the job simulator inside `serve` (on by default only for the embedded demo). */
  OMIS_SIMULATOR: flag(false),
  OMIS_SIMULATOR_TICK_MS: integer(2000, 50, 3_600_000),
  /** How long the simulator keeps a job at one STATUS (and a launch at "launching"); 0: one tick. */
  OMIS_SIMULATOR_STEP_MS: integer(5000, 0, 86_400_000),
  /** Bearer token /metrics asks for; unset, /metrics answers loopback clients only. */
  OMIS_METRICS_TOKEN: z
    .string()
    .optional()
    .transform((value) => (value?.trim() ? value.trim() : undefined))
    .refine((value) => value === undefined || value.length >= 16, { message: 'must be at least 16 characters' }),
  /** Trust X-Forwarded-For from a reverse proxy for the audit log's client address. */
  OMIS_TRUST_PROXY: flag(false),
  /** The request journal (docs/CONSOLE.md): on by default; its bounds in the database and in memory. */
  OMIS_JOURNAL: flag(true),
  OMIS_JOURNAL_MAX_ROWS: integer(10000, 100, 10_000_000),
  OMIS_JOURNAL_RETENTION_HOURS: integer(24, 1, 8760),
  OMIS_JOURNAL_QUEUE: integer(200, 10, 100_000),
  /** How long a console sign-in lasts. */
  OMIS_CONSOLE_SESSION_MINUTES: integer(480, 5, 43200),
  /**
   * How a request body without a `charset` of its own is decoded (the `requestEncoding` of Web.config):
   * urlencoded bodies and multipart text fields. The query string is always UTF-8.
   */
  OMIS_REQUEST_ENCODING: z
    .string()
    .trim()
    .default('utf-8')
    .refine((value) => charsetName(value) !== undefined && !isUtf7(value), {
      message: 'must be a character set such as utf-8, big5, gbk or shift_jis',
    })
    .transform((value) => charsetName(value)!),
  /**
   * How long an idle keep-alive connection stays open: IIS keeps one 120 s, and .NET clients reuse a
   * pooled connection idle for up to 100 s, so a server closing sooner fails such a client's request now and then.
   */
  OMIS_KEEPALIVE_SECONDS: integer(120, 1, 3600),
  /** How long receiving one request (its headers and its body) may take: slow clients are cut off after it (408). */
  OMIS_REQUEST_TIMEOUT_SECONDS: integer(30, 1, 3600),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
})
  // A direct URL beside the embedded database would migrate a database the server does not use.
  .refine((config) => config.DIRECT_URL === undefined || config.DATABASE_URL !== undefined, {
    path: ['DIRECT_URL'],
    message: 'is set but DATABASE_URL is not: set both (DATABASE_URL through the pooler, DIRECT_URL straight to PostgreSQL)',
  })
  .transform((config) => ({ ...config, OMIS_PREPARED_STATEMENTS: config.OMIS_PREPARED_STATEMENTS ?? config.DIRECT_URL === undefined }));

export type Config = z.output<typeof envSchema>;

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** The URL for work that needs a session of its own (migrations): DIRECT_URL, else DATABASE_URL. */
export function sessionDatabaseUrl(config: Pick<Config, 'DATABASE_URL' | 'DIRECT_URL'>): string | undefined {
  return config.DIRECT_URL ?? config.DATABASE_URL;
}

/** Validates an environment; throws ConfigError naming every bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const result = envSchema.safeParse(env);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n  ${problems.join('\n  ')}`);
  }
  return result.data;
}

/** A config for tests and tools: defaults, overridden by what is given. */
export function configWith(overrides: Record<string, string | undefined> = {}): Config {
  return loadConfig({ LOG_LEVEL: 'silent', ...overrides });
}
