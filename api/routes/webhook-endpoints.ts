/** The webhook endpoint routes (CONTRACT §8, see /openapi.json): each parses, calls one use case, sends the result. */
import { type RequestHandler, Router } from 'express';
import type { WebhookSecrets } from '../../activities/webhooks/secrets.js';
import { callOf } from '../context.js';
import type { IdempotentOptions } from '../middleware/idempotent.js';
import { noQuery } from '../middleware/no-query.js';
import type { RateLimiter } from '../middleware/rate-limit.js';
import { presentDelivery, presentWebhookEndpoint } from '../present-webhook.js';
import { emptyBodySchema, parse } from '../schemas.js';
import type { WebhookEndpoints } from '../use-cases/webhook-endpoints.js';
import { createEndpointBodySchema, deliveriesQuerySchema, endpointListQuerySchema, patchEndpointBodySchema, testEventBodySchema } from '../webhook-schemas.js';

export interface WebhookRouteDeps {
  endpoints: WebhookEndpoints;
  secrets: WebhookSecrets;
  limit: RateLimiter;
  idempotent: (options?: IdempotentOptions) => RequestHandler;
}

const BASE = '/v1/webhook_endpoints';

export function webhookRoutes({ endpoints, secrets, limit, idempotent }: WebhookRouteDeps): Router {
  const router = Router();
  const get = [limit('characters_get'), noQuery];
  const write = [limit('webhooks'), noQuery];
  // Create and rotate show a secret: the idempotent record keeps it sealed.
  const protect = { seal: (body: string) => secrets.seal(body), unseal: (body: string) => secrets.unseal(body) };

  router.post(BASE, ...write, idempotent({ mints: 'webhookEndpoint', protect }), async (req, res) => {
    const body = parse(createEndpointBodySchema, req.body);
    const { endpoint, secret } = await endpoints.create(callOf(res), body);
    res.status(201).json({ ...presentWebhookEndpoint(endpoint), secret });
  });

  router.get(BASE, limit('characters_get'), async (req, res) => {
    const query = parse(endpointListQuerySchema, req.query);
    const page = await endpoints.list(callOf(res), { limit: query.limit, startingAfter: query.starting_after });
    res.json({ object: 'list', data: page.data.map(presentWebhookEndpoint), has_more: page.hasMore, next_cursor: page.hasMore ? page.data.at(-1)!.id : null });
  });

  // Before /:id, which it would otherwise match.
  router.get(`${BASE}/default_secret`, ...get, (_req, res) => {
    res.json({ object: 'webhook_secret', secret: endpoints.defaultSecret(callOf(res)) });
  });

  router.get(`${BASE}/:id`, ...get, async (req, res) => {
    res.json(presentWebhookEndpoint(await endpoints.get(callOf(res), String(req.params.id))));
  });

  router.patch(`${BASE}/:id`, ...write, idempotent(), async (req, res) => {
    const body = parse(patchEndpointBodySchema, req.body);
    res.json(presentWebhookEndpoint(await endpoints.configure(callOf(res), String(req.params.id), body)));
  });

  router.delete(`${BASE}/:id`, ...write, idempotent(), async (req, res) => {
    const endpoint = await endpoints.delete(callOf(res), String(req.params.id));
    res.json({ id: endpoint.id, object: 'webhook_endpoint', deleted: true });
  });

  router.post(`${BASE}/:id/rotate_secret`, ...write, idempotent({ protect }), async (req, res) => {
    parse(emptyBodySchema, req.body);
    const { endpoint, secret } = await endpoints.rotateSecret(callOf(res), String(req.params.id));
    res.json({ ...presentWebhookEndpoint(endpoint), secret });
  });

  router.post(`${BASE}/:id/test`, ...write, idempotent(), async (req, res) => {
    const body = parse(testEventBodySchema, req.body);
    const eventId = await endpoints.sendTest(callOf(res), String(req.params.id), body.event_type);
    res.json({ object: 'event', id: eventId, type: body.event_type, synthetic: true });
  });

  router.get(`${BASE}/:id/deliveries`, limit('characters_get'), async (req, res) => {
    const query = parse(deliveriesQuerySchema, req.query);
    const page = await endpoints.deliveries(callOf(res), String(req.params.id), query.limit);
    res.json({ object: 'list', data: page.data.map(presentDelivery), has_more: page.hasMore });
  });

  return router;
}
