/** A known path with the wrong method is 405 with `Allow`, not a 404. */
import type { RequestHandler } from 'express';
import { ApiError } from '../errors.js';

const ROUTES: [RegExp, string[]][] = [
  [/^\/v1\/characters\/?$/, ['GET', 'POST']],
  [/^\/v1\/characters\/[^/]+\/?$/, ['GET', 'PATCH', 'DELETE']],
  [/^\/v1\/characters\/[^/]+\/(save|resynthesize)\/?$/, ['POST']],
  [/^\/v1\/characters\/[^/]+\/refs\/regenerate\/?$/, ['POST']],
  [/^\/v1\/characters\/[^/]+\/events\/?$/, ['GET']],
  [/^\/v1\/balance\/?$/, ['GET']],
  [/^\/v1\/files\/.+$/, ['GET']],
  [/^\/(healthz|readyz|openapi\.json|docs)$/, ['GET']],
  [/^\/console(\/.*)?$/, ['GET']],
];

export const methodNotAllowed: RequestHandler = (req, res, next) => {
  const allowed = ROUTES.find(([pattern]) => pattern.test(req.path))?.[1];
  if (!allowed || allowed.includes(req.method) || (req.method === 'HEAD' && allowed.includes('GET'))) return next();
  res.setHeader('Allow', allowed.join(', '));
  throw new ApiError(405, 'method_not_allowed', `${req.method} is not allowed on ${req.path}. Allowed: ${allowed.join(', ')}.`);
};
