/** The wire shapes of requests, validated with zod; `parse` turns a failure into the contract's 400. */
import { z } from 'zod';
import { attributesSchema } from '../domain/attributes.js';
import { plainText } from '../domain/plain-text.js';
import { AUDIT_EVENT_TYPES } from '../domain/audit-events.js';
import { POSES, STATUSES, VISIBLE_STATUSES } from '../domain/character.js';
import { AUDIT_EVENT_ID_PATTERN, CHARACTER_ID_PATTERN, ID_PREFIX, IMAGE_ID_PATTERN, UPLOAD_ID_PATTERN } from '../domain/ids.js';
import { UPLOAD_CONTENT_TYPES, UPLOAD_EXTENSIONS } from '../domain/uploads.js';
import { IMAGE_STATUSES, MAX_SEED, MAX_SIDE, MIN_SIDE, SIZE_PRESETS } from '../domain/images.js';
import { ApiError } from './errors.js';

const text = (max: number) => z.string().max(max);

/** A character's name, as create and PATCH accept it. */
const nameSchema = plainText(80).min(1);

export const characterIdSchema = z.string().regex(CHARACTER_ID_PATTERN);

/** Both flows of a create; which one (exactly one) is checked after parsing. */
export const createBodySchema = z.strictObject({
  name: nameSchema,
  generate: z.literal(true).optional(),
  upload_ids: z.array(z.string().max(100)).optional(),
  attributes: attributesSchema.nullable().optional(),
  client_reference_id: text(200).nullable().optional(),
});

/** PATCH: a strict whitelist; any other field is refused, never silently ignored. */
export const patchBodySchema = z.strictObject({
  name: nameSchema.optional(),
  attributes: attributesSchema.nullable().optional(),
});

export const regenerateBodySchema = z.strictObject({
  pose: z.enum(POSES),
  prompt_override: text(1000).optional(),
});

export const resynthesizeBodySchema = z.strictObject({
  force_all: z.boolean().optional(),
});

export const emptyBodySchema = z.strictObject({});

export const listQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  starting_after: characterIdSchema.optional(),
  status: z.enum(VISIBLE_STATUSES).optional(),
});

export const eventsQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(50),
  starting_after: z.string().regex(AUDIT_EVENT_ID_PATTERN).optional(),
});

function describeIssue(issue: z.core.$ZodIssue, param: string): string {
  switch (issue.code) {
    case 'invalid_type':
      return `${param} must be ${article(issue.expected)}.`;
    case 'too_small':
      return issue.origin === 'string' ? `${param} must be at least ${issue.minimum} character${issue.minimum === 1 ? '' : 's'} long.` : `${param} must be at least ${issue.minimum}.`;
    case 'too_big':
      return issue.origin === 'string' ? `${param} must be at most ${issue.maximum} characters long.` : `${param} must be at most ${issue.maximum}.`;
    case 'invalid_value':
      return `${param} must be one of: ${issue.values.map((v) => JSON.stringify(v)).join(', ')}.`;
    case 'invalid_format':
      return `${param} is not a valid ${param === 'starting_after' || param === 'id' ? `character id (${ID_PREFIX.character}…)` : issue.format}.`;
    case 'custom':
      return `${param} ${issue.message}.`;
    default:
      return `${param} is invalid: ${issue.message}.`;
  }
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

/** Validates `input` against `schema`, or throws the 400 that names the first offending field. */
export function parse<T extends z.ZodType>(schema: T, input: unknown, prefix = ''): z.output<T> {
  const result = schema.safeParse(input ?? {}, { reportInput: true });
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const path = [prefix, ...issue.path.map(String)].filter(Boolean).join('.');
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys.map((k) => (path ? `${path}.${k}` : k));
    return fail(
      new ApiError(400, 'parameter_unknown', `Unknown parameter${keys.length > 1 ? 's' : ''}: ${keys.join(', ')}. ${path ? '' : 'Remove them; they are not part of this request.'}`.trim(), keys[0]),
    );
  }
  if ('input' in issue && issue.input === undefined) {
    return fail(new ApiError(400, 'parameter_missing', `${path || 'body'} is required.`, path || undefined));
  }
  if (issue.code === 'invalid_type' && !path) {
    return fail(new ApiError(400, 'parameter_invalid', 'The request body must be a JSON object.'));
  }
  return fail(new ApiError(400, 'parameter_invalid', describeIssue(issue, path), path));
}

function fail(error: ApiError): never {
  throw error;
}

// Responses: what the routes send, declared for the OpenAPI document (api/openapi.ts).
export const characterResourceSchema = z.object({
  id: z.string().regex(CHARACTER_ID_PATTERN),
  object: z.literal('character'),
  name: z.string(),
  status: z.enum(STATUSES),
  refs: z.array(z.object({ pose: z.enum(POSES), url: z.url() })),
  created_at: z.iso.datetime(),
  updated_at: z.iso.datetime(),
  client_reference_id: z.string().nullable(),
  attributes: attributesSchema.nullable(),
  error_message: z.string().nullable(),
  aurous_version: z.string(),
});

export const characterListSchema = z.object({
  object: z.literal('list'),
  data: z.array(characterResourceSchema),
  has_more: z.boolean(),
  next_cursor: z.string().nullable(),
});

export const deletedCharacterSchema = z.object({ id: z.string(), object: z.literal('character'), deleted: z.literal(true) });

