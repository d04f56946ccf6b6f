/** The image routes (see /openapi.json): each parses, calls one use case, sends the result. */
import { randomInt } from 'node:crypto';
import { type Request, Router } from 'express';
import type { z } from 'zod';
import { DEFAULT_SIZE_PRESET, IMAGE_DEFAULTS, type ImageSpec, MAX_SEED, presetSize, snapSide } from '../../domain/images.js';
import { RATE_CARD } from '../../domain/pricing.js';
import { callOf } from '../context.js';
import { ApiError } from '../errors.js';
import { noQuery } from '../middleware/no-query.js';
import { presentImage } from '../present-image.js';
import { emptyBodySchema, imageBodySchema, imageListQuerySchema, parse } from '../schemas.js';
import type { RouteDeps } from './route-deps.js';
import type { Images } from '../use-cases/images.js';
import type { TargetRules } from '../../activities/webhooks/targets.js';
import { checkWebhookUrl } from '../webhook-targets.js';

export interface ImageRouteDeps extends RouteDeps {
  images: Images;
  webhookRules: TargetRules;
}

/** The body as the generation's spec: a preset or custom sides (snapped), the defaults, a seed. */
export function imageSpecOf(body: z.output<typeof imageBodySchema>): ImageSpec {
  const custom = body.width !== undefined || body.height !== undefined;
  if (custom && body.size !== undefined) {
    throw new ApiError(400, 'parameter_invalid_combination', 'Send either size or width and height, not both.', 'size');
  }
  if (custom && (body.width === undefined || body.height === undefined)) {
    const missing = body.width === undefined ? 'width' : 'height';
    throw new ApiError(400, 'parameter_missing', `${missing} is required with ${missing === 'width' ? 'height' : 'width'}: send both, or a size preset.`, missing);
  }
  const sizePreset = custom ? null : (body.size ?? DEFAULT_SIZE_PRESET);
  const { width, height } = sizePreset ? presetSize(sizePreset) : { width: snapSide(body.width!), height: snapSide(body.height!) };
  return {
    prompt: body.prompt,
    negativePrompt: body.negative_prompt ?? null,
    characterId: body.character_id ?? null,
    sizePreset,
    width,
    height,
    count: body.count ?? IMAGE_DEFAULTS.count,
    seed: body.seed ?? randomInt(0, MAX_SEED + 1),
    denoiseStrength: body.denoise_strength ?? IMAGE_DEFAULTS.denoiseStrength,
    steps: body.steps ?? IMAGE_DEFAULTS.steps,
    guidanceScale: body.guidance_scale ?? IMAGE_DEFAULTS.guidanceScale,
    webhookUrl: body.webhook_url ?? null,
    clientReferenceId: body.client_reference_id ?? null,
  };
}

export function imageRoutes({ images, links, baseUrl, limit, idempotent, webhookRules }: ImageRouteDeps): Router {
  const router = Router();
  const post = [limit('images_post'), noQuery];
  const get = limit('images_get');
  const send = (req: Request, image: Parameters<typeof presentImage>[0]) => presentImage(image, links, baseUrl(req));

  router.post('/v1/images', ...post, idempotent({ mints: 'image' }), async (req, res) => {
    const spec = imageSpecOf(parse(imageBodySchema, req.body));
    if (spec.webhookUrl) await checkWebhookUrl(spec.webhookUrl, webhookRules, 'webhook_url');
    res.status(201).json(await send(req, await images.create(callOf(res), spec)));
  });

  router.post('/v1/images/estimate', limit('estimate_post'), noQuery, idempotent(), async (req, res) => {
    const spec = imageSpecOf(parse(imageBodySchema, req.body));
    const amount = await images.estimate(callOf(res), spec);
    res.json({ object: 'estimate', estimated_cost: { amount, breakdown: { base: amount } }, currency: 'credit' });
  });

  router.get('/v1/images', get, async (req, res) => {
    const query = parse(imageListQuerySchema, req.query);
    const page = await images.list(callOf(res), { limit: query.limit, startingAfter: query.starting_after, status: query.status, characterId: query.character_id });
    res.json({ object: 'list', data: await Promise.all(page.data.map((i) => send(req, i))), has_more: page.hasMore, next_cursor: page.hasMore ? page.data.at(-1)!.id : null });
  });

  router.get('/v1/images/:id', get, noQuery, async (req, res) => {
    res.json(await send(req, await images.get(callOf(res), String(req.params.id))));
  });

  router.post('/v1/images/:id/cancel', ...post, idempotent(), async (req, res) => {
    parse(emptyBodySchema, req.body);
    res.json(await send(req, await images.cancel(callOf(res), String(req.params.id))));
  });

  router.get('/v1/pricing', limit('characters_get'), noQuery, (_req, res) => {
    res.json({ object: 'pricing', aurous_version: callOf(res).version, ...RATE_CARD });
  });

  return router;
}
