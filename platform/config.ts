/** Typed configuration from the environment, validated at start-up, with defaults that run. */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { DEFAULT_RENDERER_OPTIONS } from '../activities/inference/renderer.js';
import { DEFAULT_RETRY_SCHEDULE, parseRetrySchedule } from '../domain/webhooks.js';

const rate = z.coerce.number().min(0).max(1);
/** The longest an S3 presigned URL (SigV4) may live. */
const S3_PRESIGN_MAX_SECONDS = 7 * 24 * 3600;

const port = z.coerce.number().int().min(0).max(65535);

const schema = z.object({
  DATA_DIR: z.string().default('data'),
  BLOB_DIR: z.string().optional(),
  /** Where image bytes live: a local folder (one host) or an S3-compatible bucket (several hosts). */
  BLOB_STORE: z.enum(['filesystem', 's3']).default('filesystem'),
  /** An S3-compatible server's URL; unset means AWS S3 itself. */
  S3_ENDPOINT: z.url().optional(),
  S3_BUCKET: z.string().default('aurous-blobs'),
  S3_REGION: z.string().default('us-east-1'),
  /** Unset: the AWS SDK's default credential chain (instance roles, AWS_* variables, profiles). */
  S3_ACCESS_KEY_ID: z.string().optional(),
  S3_SECRET_ACCESS_KEY: z.string().optional(),
  /** bucket in the path (most self-hosted servers) instead of in the host name (AWS's default). */
  S3_FORCE_PATH_STYLE: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
  /** File URLs in responses and webhooks are the store's presigned GET URLs instead of the API's own. */
  S3_PRESIGNED_URLS: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
  /** The store's address as clients reach it, for presigned URLs; S3_ENDPOINT by default. */
  S3_PUBLIC_ENDPOINT: z.url().optional(),
  TEMPORAL_ADDRESS: z.string().optional(),
  TEMPORAL_NAMESPACE: z.string().default('default'),
  TEMPORAL_TASK_QUEUE: z.string().default('characters'),
  TEMPORAL_CLI_PATH: z.string().optional(),
  TEMPORAL_PORT: port.default(7233),
  TEMPORAL_UI_PORT: port.default(8233),
  API_HOST: z.string().default('127.0.0.1'),
  API_PORT: port.default(3000),
  /** host:port of the API's Prometheus endpoint, apart from the public port; empty disables it. */
  API_METRICS_ADDRESS: z.string().regex(/^$|^(\[[^\]]+\]|[^:\s]+):\d{1,5}$/, 'host:port or empty').default('127.0.0.1:9465'),
  PUBLIC_URL: z.url().optional(),
  FILE_URL_SECRET: z.string().min(32).optional(),
  FILE_URL_TTL_SECONDS: z.coerce.number().int().positive().default(24 * 3600),
  INFERENCE_BACKEND: z.enum(['renderer', 'openai']).default('renderer'),
  RENDERER_LATENCY_MS: z.coerce.number().int().min(0).default(DEFAULT_RENDERER_OPTIONS.latencyMs),
  RENDERER_TRANSIENT_FAILURE_RATE: rate.default(DEFAULT_RENDERER_OPTIONS.transientFailureRate),
  RENDERER_PERMANENT_FAILURE_RATE: rate.default(DEFAULT_RENDERER_OPTIONS.permanentFailureRate),
  RENDERER_HANG_RATE: rate.default(DEFAULT_RENDERER_OPTIONS.hangRate),
  GENERATION_TIMEOUT_MS: z.coerce.number().int().positive().default(300_000),
  RENDERER_SIZE: z.coerce.number().int().min(64).max(2048).default(DEFAULT_RENDERER_OPTIONS.size),
  OPENAI_BASE_URL: z.url().default('https://api.openai.com'),
  OPENAI_API_KEY: z.string().optional(),
  OPENAI_MODEL: z.string().default('gpt-image-1'),
  /** A vision-capable chat model: classifies the pose of uploads. */
  OPENAI_VISION_MODEL: z.string().default('gpt-4o-mini'),
  /** How long an upload URL accepts bytes, and how long a ticket (and its bytes) lives unconsumed. */
  UPLOAD_URL_TTL_SECONDS: z.coerce.number().int().positive().default(15 * 60),
  UPLOAD_TICKET_TTL_SECONDS: z.coerce.number().int().positive().default(24 * 3600),
  OPENAI_IMAGE_SIZE: z.string().default('1024x1024'),
  OPENAI_TIMEOUT_MS: z.coerce.number().int().positive().default(120_000),
  /** host:port of the worker's Prometheus endpoint; empty disables it. */
  WORKER_METRICS_ADDRESS: z.string().default('127.0.0.1:9464'),
  /** A prebuilt workflow bundle (npm run build:workflows); without it the worker bundles at start. */
  WORKFLOW_BUNDLE: z.string().optional(),
  /**
   * Worker Deployment Versioning: with a build id the worker joins deployment WORKER_DEPLOYMENT_NAME
   * as version `<name>.<build id>`, and gets work only once an operator makes that version current
   * (README, "Rolling out a new worker build"). Without one it is unversioned (development).
   */
  WORKER_DEPLOYMENT_NAME: z.string().regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, - and _ (no dots)').default('aurous-characters'),
  WORKER_BUILD_ID: z.string().regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, ., - and _').optional(),
  WORKER_MAX_CACHED_WORKFLOWS: z.coerce.number().int().min(0).default(1000),
  WORKER_MAX_CONCURRENT_ACTIVITIES: z.coerce.number().int().positive().default(100),
  RATE_LIMIT_STORE: z.enum(['memory', 'redis']).default('memory'),
  REDIS_URL: z.string().default('redis://127.0.0.1:6379'),
  /** JSON overrides of the bucket table, e.g. {"characters_synthesize":{"sustained_per_minute":600,"burst":1000}}. */
  RATE_LIMITS: z.string().optional(),
  /** Derives every webhook signing secret (activities/webhooks/secrets.ts); defaults to the file-URL secret. All processes must share it. */
  WEBHOOK_SECRET_KEY: z.string().min(32).optional(),
  /** Local development only: lets webhooks go to http and to private, loopback and link-local addresses. */
  WEBHOOK_ALLOW_PRIVATE_URLS: z.stringbool().default(false),
  /** The delay before each delivery attempt: `0,5s,5m,30m,2h,5h,10h,10h` (units ms, s, m, h). */
  WEBHOOK_RETRY_SCHEDULE: z.string().default(DEFAULT_RETRY_SCHEDULE).refine((text) => {
    try {
      return parseRetrySchedule(text).length > 0;
    } catch {
      return false;
    }
  }, 'a comma-separated list of delays such as 0,5s,5m,30m,2h'),
  DEV_TEAM_CREDITS: z.coerce.number().int().min(0).default(100),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type Env = z.infer<typeof schema>;

export interface Config extends Env {
  temporalAddress: string;
  blobDir: string;
  fileUrlSecret: string;
  webhookSecretKey: string;
  webhookRetryScheduleMs: number[];
}

/** Reads and validates the environment; a bad value stops the process with the variable's name. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n');
    throw new Error(`Invalid configuration:\n${problems}`);
  }
  const e = parsed.data;
  if (e.INFERENCE_BACKEND === 'openai' && !e.OPENAI_API_KEY) throw new Error('Invalid configuration:\n  OPENAI_API_KEY: required when INFERENCE_BACKEND=openai');
  if (Boolean(e.S3_ACCESS_KEY_ID) !== Boolean(e.S3_SECRET_ACCESS_KEY)) throw new Error('Invalid configuration:\n  S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY: set both or neither');
  if (e.S3_PRESIGNED_URLS && e.BLOB_STORE !== 's3') throw new Error('Invalid configuration:\n  S3_PRESIGNED_URLS: needs BLOB_STORE=s3');
  // SigV4 presigned URLs live 7 days at most.
  if (e.S3_PRESIGNED_URLS && e.FILE_URL_TTL_SECONDS > S3_PRESIGN_MAX_SECONDS) {
    throw new Error(`Invalid configuration:\n  FILE_URL_TTL_SECONDS: at most ${S3_PRESIGN_MAX_SECONDS} (7 days) with S3_PRESIGNED_URLS=true`);
  }
  const dataDir = resolve(e.DATA_DIR);
  const fileUrlSecret = e.FILE_URL_SECRET ?? localSecret(dataDir);
  return {
    ...e,
    DATA_DIR: dataDir,
    temporalAddress: e.TEMPORAL_ADDRESS ?? `127.0.0.1:${e.TEMPORAL_PORT}`,
    blobDir: resolve(e.BLOB_DIR ?? join(dataDir, 'blobs')),
    fileUrlSecret,
    webhookSecretKey: e.WEBHOOK_SECRET_KEY ?? fileUrlSecret,
    webhookRetryScheduleMs: parseRetrySchedule(e.WEBHOOK_RETRY_SCHEDULE),
  };
}

/**
 * Without FILE_URL_SECRET, one secret is made once and kept in the data folder, so signed URLs
 * survive a restart. Several API replicas on different machines must share FILE_URL_SECRET.
 */
function localSecret(dataDir: string): string {
  const path = join(dataDir, 'file-url-secret');
  mkdirSync(dataDir, { recursive: true });
  try {
    writeFileSync(path, randomBytes(32).toString('hex'), { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  return readFileSync(path, 'utf8').trim();
}
