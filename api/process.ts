/** Starts one API process from the configuration: used by `npm run api` (api/main.ts). */
import { Client, Connection, type WorkflowClientInterceptor } from '@temporalio/client';
import { Redis } from 'ioredis';
import { blobStoreFromConfig } from '../activities/blobs/from-config.js';
import { loadConfig } from '../platform/config.js';
import { createLogger } from '../platform/logger.js';
import { Tenancy } from './use-cases/tenancy.js';
import { createApp } from './app.js';
import { fileLinksFromConfig } from './file-links.js';
import { ApiMetrics, serveMetrics } from './metrics.js';
import { bucketsWith } from './rate-limit/buckets.js';
import { type BucketStore, MemoryBucketStore, RedisBucketStore } from './rate-limit/token-bucket.js';
import { listen } from './server.js';
import { WebhookSecrets } from '../activities/webhooks/secrets.js';

export interface ApiProcessOptions {
  /** Client interceptors; the fault-injection tests use one to die mid-request. */
  interceptors?: WorkflowClientInterceptor[];
}

export async function startApiProcess(options: ApiProcessOptions = {}): Promise<void> {
  const config = loadConfig();
  const log = createLogger(config.LOG_LEVEL, 'api');
  // Lazy: the API starts even when Temporal is not up yet, and /readyz says so.
  const connection = Connection.lazy({ address: config.temporalAddress });
  const client = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE, interceptors: { workflow: options.interceptors ?? [] } });
  const bucketStore: BucketStore =
    config.RATE_LIMIT_STORE === 'redis' ? new RedisBucketStore(new Redis(config.REDIS_URL, { maxRetriesPerRequest: 1 })) : new MemoryBucketStore();
  const metrics = new ApiMetrics();
  const blobs = blobStoreFromConfig(config);
  const fileLinks = fileLinksFromConfig(config, blobs);
  const app = createApp({
    client,
    connection,
    tenancy: new Tenancy({ client, taskQueue: config.TEMPORAL_TASK_QUEUE }),
    blobs,
    fileLinks,
    fileOrigin: await fileLinks.foreignOrigin(),
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    fileUrlSecret: config.fileUrlSecret,
    fileUrlTtlSeconds: config.FILE_URL_TTL_SECONDS,
    publicUrl: config.PUBLIC_URL,
    log,
    bucketStore,
    buckets: bucketsWith(config.RATE_LIMITS),
    uploadUrlTtlSeconds: config.UPLOAD_URL_TTL_SECONDS,
    uploadTicketTtlSeconds: config.UPLOAD_TICKET_TTL_SECONDS,
    metrics,
    webhooks: { secrets: new WebhookSecrets(config.webhookSecretKey), rules: { allowPrivate: config.WEBHOOK_ALLOW_PRIVATE_URLS } },
  });
  const metricsServer = config.API_METRICS_ADDRESS ? await serveMetrics(metrics, config.API_METRICS_ADDRESS) : undefined;
  const server = await listen(app, config.API_PORT, config.API_HOST);
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.API_PORT;
  log.info({ url: `http://${config.API_HOST}:${port}`, metrics: metricsServer?.url, temporal: config.temporalAddress, rateLimitStore: config.RATE_LIMIT_STORE }, 'api listening');

  const shutdown = (signal: string) => {
    log.info({ signal }, 'api stopping');
    metricsServer?.server.close();
    server.close(() => {
      void app
        .drain()
        .then(() => Promise.allSettled([connection.close(), bucketStore.close()]))
        .finally(() => process.exit(0));
    });
    server.closeIdleConnections();
    setTimeout(() => process.exit(0), 10_000).unref();
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
}
