import type { RequestHandler } from 'express';
import { newId } from '../../domain/new-id.js';
import { DEFAULT_VERSION } from '../../domain/versions.js';
import { localsOf } from '../context.js';

/** Every response carries `Aurous-Request-Id`; logs and the audit trail carry the same id. */
export const requestId: RequestHandler = (_req, res, next) => {
  const locals = localsOf(res);
  locals.requestId = newId('request');
  locals.version = DEFAULT_VERSION;
  res.setHeader('Aurous-Request-Id', locals.requestId);
  res.setHeader('Aurous-Version', locals.version);
  next();
};
