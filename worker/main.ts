/** A worker process: `npm run worker`. Run as many as the load needs against one Temporal cluster. */
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { blobStoreFromConfig } from '../activities/blobs/from-config.js';
import { backendFromConfig } from '../activities/inference/index.js';
import { loadConfig } from '../platform/config.js';
import { createLogger } from '../platform/logger.js';
import { createCharacterWorker } from './create-worker.js';
import { fileLinksFromConfig } from '../api/file-links.js';
import { WebhookSecrets } from '../activities/webhooks/secrets.js';

const config = loadConfig();
const log = createLogger(config.LOG_LEVEL, 'worker');
// The SDK's own log lines go through the same structured logger.
Runtime.install({
  logger: new DefaultLogger('WARN', ({ level, message, meta }) => log[level === 'ERROR' ? 'error' : 'warn']({ ...meta, sdk: true }, message)),
  // The SDK's worker metrics and aurous_generations, on one Prometheus endpoint.
  ...(config.WORKER_METRICS_ADDRESS ? { telemetryOptions: { metrics: { prometheus: { bindAddress: config.WORKER_METRICS_ADDRESS } } } } : {}),
});
const connection = await NativeConnection.connect({ address: config.temporalAddress });
const client = new Client({ connection: await Connection.connect({ address: config.temporalAddress }), namespace: config.TEMPORAL_NAMESPACE });
const blobs = blobStoreFromConfig(config);
const backend = backendFromConfig(config, (fault) => log.info({ fault }, 'injected fault'));
const worker = await createCharacterWorker({
  connection,
  client,
  namespace: config.TEMPORAL_NAMESPACE,
  taskQueue: config.TEMPORAL_TASK_QUEUE,
  blobs,
  backend,
  maxCachedWorkflows: config.WORKER_MAX_CACHED_WORKFLOWS,
  maxConcurrentActivityTaskExecutions: config.WORKER_MAX_CONCURRENT_ACTIVITIES,
  generationTimeoutMs: config.GENERATION_TIMEOUT_MS,
  webhooks: {
    secrets: new WebhookSecrets(config.webhookSecretKey),
    rules: { allowPrivate: config.WEBHOOK_ALLOW_PRIVATE_URLS },
    scheduleMs: config.webhookRetryScheduleMs,
    links: fileLinksFromConfig(config, blobs),
    // Events carry the resource with signed file URLs, as GET shows them.
    publicUrl: () => config.PUBLIC_URL ?? `http://${config.API_HOST === '0.0.0.0' ? '127.0.0.1' : config.API_HOST}:${config.API_PORT}`,
  },
  workflowBundle: config.WORKFLOW_BUNDLE ? { codePath: config.WORKFLOW_BUNDLE } : undefined,
  deployment: config.WORKER_BUILD_ID ? { deploymentName: config.WORKER_DEPLOYMENT_NAME, buildId: config.WORKER_BUILD_ID } : undefined,
});
const version = config.WORKER_BUILD_ID ? `${config.WORKER_DEPLOYMENT_NAME}.${config.WORKER_BUILD_ID}` : 'unversioned';
log.info({ taskQueue: config.TEMPORAL_TASK_QUEUE, temporal: config.temporalAddress, backend: backend.name, version }, 'worker polling');
// The SDK drains on SIGINT/SIGTERM: in-flight tasks finish, then run() resolves.
await worker.run();
await connection.close();
log.info('worker stopped');
process.exit(0);
