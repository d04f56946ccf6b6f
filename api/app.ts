/** The Express facade: middleware in contract order, then the routes, then the one error handler. */
import type { Client, Connection } from '@temporalio/client';
import express, { type ErrorRequestHandler, type Request } from 'express';
import type { BlobStore } from '../activities/blobs/store.js';
import type { Logger } from '../platform/logger.js';
import type { Tenancy } from './use-cases/tenancy.js';
import { Characters } from './use-cases/characters.js';
import { localsOf } from './context.js';
import { ApiError, toApiError } from './errors.js';
import { accessLog } from './middleware/access-log.js';
import { ApiMetrics } from './metrics.js';
import { docsRoute, openApiRoute } from './openapi.js';
import { authenticate } from './middleware/auth.js';
import { requestId } from './middleware/request-id.js';
import { checkVersionHeader } from './middleware/version.js';
import { jsonBody } from './middleware/json-body.js';
import { accountRoutes } from './routes/account.js';
import { characterRoutes } from './routes/characters.js';
import { consoleRoutes } from './routes/console.js';
import { fileRoutes } from './routes/files.js';
import { healthRoutes, isProbe } from './routes/health.js';
import { UrlSigner } from './signing.js';
import { type FileLinks, apiFileLinks } from './file-links.js';
import { IdempotencyKeys } from './use-cases/idempotency-keys.js';
import { type IdempotentOptions, idempotent } from './middleware/idempotent.js';
import { imageRoutes } from './routes/images.js';
import { Images } from './use-cases/images.js';
import { uploadPutRoute, uploadRoutes } from './routes/uploads.js';
import { Uploads } from './use-cases/uploads.js';
import { methodNotAllowed } from './middleware/method-not-allowed.js';
import { rateLimiter } from './middleware/rate-limit.js';
import type { BucketName, BucketPolicy } from './rate-limit/buckets.js';
import type { BucketStore } from './rate-limit/token-bucket.js';
import type { WebhookSecrets } from '../activities/webhooks/secrets.js';
import type { TargetRules } from '../activities/webhooks/targets.js';
import { webhookRoutes } from './routes/webhook-endpoints.js';
import { WebhookEndpoints } from './use-cases/webhook-endpoints.js';

export interface AppDeps {
  client: Client;
  connection: Connection;
  tenancy: Tenancy;
  blobs: BlobStore;
  namespace: string;
  taskQueue: string;
  fileUrlSecret: string;
  fileUrlTtlSeconds: number;
  /** File URLs in responses; this API's own signed ones by default (see file-links.ts). */
  fileLinks?: FileLinks;
  /** Where those files are served from when not this API (`fileLinks.foreignOrigin()`), for the console's CSP. */
  fileOrigin?: string;
  /** Absolute base of file URLs; without it, the request's own host is used. */
  publicUrl?: string;
  log: Logger;
  /** How long an API-key lookup is trusted before asking Temporal again. */
  authCacheMs?: number;
  bucketStore: BucketStore;
  buckets: Record<BucketName, BucketPolicy>;
  /** Where request metrics are counted; the caller serves them (serveMetrics), never this app. */
  metrics?: ApiMetrics;
  /** How long an upload URL takes bytes (default 15 minutes) and a ticket lives (default 24 h). */
  uploadUrlTtlSeconds?: number;
  uploadTicketTtlSeconds?: number;
  /** Derives the secrets shown at create and rotate; `rules` check URLs at registration. */
  webhooks: { secrets: WebhookSecrets; rules: TargetRules };
}

/** The Express app, and `drain()`: waits for the background work it started (call it before closing the Temporal connection). */
export type ApiApp = express.Express & { drain(): Promise<void> };

export function createApp(deps: AppDeps): ApiApp {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('query parser', 'simple');

  const signer = new UrlSigner(deps.fileUrlSecret, deps.fileUrlTtlSeconds);
  const characters = new Characters(deps.client, deps.taskQueue);
  const baseUrl = (req: Request) => deps.publicUrl?.replace(/\/+$/, '') ?? `${req.protocol}://${req.get('host')}`;

  const metrics = deps.metrics ?? new ApiMetrics();
  app.use(requestId);
  app.use(accessLog(deps.log));
  app.use(metrics.middleware);
  app.get('/openapi.json', openApiRoute);
  app.get('/docs', docsRoute);
  app.use(consoleRoutes({ publicUrl: deps.publicUrl, fileOrigin: deps.fileOrigin }));
  app.use(methodNotAllowed);
  app.use(healthRoutes({ connection: deps.connection, namespace: deps.namespace, taskQueue: deps.taskQueue }));
  app.use(checkVersionHeader);
  app.use(fileRoutes(deps.blobs, signer));
  const uploads = new Uploads(deps.client, deps.taskQueue, deps.blobs, { ticketTtlSeconds: deps.uploadTicketTtlSeconds ?? 24 * 3600 });
  const uploadSigner = new UrlSigner(deps.fileUrlSecret, deps.uploadUrlTtlSeconds ?? 15 * 60, '/v1/uploads/');
  app.use(uploadPutRoute({ uploads, uploadSigner }));
  app.use(jsonBody);
  const auth = authenticate(deps.tenancy, deps.authCacheMs);
  app.use('/v1', auth);
  const keys = new IdempotencyKeys(deps.client, deps.taskQueue);
  const routeDeps = {
    links: deps.fileLinks ?? apiFileLinks(signer),
    baseUrl,
    limit: rateLimiter(deps.bucketStore, deps.buckets, deps.log),
    idempotent: (options?: IdempotentOptions) => idempotent(keys, deps.log, options),
  };
  app.use(uploadRoutes({ ...routeDeps, uploads, uploadSigner }));
  app.use(characterRoutes({ ...routeDeps, characters }));
  app.use(imageRoutes({ ...routeDeps, images: new Images(deps.client, deps.taskQueue), webhookRules: deps.webhooks.rules }));
  const endpoints = new WebhookEndpoints(deps.client, deps.taskQueue, deps.webhooks.secrets, deps.webhooks.rules);
  app.use(webhookRoutes({ ...routeDeps, endpoints, secrets: deps.webhooks.secrets }));
  app.use(accountRoutes(deps.tenancy));

  app.use((req, _res) => {
    throw new ApiError(404, 'resource_not_found', `Unrecognized request URL (${req.method} ${req.path}).`);
  });
  app.use(((err, req, res, _next) => {
    const apiError = toApiError(err);
    const { requestId: id, teamId } = localsOf(res);
    const where = { requestId: id, teamId, route: `${req.method} ${req.path}`, status: apiError.status };
    if (apiError.status === 500) deps.log.error({ ...where, err }, 'request failed');
    else if (apiError.status > 500 && !isProbe(req.path)) deps.log.warn({ ...where, reason: apiError.message }, 'request refused: backend unavailable');
    if (res.headersSent) return res.destroy();
    res.status(apiError.status).json(apiError.body(id));
  }) as ErrorRequestHandler);
  return Object.assign(app, { drain: () => auth.drain() });
}
