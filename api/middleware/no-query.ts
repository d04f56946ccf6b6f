import type { RequestHandler } from 'express';
import { ApiError } from '../errors.js';

/** Routes that take no query parameters refuse them rather than ignore them silently. */
export const noQuery: RequestHandler = (req, _res, next) => {
  const keys = Object.keys(req.query);
  if (keys.length > 0) {
    throw new ApiError(400, 'parameter_unknown', `Unknown query parameter${keys.length > 1 ? 's' : ''}: ${keys.join(', ')}. This route takes none.`, keys[0]);
  }
  next();
};
