/**
 * The OpenAPI 3.1 document, generated from the zod schemas the routes validate with (api/schemas.ts)
 * by zod's own JSON Schema output, linted by redocly (redocly.yaml; test/http/openapi.test.ts),
 * served at /openapi.json, with a plain reference page at /docs.
 */
import type { RequestHandler } from 'express';
import { z } from 'zod';
import { SIZE_TIERS } from '../domain/images.js';
import { RATE_CARD, credits } from '../domain/pricing.js';
import { UPLOAD_CONTENT_TYPES } from '../domain/uploads.js';
import { DEFAULT_VERSION } from '../domain/versions.js';
import {
  balanceSchema,
  characterListSchema,
  characterResourceSchema,
  createBodySchema,
  deletedCharacterSchema,
  errorSchema,
  estimateSchema,
  eventListSchema,
  eventsQuerySchema,
  healthSchema,
  imageBodySchema,
  imageListQuerySchema,
  imageListSchema,
  imageResourceSchema,
  listQuerySchema,
  patchBodySchema,
  pricingSchema,
  readySchema,
  regenerateBodySchema,
  resynthesizeBodySchema,
  poseGuessSchema,
  uploadClassifyBodySchema,
  uploadInitBodySchema,
  uploadTicketSchema,
  uploadedSchema,
} from './schemas.js';
import {
  createEndpointBodySchema,
  deletedEndpointSchema,
  deliveriesQuerySchema,
  deliveryListSchema,
  endpointListQuerySchema,
  endpointListSchema,
  endpointResourceSchema,
  patchEndpointBodySchema,
  secretSchema,
  testEventBodySchema,
  testEventResultSchema,
} from './webhook-schemas.js';

type JsonSchema = Record<string, unknown>;

/** OpenAPI 3.1 schemas are JSON Schema 2020-12, which zod emits itself. */
function jsonSchema(schema: z.ZodType, io: 'input' | 'output' = 'output'): JsonSchema {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' }) as JsonSchema;
  return rest;
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: JsonSchema, description: string) => ({ description, content: { 'application/json': { schema } } });

const HEADERS = [
  { name: 'Aurous-Version', in: 'header', required: false, schema: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' } },
  { name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string', minLength: 1, maxLength: 256 } },
];
const ID = { name: 'id', in: 'path', required: true, schema: { type: 'string' } };

function queryParameters(schema: z.ZodObject): object[] {
  const { properties = {}, required = [] } = jsonSchema(schema, 'input') as { properties?: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(properties).map(([name, property]) => ({ name, in: 'query', required: required.includes(name), schema: property }));
}

interface Operation {
  operationId: string;
  summary: string;
  path?: boolean;
  query?: z.ZodObject;
  body?: z.ZodType;
  ok: [number, JsonSchema];
  errors: number[];
}

/** An operation that takes the API key (the document's default `security`). */
function operation({ operationId, summary, path, query, body, ok: [status, ok], errors }: Operation): object {
  return {
    operationId,
    summary,
    parameters: [...(path ? [ID] : []), ...(query ? queryParameters(query) : []), ...HEADERS],
    ...(body ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(body, 'input') } } } } : {}),
    responses: {
      [status]: json(ok, summary),
      ...errorResponses([401, 429, ...errors]),
    },
  };
}

const errorResponses = (codes: number[]) => Object.fromEntries(codes.map((code) => [code, json(ref('Error'), `Error ${code}: see the error table`)]));

/** An operation without an API key (health; the signed files route is written out below): `security: []` lifts the default. */
function publicOperation(operationId: string, summary: string, ok: JsonSchema, errors: number[]): object {
  return { operationId, summary, security: [], responses: { 200: json(ok, summary), ...errorResponses(errors) } };
}

/** "1 credit per output at 2k, 2 credits at 4k": the image tiers of the rate card. */
const imageCosts = SIZE_TIERS.map((tier, i) => `${credits(RATE_CARD.image[tier])}${i === 0 ? ' per output' : ''} at ${tier}`).join(', ');

