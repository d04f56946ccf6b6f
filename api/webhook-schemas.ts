/** The wire shapes of the webhook endpoint routes (CONTRACT §8), validated with zod like every route. */
import { z } from 'zod';
import { WEBHOOK_ENDPOINT_ID_PATTERN } from '../domain/ids.js';
import { WEBHOOK_EVENT_TYPES } from '../domain/webhooks.js';

/** The scheme and address rules need DNS: checked after parsing (api/webhook-targets.ts). */
const url = z.string().min(1).max(2048);
const events = z.array(z.enum([...WEBHOOK_EVENT_TYPES, '*'])).min(1).max(WEBHOOK_EVENT_TYPES.length + 1);
const description = z.string().max(500).nullable();

export const createEndpointBodySchema = z.strictObject({
  url,
  events,
  description: description.optional(),
  metadata: z.record(z.string().min(1).max(40), z.string().max(500)).optional(),
});

export const patchEndpointBodySchema = z.strictObject({
  url: url.optional(),
  events: events.optional(),
  description: description.optional(),
  status: z.enum(['enabled', 'disabled']).optional(),
});

export const testEventBodySchema = z.strictObject({ event_type: z.enum(WEBHOOK_EVENT_TYPES) });

export const endpointListQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  starting_after: z.string().regex(WEBHOOK_ENDPOINT_ID_PATTERN).optional(),
});

export const deliveriesQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(50).default(20),
});

export const endpointResourceSchema = z.object({
  id: z.string().regex(WEBHOOK_ENDPOINT_ID_PATTERN),
  object: z.literal('webhook_endpoint'),
  url: z.string(),
  events: z.array(z.string()),
  description: z.string().nullable(),
  metadata: z.record(z.string(), z.string()),
  status: z.enum(['enabled', 'disabled']),
  disabled_reason: z.string().nullable(),
  created_at: z.iso.datetime(),
  aurous_version: z.string(),
  secret: z.string().optional().describe('Only in the answers of create and rotate_secret'),
});

export const endpointListSchema = z.object({ object: z.literal('list'), data: z.array(endpointResourceSchema), has_more: z.boolean(), next_cursor: z.string().nullable() });

export const deliveryListSchema = z.object({
  object: z.literal('list'),
  data: z.array(
    z.object({
      object: z.literal('webhook_delivery'),
      event_id: z.string(),
      event_type: z.enum(WEBHOOK_EVENT_TYPES),
      attempt: z.number().int(),
      created_at: z.iso.datetime(),
      response_status: z.number().int().nullable(),
      error: z.string().nullable(),
      duration_ms: z.number().int(),
    }),
  ),
  has_more: z.boolean(),
});

export const secretSchema = z.object({ object: z.literal('webhook_secret'), secret: z.string() });

export const deletedEndpointSchema = z.object({ id: z.string(), object: z.literal('webhook_endpoint'), deleted: z.literal(true) });

export const testEventResultSchema = z.object({ object: z.literal('event'), id: z.string(), type: z.enum(WEBHOOK_EVENT_TYPES), synthetic: z.literal(true) });
