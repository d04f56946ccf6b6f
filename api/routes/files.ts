/** `GET /v1/files/{key}`: images by signed, expiring URL; no API key, the signature is the grant. */
import { Router } from 'express';
import { pipeline } from 'node:stream/promises';
import type { BlobStore } from '../../activities/blobs/store.js';
import { ApiError, notFound } from '../errors.js';
import type { UrlSigner } from '../signing.js';

export function fileRoutes(blobs: BlobStore, signer: UrlSigner): Router {
  const router = Router();
  router.get('/v1/files/*key', async (req, res) => {
    const key = (req.params as { key: string[] }).key.join('/');
    if (!signer.verify(key, req.query.expires, req.query.sig)) {
      throw new ApiError(403, 'url_invalid_or_expired', 'This file URL is invalid or has expired. Fetch the character again for fresh URLs.');
    }
    const blob = await blobs.get(key);
    if (!blob) throw notFound('file', 'url');
    const remaining = Math.max(0, Number(req.query.expires) - Math.floor(Date.now() / 1000));
    res.setHeader('Content-Type', blob.contentType);
    res.setHeader('Content-Length', String(blob.size));
    // A key's bytes never change: cache for as long as the URL stays valid.
    res.setHeader('Cache-Control', `private, max-age=${remaining}, immutable`);
    await pipeline(blob.body, res);
  });
  return router;
}
