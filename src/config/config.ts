import path from 'node:path';
import { z } from 'zod';

/**
 * Every environment variable Chorus reads, in one place. `docs/CONFIGURATION.md` and the README table are
 * checked against `CONFIG_DOCS` by a test, so a new variable cannot go undocumented.
 */
const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

const schema = z.object({
  PORT: int(1, 65535).default(8080),
  HOST: z.string().min(1).default('127.0.0.1'),
  PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
  CHORUS_DATA_DIR: z.string().min(1).default('./.chorus'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://')
    .optional(),
  CHORUS_SECRET_KEY: z
    .string()
    .refine((v) => Buffer.from(v, 'base64').length === 32, 'must be 32 random bytes, base64-encoded')
    .optional(),
  CHORUS_SECRET_KEY_PREVIOUS: z
    .string()
    .refine(
      (v) => v.split(',').every((k) => Buffer.from(k.trim(), 'base64').length === 32),
      'must be a comma-separated list of 32-byte base64 keys',
    )
    .optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SMTP_URL: z.url({ protocol: /^smtps?$/ }).optional(),
  MAIL_FROM: z.string().min(3).default('Chorus <chorus@localhost>'),
  SESSION_IDLE_MINUTES: int(5, 60 * 24 * 30).default(720),
  SESSION_ABSOLUTE_HOURS: int(1, 24 * 90).default(168),
  AUDIT_RETENTION_DAYS: int(1, 3650).default(365),
  TRUST_PROXY: bool.default(false),
  COOKIE_SECURE: bool.optional(),
  MAX_BODY_BYTES: int(1024, 50 * 1024 * 1024).default(1024 * 1024),
  METRICS_TOKEN: z.string().min(16).optional(),
  JOB_POLL_SECONDS: z.coerce.number().min(0.5).max(60).default(2),
  EGRESS_ALLOW_PRIVATE: bool.default(false),
  MEDIA_STORE: z.enum(['file', 's3']).default('file'),
  MEDIA_MAX_BYTES: int(1024, 5 * 1024 * 1024 * 1024).default(100 * 1024 * 1024),
  S3_ENDPOINT: z.url({ protocol: /^https?$/ }).optional(),
  S3_BUCKET: z.string().min(3).max(255).optional(),
  S3_REGION: z.string().min(1).default('us-east-1'),
  S3_ACCESS_KEY_ID: z.string().min(1).optional(),
  S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  S3_FORCE_PATH_STYLE: bool.default(false),
});

export type RawConfig = z.infer<typeof schema>;

export interface Config extends RawConfig {
  dataDir: string;
  publicUrl: string;
  cookieSecure: boolean;
  database: { kind: 'pglite'; dir: string } | { kind: 'postgres'; url: string };
}

export const CONFIG_DOCS: Record<keyof RawConfig, string> = {
  PORT: 'HTTP port. Default 8080.',
  HOST: 'Address to listen on. Default 127.0.0.1; set 0.0.0.0 to accept connections from other machines.',
  PUBLIC_URL:
    'The address people use to reach Chorus: used in e-mailed links and as the sign-in return address networks send people back to (PUBLIC_URL/oauth/callback). Default http://localhost:PORT.',
  CHORUS_DATA_DIR: 'Data directory: the embedded database, the generated secret key. Default ./.chorus.',
  DATABASE_URL:
    'PostgreSQL connection string. When set, Chorus uses PostgreSQL instead of the embedded database.',
  CHORUS_SECRET_KEY:
    'Key that encrypts secrets at rest: 32 random bytes, base64 (`openssl rand -base64 32`). Required with DATABASE_URL; otherwise generated into the data directory.',
  CHORUS_SECRET_KEY_PREVIOUS:
    'Comma-separated older keys, still accepted for decryption while `chorus secrets rotate` re-encrypts.',
  LOG_LEVEL: 'fatal, error, warn, info, debug, trace or silent. Default info.',
  SMTP_URL:
    'SMTP server for e-mail, e.g. smtp://user:pass@mail.example.com:587. Unset: no e-mail; invitation links are shown to the inviter instead.',
  MAIL_FROM: 'Sender of e-mail. Default "Chorus <chorus@localhost>".',
  SESSION_IDLE_MINUTES: 'A session unused for this long ends. Default 720 (12 hours).',
  SESSION_ABSOLUTE_HOURS: 'A session ends this long after login, however active. Default 168 (7 days).',
  AUDIT_RETENTION_DAYS: 'Audit events older than this are deleted by a daily job. Default 365.',
  TRUST_PROXY:
    'true when Chorus runs behind a reverse proxy: the client address is read from X-Forwarded-For. Default false.',
  COOKIE_SECURE: 'Mark cookies Secure (HTTPS only). Default: true when PUBLIC_URL starts with https.',
  MAX_BODY_BYTES: 'Largest accepted request body, in bytes. Default 1048576 (1 MiB).',
  METRICS_TOKEN:
    'When set, GET /metrics requires `Authorization: Bearer <token>`. Unset: /metrics is open (it holds no tenant data).',
  JOB_POLL_SECONDS: 'How often job workers poll for new jobs, in seconds. Default 2.',
  EGRESS_ALLOW_PRIVATE:
    'true lets Chorus fetch URLs on private, loopback and link-local addresses (an intranet server). Default false: such URLs are refused.',
  MEDIA_STORE:
    'Where media library files are kept: file (the data directory, CHORUS_DATA_DIR/media) or s3 (an S3-compatible store, see the S3_* variables). Default file.',
  MEDIA_MAX_BYTES:
    'Largest media file that can be uploaded or imported, in bytes. Default 104857600 (100 MiB).',
  S3_ENDPOINT:
    'With MEDIA_STORE=s3: the store’s address, e.g. https://minio.example.com:9000. Unset: AWS S3 in S3_REGION.',
  S3_BUCKET: 'With MEDIA_STORE=s3: the bucket media files go to (required; it must exist).',
  S3_REGION: 'With MEDIA_STORE=s3: the region. Default us-east-1.',
  S3_ACCESS_KEY_ID:
    'With MEDIA_STORE=s3: the access key id. Unset: the usual AWS credential sources (environment, instance role).',
  S3_SECRET_ACCESS_KEY:
    'With MEDIA_STORE=s3: the secret access key that goes with S3_ACCESS_KEY_ID. A secret: never logged or shown.',
  S3_FORCE_PATH_STYLE:
    'true addresses the bucket as ENDPOINT/BUCKET/KEY instead of BUCKET.ENDPOINT/KEY (MinIO and most self-hosted stores need it). Default false.',
};

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(
      `Chorus cannot start: the configuration is invalid.\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
    this.name = 'ConfigError';
  }
}

/** Reads and validates the configuration once. Unknown CHORUS_* variables are reported as likely typos. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): Config {
  const input: Record<string, string> = {};
  for (const key of Object.keys(schema.shape)) {
    const value = env[key];
    if (value !== undefined && value !== '') input[key] = value;
  }
  const parsed = schema.safeParse(input);
  const problems: string[] = [];
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const key = issue.path.join('.');
      const shown = key === 'S3_SECRET_ACCESS_KEY' ? '(hidden)' : JSON.stringify(input[key] ?? '');
      problems.push(`${key}=${shown}: ${issue.message}`);
    }
  }
  for (const key of Object.keys(env)) {
    if (key.startsWith('CHORUS_') && !(key in schema.shape) && !key.startsWith('CHORUS_TEST_')) {
      problems.push(`${key}: unknown setting (known: ${Object.keys(CONFIG_DOCS).join(', ')})`);
    }
  }
  if (parsed.success && parsed.data.DATABASE_URL && !parsed.data.CHORUS_SECRET_KEY) {
    problems.push(
      'CHORUS_SECRET_KEY: required when DATABASE_URL is set (processes sharing one database must share the key); generate one with `openssl rand -base64 32`',
    );
  }
  if (parsed.success && parsed.data.MEDIA_STORE === 's3' && !parsed.data.S3_BUCKET) {
    problems.push('S3_BUCKET: required when MEDIA_STORE=s3 (the bucket media files go to)');
  }
  if (parsed.success && !parsed.data.S3_ACCESS_KEY_ID !== !parsed.data.S3_SECRET_ACCESS_KEY) {
    problems.push('S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY: set both, or neither');
  }
  if (problems.length > 0 || !parsed.success) throw new ConfigError(problems);
  const raw = parsed.data;
  const dataDir = path.resolve(cwd, raw.CHORUS_DATA_DIR);
  const publicUrl = (raw.PUBLIC_URL ?? `http://localhost:${raw.PORT}`).replace(/\/+$/, '');
  return {
    ...raw,
    dataDir,
    publicUrl,
    cookieSecure: raw.COOKIE_SECURE ?? publicUrl.startsWith('https:'),
    database: raw.DATABASE_URL
      ? { kind: 'postgres', url: raw.DATABASE_URL }
      : { kind: 'pglite', dir: path.join(dataDir, 'db') },
  };
}
