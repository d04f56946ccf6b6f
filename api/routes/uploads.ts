/**
 * The upload flow's routes: init and classify (with the API key), and the PUT of the bytes, whose
 * signed URL is the grant (no key), served before the JSON body parser: its body is an image.
 */
import { type Request, Router } from 'express';
import { MAX_UPLOAD_BYTES, UPLOAD_TYPES } from '../../domain/uploads.js';
import { callOf, localsOf } from '../context.js';
import { ApiError } from '../errors.js';
import { noQuery } from '../middleware/no-query.js';
import { parse, uploadClassifyBodySchema, uploadInitBodySchema } from '../schemas.js';
import type { UrlSigner } from '../signing.js';
import type { Uploads } from '../use-cases/uploads.js';
import type { RouteDeps } from './route-deps.js';

export interface UploadRouteDeps extends RouteDeps {
  uploads: Uploads;
  /** Signs PUT URLs (15 minutes by default). */
  uploadSigner: UrlSigner;
}

const tooLarge = () => new ApiError(413, 'payload_too_large', `An upload is at most ${MAX_UPLOAD_BYTES / 1024 / 1024} MB.`);

/** The body, refused with 413 as soon as it passes `max` bytes: never more than that is held. */
async function readLimited(req: Request, max: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > max) throw tooLarge();
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** `PUT /v1/uploads/{id}?expires&sig`: mounted before the JSON parser and the API key check. */
export function uploadPutRoute({ uploads, uploadSigner }: Pick<UploadRouteDeps, 'uploads' | 'uploadSigner'>): Router {
  const router = Router();
  router.put('/v1/uploads/:id', async (req, res) => {
    const id = String(req.params.id);
    const ticket = uploadSigner.verify(id, req.query.expires, req.query.sig) ? await uploads.ticket(id) : null;
    if (!ticket) throw new ApiError(403, 'url_invalid_or_expired', 'This upload URL is invalid or has expired. Start a new upload with POST /v1/characters/uploads/init.');
    const declared = req.get('content-type');
    if (declared && declared.split(';')[0]!.trim().toLowerCase() !== ticket.contentType) {
      throw new ApiError(400, 'upload_invalid', `This upload was declared ${ticket.contentType}; send it with Content-Type: ${ticket.contentType}.`, 'Content-Type');
    }
    if (Number(req.get('content-length') ?? 0) > MAX_UPLOAD_BYTES) throw tooLarge();
    // A refusal before the whole body arrived closes the connection rather than draining it.
    res.setHeader('Connection', 'close');
    const image = await uploads.receive(ticket, await readLimited(req, MAX_UPLOAD_BYTES), localsOf(res).requestId);
    res.removeHeader('Connection');
    res.json({ upload_id: ticket.id, status: 'uploaded', width: image.width, height: image.height, size: image.size, sha256: image.sha256 });
  });
  return router;
}

export function uploadRoutes({ uploads, uploadSigner, baseUrl, limit, idempotent }: UploadRouteDeps): Router {
  const router = Router();
  const post = [limit('characters_post'), noQuery];

  router.post('/v1/characters/uploads/init', ...post, idempotent({ mints: 'upload' }), async (req, res) => {
    const body = parse(uploadInitBodySchema, req.body);
    if (UPLOAD_TYPES[body.extension] !== body.content_type) {
      throw new ApiError(400, 'parameter_invalid_combination', `extension ${body.extension} goes with content_type ${UPLOAD_TYPES[body.extension]}, not ${body.content_type}.`, 'content_type');
    }
    const ticket = await uploads.init(callOf(res), { filename: body.filename, extension: body.extension });
    res.status(201).json({
      object: 'upload',
      upload_id: ticket.id,
      upload_url: `${baseUrl(req)}${uploadSigner.sign(ticket.id)}`,
      upload_headers: { 'Content-Type': ticket.contentType },
      expires_at: uploadSigner.expiry().toISOString(),
    });
  });

  router.post('/v1/characters/uploads/classify', ...post, idempotent(), async (req, res) => {
    const body = parse(uploadClassifyBodySchema, req.body);
    const guess = await uploads.classify(callOf(res), body.upload_id);
    res.json({ upload_id: body.upload_id, pose: guess.pose, confidence: guess.confidence });
  });

  return router;
}
