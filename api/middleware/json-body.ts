/** Request bodies: JSON only, UTF-8 only, at most BODY_LIMIT; every refusal in the contract's envelope. */
import express, { type ErrorRequestHandler, type RequestHandler } from 'express';
import { ApiError } from '../errors.js';

const BODY_LIMIT = '64kb';
const UTF8 = new Set(['utf-8', 'utf8']);

const requireJson: RequestHandler = (req, _res, next) => {
  const hasBody = Number(req.get('content-length') ?? 0) > 0 || req.get('transfer-encoding') !== undefined;
  if (hasBody && !req.is('application/json')) {
    throw new ApiError(400, 'parameter_invalid', 'Request bodies must be JSON: send Content-Type: application/json.', 'Content-Type');
  }
  next();
};

/**
 * The JSON parser alone decodes malformed UTF-8 into U+FFFD and would store that; a fatal decode
 * refuses it instead. The parser also accepts UTF-16 and UTF-32 charsets, which the contract does not.
 */
function verifyUtf8(_req: unknown, _res: unknown, body: Buffer, encoding: string): void {
  if (!UTF8.has(encoding.toLowerCase())) throw Object.assign(new Error(encoding), { type: 'charset.unsupported' });
  new TextDecoder('utf-8', { fatal: true }).decode(body);
}

const bodyErrors: ErrorRequestHandler = (err, _req, _res, next) => {
  const type = (err as { type?: string }).type;
  if (type === 'entity.parse.failed') return next(new ApiError(400, 'invalid_json', 'The request body is not valid JSON.'));
  if (type === 'entity.verify.failed') return next(new ApiError(400, 'invalid_json', 'The request body is not valid UTF-8: encode it as UTF-8 (JSON escapes like \\u00e9 are fine).'));
  if (type === 'entity.too.large') return next(new ApiError(413, 'payload_too_large', `The request body is larger than ${BODY_LIMIT}.`));
  if (type === 'encoding.unsupported' || type === 'charset.unsupported') {
    return next(new ApiError(400, 'parameter_invalid', 'Request bodies must be UTF-8 JSON: send Content-Type: application/json; charset=utf-8.', 'Content-Type'));
  }
  next(err);
};

/** Parses JSON bodies into `req.body`; mount before the routes. */
export const jsonBody = [requireJson, express.json({ limit: BODY_LIMIT, strict: true, verify: verifyUtf8 }), bodyErrors];
