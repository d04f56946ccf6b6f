/** The character routes (see /openapi.json): each parses, calls one use case, sends the result. */
import { type Request, type RequestHandler, type Response, Router } from 'express';
import type { Characters } from '../use-cases/characters.js';
import { noQuery } from '../middleware/no-query.js';
import { callOf } from '../context.js';
import { ApiError } from '../errors.js';
import { MAX_UPLOADS_PER_CHARACTER } from '../../domain/uploads.js';
import { presentCharacter } from '../present.js';
import {
  createBodySchema,
  emptyBodySchema,
  eventsQuerySchema,
  listQuerySchema,
  parse,
  patchBodySchema,
  regenerateBodySchema,
  resynthesizeBodySchema,
} from '../schemas.js';
import type { RouteDeps } from './route-deps.js';

export interface CharacterRouteDeps extends RouteDeps {
  characters: Characters;
}

export function characterRoutes({ characters, links, baseUrl, limit, idempotent }: CharacterRouteDeps): Router {
  const router = Router();
  const get = limit('characters_get');
  const post = [limit('characters_post'), noQuery, idempotent()];
  const synthesize = [limit('characters_synthesize'), noQuery, idempotent()];
  const send = async (req: Request, res: Response, status: number, character: Parameters<typeof presentCharacter>[0]) =>
    res.status(status).json(await presentCharacter(character, links, baseUrl(req)));

  // The upload flow is free and counts against characters_post; synthesis against characters_synthesize.
  const createBucket: RequestHandler = (req, res, next) => limit(isUploadFlow(req.body) ? 'characters_post' : 'characters_synthesize')(req, res, next);

  router.post('/v1/characters', createBucket, noQuery, idempotent({ mints: 'character' }), async (req, res) => {
    const body = parse(createBodySchema, req.body);
    const character = await characters.create(callOf(res), {
      name: body.name,
      attributes: body.attributes ?? null,
      clientReferenceId: body.client_reference_id ?? null,
      uploadIds: uploadIdsOf(body),
    });
    await send(req, res, 201, character);
  });

  router.get('/v1/characters', get, async (req, res) => {
    const query = parse(listQuerySchema, req.query);
    const page = await characters.list(callOf(res), { limit: query.limit, startingAfter: query.starting_after, status: query.status });
    res.json({
      object: 'list',
      data: await Promise.all(page.data.map((c) => presentCharacter(c, links, baseUrl(req)))),
      has_more: page.hasMore,
      next_cursor: page.hasMore ? page.data.at(-1)!.id : null,
    });
  });

  router.get('/v1/characters/:id', get, noQuery, async (req, res) => {
    await send(req, res, 200, await characters.get(callOf(res), idOf(req)));
  });

  router.get('/v1/characters/:id/events', get, async (req, res) => {
    const query = parse(eventsQuerySchema, req.query);
    const page = await characters.events(callOf(res), idOf(req), { limit: query.limit, startingAfter: query.starting_after });
    res.json({ object: 'list', data: page.data, has_more: page.hasMore, next_cursor: page.hasMore ? page.data.at(-1)!.id : null });
  });

  router.patch('/v1/characters/:id', ...post, async (req, res) => {
    const body = parse(patchBodySchema, req.body);
    await send(req, res, 200, await characters.update(callOf(res), idOf(req), { name: body.name, attributes: body.attributes }));
  });

  router.post('/v1/characters/:id/save', ...post, async (req, res) => {
    parse(emptyBodySchema, req.body);
    await send(req, res, 200, await characters.save(callOf(res), idOf(req)));
  });

  router.post('/v1/characters/:id/refs/regenerate', ...synthesize, async (req, res) => {
    const body = parse(regenerateBodySchema, req.body);
    await send(req, res, 200, await characters.regenerateRef(callOf(res), idOf(req), body.pose, body.prompt_override));
  });

  router.post('/v1/characters/:id/resynthesize', ...synthesize, async (req, res) => {
    parse(resynthesizeBodySchema, req.body);
    await send(req, res, 200, await characters.resynthesize(callOf(res), idOf(req)));
  });

  router.delete('/v1/characters/:id', ...post, async (req, res) => {
    parse(emptyBodySchema, req.body);
    const result = await characters.delete(callOf(res), idOf(req));
    res.json({ id: result.id, object: 'character', deleted: true });
  });

  return router;
}

function idOf(req: Request): string {
  return String(req.params.id);
}

function isUploadFlow(body: unknown): boolean {
  return typeof body === 'object' && body !== null && 'upload_ids' in body && !('generate' in body);
}

/** Exactly one flow: `generate: true` or 1–6 distinct `upload_ids`. */
function uploadIdsOf(body: { generate?: true; upload_ids?: string[] }): string[] | undefined {
  if ((body.generate === undefined) === (body.upload_ids === undefined)) {
    throw new ApiError(400, 'parameter_invalid_combination', 'Send either generate: true (synthesize the character) or upload_ids (make it from your uploads), exactly one of them.', body.generate ? 'upload_ids' : 'generate');
  }
  const ids = body.upload_ids;
  if (!ids) return undefined;
  if (ids.length < 1 || ids.length > MAX_UPLOADS_PER_CHARACTER || new Set(ids).size !== ids.length) {
    throw new ApiError(400, 'upload_invalid', `upload_ids must list 1 to ${MAX_UPLOADS_PER_CHARACTER} distinct uploads; got ${ids.length}${new Set(ids).size !== ids.length ? ' with repeats' : ''}.`, 'upload_ids');
  }
  return ids;
}
