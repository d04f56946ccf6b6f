/** What the middleware learns about a request, attached to `res.locals`. */
import type { Response } from 'express';
import type { CallContext } from './use-cases/characters.js';

export interface RequestLocals {
  requestId: string;
  /** Set once the API key is resolved. */
  teamId?: string;
  version: string;
  /** Fixed by an Idempotency-Key: the Update id (or, for a create, the character id) to use. */
  operationId?: string;
}

export function localsOf(res: Response): RequestLocals {
  return res.locals as RequestLocals;
}

/** The call context of an authenticated request. */
export function callOf(res: Response): CallContext {
  const { teamId, requestId, version, operationId } = localsOf(res);
  if (!teamId) throw new Error('callOf used on an unauthenticated route');
  return { teamId, requestId, version, operationId };
}