function build(): object {
  return {
    openapi: '3.1.0',
    info: {
      title: 'Aurous characters API',
      version: DEFAULT_VERSION,
      description: 'Characters with reference images in canonical poses, synthesized by durable Temporal workflows. JSON in and out; errors in one envelope.',
    },
    // Relative, so the document is right on whichever host serves it.
    servers: [{ url: '/' }],
    security: [{ ApiKey: [] }],
    components: {
      securitySchemes: { ApiKey: { type: 'apiKey', in: 'header', name: 'X-Api-Key' } },
      schemas: { Character: jsonSchema(characterResourceSchema), Image: jsonSchema(imageResourceSchema), Error: jsonSchema(errorSchema), WebhookEndpoint: jsonSchema(endpointResourceSchema) },
    },
    paths: {
      '/v1/characters': {
        post: operation({ operationId: 'createCharacter', summary: `Create a character: synthesize it (generate: true, ${credits(RATE_CARD.character.synthesize)}) or make it from uploads (upload_ids, free, ready at once)`, body: createBodySchema, ok: [201, ref('Character')], errors: [400, 402, 409, 413, 503] }),
        get: operation({ operationId: 'listCharacters', summary: 'List characters, newest first', query: listQuerySchema, ok: [200, jsonSchema(characterListSchema)], errors: [400] }),
      },
      '/v1/characters/{id}': {
        get: operation({ operationId: 'getCharacter', summary: 'Get a character (the poll target)', path: true, ok: [200, ref('Character')], errors: [404] }),
        patch: operation({ operationId: 'updateCharacter', summary: 'Update name and attributes (free)', path: true, body: patchBodySchema, ok: [200, ref('Character')], errors: [400, 404, 409, 413] }),
        delete: operation({ operationId: 'deleteCharacter', summary: 'Delete a character', path: true, ok: [200, jsonSchema(deletedCharacterSchema)], errors: [404, 409] }),
      },
      '/v1/characters/{id}/save': {
        post: operation({ operationId: 'saveCharacter', summary: 'Save: reviewing → ready (free)', path: true, ok: [200, ref('Character')], errors: [400, 404, 409] }),
      },
      '/v1/characters/{id}/refs/regenerate': {
        post: operation({ operationId: 'regenerateCharacterRef', summary: `Regenerate one pose (${credits(RATE_CARD.character.regenerate)})`, path: true, body: regenerateBodySchema, ok: [200, ref('Character')], errors: [400, 402, 404, 409] }),
      },
      '/v1/characters/{id}/resynthesize': {
        post: operation({ operationId: 'resynthesizeCharacter', summary: `Resynthesize all four poses (${credits(RATE_CARD.character.resynthesize)})`, path: true, body: resynthesizeBodySchema, ok: [200, ref('Character')], errors: [400, 402, 404, 409] }),
      },
      '/v1/characters/{id}/events': {
        get: operation({ operationId: 'listCharacterEvents', summary: "The character's audit trail, oldest first", path: true, query: eventsQuerySchema, ok: [200, jsonSchema(eventListSchema)], errors: [400, 404] }),
      },
      '/v1/images': {
        post: operation({ operationId: 'createImage', summary: `Submit an image generation, optionally anchored on a ready character (${imageCosts}; debited now, refunded for outputs that fail or are cancelled)`, body: imageBodySchema, ok: [201, ref('Image')], errors: [400, 402, 404, 409, 413, 503] }),
        get: operation({ operationId: 'listImages', summary: 'List image generations, newest first', query: imageListQuerySchema, ok: [200, jsonSchema(imageListSchema)], errors: [400] }),
      },
      '/v1/images/estimate': {
        post: operation({ operationId: 'estimateImage', summary: `What a generation would cost (${imageCosts}); starts and charges nothing`, body: imageBodySchema, ok: [200, jsonSchema(estimateSchema)], errors: [400, 404, 409, 413] }),
      },
      '/v1/images/{id}': {
        get: operation({ operationId: 'getImage', summary: 'Get an image generation (the poll target)', path: true, ok: [200, ref('Image')], errors: [404] }),
      },
      '/v1/images/{id}/cancel': {
        post: operation({ operationId: 'cancelImage', summary: 'Cancel a pending or processing generation; outputs not yet delivered are refunded (free)', path: true, ok: [200, ref('Image')], errors: [400, 404, 409, 503] }),
      },
      '/v1/characters/uploads/init': {
        post: operation({ operationId: 'initUpload', summary: 'Start an upload: a ticket (24 h) and a signed PUT URL (15 minutes) for the bytes (free)', body: uploadInitBodySchema, ok: [201, jsonSchema(uploadTicketSchema)], errors: [400, 409, 413] }),
      },
      '/v1/characters/uploads/classify': {
        post: operation({ operationId: 'classifyUpload', summary: "Which pose an uploaded image shows (free; the ticket remembers the answer)", body: uploadClassifyBodySchema, ok: [200, jsonSchema(poseGuessSchema)], errors: [400, 404, 409, 503] }),
      },
      '/v1/uploads/{id}': {
        put: {
          operationId: 'putUpload',
          summary: 'The bytes of an upload, to the signed upload_url (no API key): decoded as the declared type, 64–4096 px, at most 10 MB, stored without metadata',
          security: [],
          parameters: [
            { name: 'id', in: 'path', required: true, schema: { type: 'string' } },
            { name: 'expires', in: 'query', required: true, schema: { type: 'string' } },
            { name: 'sig', in: 'query', required: true, schema: { type: 'string' } },
          ],
          requestBody: { required: true, content: Object.fromEntries(UPLOAD_CONTENT_TYPES.map((type) => [type, { schema: { type: 'string', contentMediaType: type } }])) },
          responses: {
            200: json(jsonSchema(uploadedSchema), 'The upload holds these bytes now'),
            400: json(ref('Error'), 'Error 400: upload_invalid (not an image of the declared type, truncated, or of the wrong size)'),
            403: json(ref('Error'), 'Error 403: bad or expired URL'),
            413: json(ref('Error'), 'Error 413: over 10 MB'),
          },
        },
      },
      '/v1/webhook_endpoints': {
        post: operation({ operationId: 'createWebhookEndpoint', summary: 'Register a webhook endpoint; the answer shows its signing secret, once', body: createEndpointBodySchema, ok: [201, ref('WebhookEndpoint')], errors: [400, 409, 413] }),
        get: operation({ operationId: 'listWebhookEndpoints', summary: 'List webhook endpoints, newest first', query: endpointListQuerySchema, ok: [200, jsonSchema(endpointListSchema)], errors: [400] }),
      },
      '/v1/webhook_endpoints/default_secret': {
        get: operation({ operationId: 'getDefaultWebhookSecret', summary: "The team's default secret: it signs deliveries to a generation's webhook_url", ok: [200, jsonSchema(secretSchema)], errors: [] }),
      },
      '/v1/webhook_endpoints/{id}': {
        get: operation({ operationId: 'getWebhookEndpoint', summary: 'Get a webhook endpoint', path: true, ok: [200, ref('WebhookEndpoint')], errors: [404] }),
        patch: operation({ operationId: 'updateWebhookEndpoint', summary: 'Change url, events, description, or status (enabled re-enables a disabled endpoint)', path: true, body: patchEndpointBodySchema, ok: [200, ref('WebhookEndpoint')], errors: [400, 404, 409] }),
        delete: operation({ operationId: 'deleteWebhookEndpoint', summary: 'Delete a webhook endpoint', path: true, ok: [200, jsonSchema(deletedEndpointSchema)], errors: [404, 409] }),
      },
      '/v1/webhook_endpoints/{id}/rotate_secret': {
        post: operation({ operationId: 'rotateWebhookSecret', summary: 'A new secret; the old one keeps signing (a second signature) for 24 hours', path: true, ok: [200, ref('WebhookEndpoint')], errors: [404, 409] }),
      },
      '/v1/webhook_endpoints/{id}/test': {
        post: operation({ operationId: 'testWebhookEndpoint', summary: 'Deliver a synthetic event ("synthetic": true) to this endpoint', path: true, body: testEventBodySchema, ok: [200, jsonSchema(testEventResultSchema)], errors: [400, 404, 409] }),
      },
      '/v1/webhook_endpoints/{id}/deliveries': {
        get: operation({ operationId: 'listWebhookDeliveries', summary: 'Delivery attempts, newest first: event, attempt, time, response status or error, duration', path: true, query: deliveriesQuerySchema, ok: [200, jsonSchema(deliveryListSchema)], errors: [400, 404] }),
      },
      '/v1/pricing': { get: operation({ operationId: 'getPricing', summary: 'The rate card of the applied version, in credits', ok: [200, jsonSchema(pricingSchema)], errors: [400] }) },
      '/v1/balance': { get: operation({ operationId: 'getBalance', summary: "The team's credits", ok: [200, jsonSchema(balanceSchema)], errors: [] }) },
      '/v1/files/{key}': {
        get: {
          operationId: 'getFile',
          summary: 'A ref or output image, by the signed URL found in refs[].url or output_urls (no API key)',
          security: [],
          parameters: [
            { name: 'key', in: 'path', required: true, schema: { type: 'string' } },
            { name: 'expires', in: 'query', required: true, schema: { type: 'string' } },
            { name: 'sig', in: 'query', required: true, schema: { type: 'string' } },
          ],
          responses: {
            200: { description: 'The image', content: { 'image/png': { schema: { type: 'string', contentMediaType: 'image/png' } } } },
            403: json(ref('Error'), 'Error 403: bad or expired URL'),
            404: json(ref('Error'), 'Error 404: the file no longer exists'),
          },
        },
      },
      '/healthz': { get: publicOperation('getHealth', 'Liveness: the API process answers', jsonSchema(healthSchema), []) },
      '/readyz': { get: publicOperation('getReadiness', 'Readiness: Temporal answers and a worker polls the task queue', jsonSchema(readySchema), [503]) },
    },
  };
}

