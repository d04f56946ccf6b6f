/**
 * A real stack for tests: an ephemeral Temporal dev server (the project's built CLI, via
 * @temporalio/testing), a worker running the real workflows and activities, and the API on a free
 * port. Only the inference backend may be swapped, to script failures.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, type WorkflowBundleWithSourceMap, bundleWorkflowCode } from '@temporalio/worker';
import { FilesystemBlobStore } from '../../activities/blobs/filesystem.js';
import type { InferenceBackend } from '../../activities/inference/backend.js';
import { BuiltInRenderer } from '../../activities/inference/renderer.js';
import { createApp } from '../../api/app.js';
import { devServerDynamicConfig } from '../../scripts/temporal/dev-server.js';
import { createLogger } from '../../platform/logger.js';
import { ensureTemporalCli } from '../../scripts/temporal/cli.js';
import { registerSearchAttributes } from '../../platform/temporal-setup.js';
import { Tenancy } from '../../api/use-cases/tenancy.js';
import { type CharacterWorkerOptions, createCharacterWorker, workflowsPath } from '../../worker/create-worker.js';
import { connectExternalTemporal, externalTaskQueue, externalTemporal } from './external-temporal.js';
import { ApiClient } from './http.js';
import { type BucketName, type BucketPolicy, uniformBuckets } from '../../api/rate-limit/buckets.js';
import { type BucketStore, MemoryBucketStore } from '../../api/rate-limit/token-bucket.js';
import { listen } from '../../api/server.js';
import { UrlSigner } from '../../api/signing.js';
import { apiFileLinks } from '../../api/file-links.js';
import { WebhookSecrets } from '../../activities/webhooks/secrets.js';
import type { Lookup } from '../../activities/webhooks/targets.js';

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;
export function workflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  bundle ??= bundleWorkflowCode({ workflowsPath: workflowsPath(), logger: createLogger('warn', 'bundler') as never });
  return bundle;
}

export interface StackOptions {
  backend?: InferenceBackend;
  /** Extra dev-server dynamic config, e.g. a low continue-as-new suggestion. */
  dynamicConfig?: Record<string, string | number | boolean>;
  /** Rate limits; by default high enough that only the rate-limit tests meet them. */
  buckets?: Record<BucketName, BucketPolicy>;
  bucketStore?: BucketStore;
  /** Upload URL and ticket lifetimes, shortened by the tests that watch them expire. */
  uploadUrlTtlSeconds?: number;
  uploadTicketTtlSeconds?: number;
  /** Run a worker in this process (default); without one, tests spawn worker processes (processes.ts). */
  worker?: boolean;
  webhooks?: WebhookStackOptions;
}

/** Webhook settings: API and worker are separate processes in production, so each has its own. */
export interface WebhookStackOptions {
  /** Registration (the API) accepts http and private addresses. */
  apiAllowsPrivate?: boolean;
  /** Delivery (the worker) connects to http and private addresses. */
  workerAllowsPrivate?: boolean;
  scheduleMs?: number[];
  lookup?: Lookup;
}

export const TEST_WEBHOOK_SECRET_KEY = 'test-webhook-key-test-webhook-key!';
/** Tests that do not exercise retries get them quickly. */
const TEST_RETRY_SCHEDULE_MS = [0, 200, 500, 1000];

const GENEROUS: BucketPolicy = { sustainedPerMinute: 60_000, burst: 10_000 };
export const GENEROUS_BUCKETS = uniformBuckets(GENEROUS);

export interface TestStack {
  env: TestWorkflowEnvironment;
  tenancy: Tenancy;
  baseUrl: string;
  blobDir: string;
  taskQueue: string;
  /** A new team with `credits`, and an HTTP client that uses its key. */
  team(credits?: number): Promise<{ teamId: string; apiKey: string; api: ApiClient }>;
  anonymous: ApiClient;
  close(): Promise<void>;
}

export const TEST_FILE_URL_SECRET = 'test-secret-test-secret-test-secret!';

export const FAST_RENDERER = new BuiltInRenderer({ latencyMs: 20, transientFailureRate: 0, permanentFailureRate: 0, hangRate: 0, size: 96 });

let runtimeInstalled = false;