export const balanceSchema = z.object({ object: z.literal('balance'), credits: z.number().int() });

export const eventSchema = z.object({
  id: z.string(),
  type: z.enum(AUDIT_EVENT_TYPES),
  created_at: z.iso.datetime(),
  request_id: z.string().nullable(),
  data: z.record(z.string(), z.unknown()),
});

export const eventListSchema = z.object({ object: z.literal('list'), data: z.array(eventSchema), has_more: z.boolean(), next_cursor: z.string().nullable() });

export const errorSchema = z.object({
  error: z.object({
    type: z.enum(['invalid_request_error', 'authentication_error', 'rate_limit_error', 'api_error']),
    code: z.string(),
    message: z.string(),
    param: z.string().optional(),
    request_id: z.string(),
  }),
});

// Image generations.
const prompt = (max: number) => z.string().max(max);

/** POST /v1/images and /v1/images/estimate: the same body, the same validation. */
export const imageBodySchema = z.strictObject({
  prompt: prompt(4000).min(1).refine((p) => p.trim().length > 0, 'must not be only whitespace'),
  negative_prompt: prompt(4000).nullable().optional(),
  character_id: z.string().max(100).nullable().optional(),
  size: z.enum(SIZE_PRESETS).optional(),
  width: z.number().int().min(MIN_SIDE).max(MAX_SIDE).optional(),
  height: z.number().int().min(MIN_SIDE).max(MAX_SIDE).optional(),
  count: z.number().int().min(1).max(4).optional(),
  seed: z.number().int().min(0).max(MAX_SEED).optional(),
  denoise_strength: z.number().min(0).max(1).optional(),
  steps: z.number().int().min(1).max(100).optional(),
  guidance_scale: z.number().min(0.1).max(30).optional(),
  // https and a public address, unless the deployment allows others: checked with DNS (api/webhook-targets.ts).
  webhook_url: z.url({ protocol: /^https?$/ }).max(2048).optional(),
  client_reference_id: text(200).nullable().optional(),
});

export const imageListQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  starting_after: z.string().regex(IMAGE_ID_PATTERN).optional(),
  status: z.enum(IMAGE_STATUSES).optional(),
  character_id: z.string().regex(CHARACTER_ID_PATTERN).optional(),
});

export const imageResourceSchema = z.object({
  id: z.string().regex(IMAGE_ID_PATTERN),
  object: z.literal('inference'),
  media_type: z.literal('image'),
  status: z.enum(IMAGE_STATUSES),
  inference_type: z.enum(['t2i', 'i2i']),
  prompt: z.string(),
  negative_prompt: z.string().nullable(),
  character_id: z.string().nullable(),
  size_preset: z.enum(SIZE_PRESETS).nullable(),
  width: z.number().int(),
  height: z.number().int(),
  image_count: z.number().int(),
  seed: z.number().int(),
  denoise_strength: z.number(),
  steps: z.number().int(),
  guidance_scale: z.number(),
  output_urls: z.array(z.url()),
  cost: z.object({ amount: z.number().int(), currency: z.literal('credit') }),
  error_message: z.string().nullable(),
  duration_ms: z.number().int().nullable(),
  created_at: z.iso.datetime(),
  completed_at: z.iso.datetime().nullable(),
  client_reference_id: z.string().nullable(),
  aurous_version: z.string(),
});

export const imageListSchema = z.object({ object: z.literal('list'), data: z.array(imageResourceSchema), has_more: z.boolean(), next_cursor: z.string().nullable() });

export const estimateSchema = z.object({
  object: z.literal('estimate'),
  estimated_cost: z.object({ amount: z.number().int(), breakdown: z.object({ base: z.number().int() }) }),
  currency: z.literal('credit'),
});

export const pricingSchema = z.object({
  object: z.literal('pricing'),
  aurous_version: z.string(),
  character: z.object({ synthesize: z.number().int(), resynthesize: z.number().int(), regenerate: z.number().int() }),
  image: z.object({ '2k': z.number().int(), '4k': z.number().int() }),
});

// Operations: /healthz and /readyz (a not-ready API answers 503 in the error envelope).
export const healthSchema = z.object({ status: z.literal('ok') });
export const readySchema = z.object({ status: z.literal('ready') });

// The upload flow.
export const uploadInitBodySchema = z.strictObject({
  filename: z.string().min(1).max(120),
  extension: z.enum(UPLOAD_EXTENSIONS),
  content_type: z.enum(UPLOAD_CONTENT_TYPES),
});

export const uploadClassifyBodySchema = z.strictObject({ upload_id: z.string().min(1).max(100) });

export const uploadTicketSchema = z.object({
  object: z.literal('upload'),
  upload_id: z.string().regex(UPLOAD_ID_PATTERN),
  upload_url: z.url(),
  upload_headers: z.object({ 'Content-Type': z.enum(UPLOAD_CONTENT_TYPES) }),
  expires_at: z.iso.datetime(),
});

export const uploadedSchema = z.object({
  upload_id: z.string().regex(UPLOAD_ID_PATTERN),
  status: z.literal('uploaded'),
  width: z.number().int(),
  height: z.number().int(),
  size: z.number().int(),
  sha256: z.string(),
});

export const poseGuessSchema = z.object({ upload_id: z.string(), pose: z.enum(POSES), confidence: z.number().min(0).max(1) });