let cached: object | undefined;

/** The document, built once per process. */
export function openApiDocument(): object {
  cached ??= build();
  return cached;
}

export const openApiRoute: RequestHandler = (_req, res) => {
  res.json(openApiDocument());
};

const escape = (text: unknown) => String(text ?? '').replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

/** A readable reference page rendered from the document: no scripts, no external assets. */
export const docsRoute: RequestHandler = (_req, res) => {
  const doc = openApiDocument() as { info: { title: string; description: string; version: string }; paths: Record<string, Record<string, any>>; components: { schemas: Record<string, unknown> } };
  const sections = Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => {
      const params = (op.parameters ?? []).map((p: any) => `<li><code>${escape(p.name)}</code> (${escape(p.in)}${p.required ? ', required' : ''})</li>`).join('');
      const bodies = Object.entries((op.requestBody?.content ?? {}) as Record<string, { schema: unknown }>);
      const requestBody = bodies.map(([type, media]) => `<h4>Body (${escape(type)})</h4><pre>${escape(JSON.stringify(media.schema, null, 2))}</pre>`).join('');
      const responses = Object.entries(op.responses)
        .map(([code, r]: [string, any]) => `<li><b>${escape(code)}</b> ${escape(r.description)}</li>`)
        .join('');
      return `<section><h3><code>${method.toUpperCase()} ${escape(path)}</code></h3><p>${escape(op.summary)}</p>${params ? `<h4>Parameters</h4><ul>${params}</ul>` : ''}${requestBody}<h4>Responses</h4><ul>${responses}</ul></section>`;
    }),
  );
  const schemas = Object.entries(doc.components.schemas)
    .map(([name, schema]) => `<section><h3 id="${escape(name)}">${escape(name)}</h3><pre>${escape(JSON.stringify(schema, null, 2))}</pre></section>`)
    .join('');
  res.type('html').send(
    `<!doctype html><html><head><meta charset="utf-8"><title>${escape(doc.info.title)}</title><style>body{font:15px/1.5 system-ui,sans-serif;max-width:960px;margin:2em auto;padding:0 1em}pre{background:#f4f4f4;padding:.8em;overflow:auto}section{border-top:1px solid #ddd;padding:.5em 0}</style></head><body><h1>${escape(doc.info.title)}</h1><p>${escape(doc.info.description)}</p><p>Version ${escape(doc.info.version)} · <a href="/openapi.json">openapi.json</a></p><h2>Routes</h2>${sections.join('')}<h2>Schemas</h2>${schemas}</body></html>`,
  );
};