/** A test worker's webhook settings: the test key, private targets as asked, the short retry schedule. */
export function testWorkerWebhooks(webhooks: WebhookStackOptions = {}, publicUrl: () => string = () => ''): CharacterWorkerOptions['webhooks'] {
  return {
    secrets: new WebhookSecrets(TEST_WEBHOOK_SECRET_KEY),
    rules: { allowPrivate: webhooks.workerAllowsPrivate ?? false, lookup: webhooks.lookup },
    scheduleMs: webhooks.scheduleMs ?? TEST_RETRY_SCHEDULE_MS,
    links: apiFileLinks(new UrlSigner(TEST_FILE_URL_SECRET, 3600)),
    publicUrl,
  };
}

export async function startStack(options: StackOptions = {}): Promise<TestStack> {
  if (!runtimeInstalled) {
    // Cancelled activities completing late are expected here; keep the test output to errors.
    Runtime.install({ logger: new DefaultLogger('ERROR') });
    runtimeInstalled = true;
  }
  const external = externalTemporal();
  const env = external
    ? await connectExternalTemporal(external, options.dynamicConfig)
    : await TestWorkflowEnvironment.createLocal({
        server: {
          executable: { type: 'existing-path', path: await ensureTemporalCli() },
          extraArgs: devServerDynamicConfig(options.dynamicConfig),
          log: { format: 'pretty', level: 'warn' },
        },
      });
  const namespace = env.namespace ?? 'default';
  await registerSearchAttributes(env.connection, namespace);
  const taskQueue = external ? externalTaskQueue() : 'characters-test';
  const blobDir = await mkdtemp(join(tmpdir(), 'aurous-blobs-'));
  const blobs = new FilesystemBlobStore(blobDir);
  const log = createLogger('silent', 'test');
  const webhooks = options.webhooks ?? {};
  const secrets = new WebhookSecrets(TEST_WEBHOOK_SECRET_KEY);
  let baseUrl = '';
  const worker = options.worker === false ? null : await createCharacterWorker({
    connection: env.nativeConnection,
    client: env.client,
    namespace,
    taskQueue,
    blobs,
    backend: options.backend ?? FAST_RENDERER,
    workflowBundle: await workflowBundle(),
    webhooks: testWorkerWebhooks(webhooks, () => baseUrl),
  });
  const running = worker?.run();
  const tenancy = new Tenancy({ client: env.client, taskQueue });
  const app = createApp({
    client: env.client,
    connection: env.connection,
    tenancy,
    blobs,
    namespace,
    taskQueue,
    fileUrlSecret: TEST_FILE_URL_SECRET,
    fileUrlTtlSeconds: 3600,
    log,
    authCacheMs: 200,
    bucketStore: options.bucketStore ?? new MemoryBucketStore(),
    buckets: options.buckets ?? GENEROUS_BUCKETS,
    uploadUrlTtlSeconds: options.uploadUrlTtlSeconds,
    uploadTicketTtlSeconds: options.uploadTicketTtlSeconds,
    webhooks: { secrets, rules: { allowPrivate: webhooks.apiAllowsPrivate ?? false, lookup: webhooks.lookup } },
  });
  const server = await listen(app, 0, '127.0.0.1');
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    env,
    tenancy,
    baseUrl,
    blobDir,
    taskQueue,
    anonymous: new ApiClient(baseUrl),
    async team(credits = 100) {
      const { teamId, apiKey } = await tenancy.createTeam({ name: 'Test team', credits });
      return { teamId, apiKey, api: new ApiClient(baseUrl, apiKey) };
    },
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await app.drain();
      worker?.shutdown();
      await running;
      await env.teardown();
      await rm(blobDir, { recursive: true, force: true });
    },
  };
}

/**
 * The one set-up block of every file that runs against a stack: starts it in `before`, then runs
 * the file's own `setup` in the same hook (Node 20 runs a file's top-level `before` hooks
 * concurrently, so a second hook could not rely on the first), closes it in `after`, and returns
 * it. Options given as a function are read in `before`; the stack's properties are read when a
 * test or hook uses them.
 */
export function useStack(options: StackOptions | (() => StackOptions) = {}, setup?: (stack: TestStack) => Promise<void>): TestStack {
  let current: TestStack | undefined;
  before(async () => {
    current = await startStack(typeof options === 'function' ? options() : options);
    await setup?.(current);
  });
  after(() => current?.close());
  return new Proxy({} as TestStack, {
    get(_, property) {
      if (!current) throw new Error('The test stack starts in before(): use it inside tests and hooks.');
      return Reflect.get(current, property);
    },
  });
}
