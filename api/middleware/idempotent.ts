/**
 * `Idempotency-Key` on POST, PATCH and DELETE (README, "Idempotency"). The first request proceeds with
 * operation ids the key's record fixes; a retry of it — after a crash, on any replica — re-issues
 * the same Temporal operation and Temporal runs it once. A finished 2xx is replayed byte for byte;
 * a 4xx frees the key.
 */
import type { RequestHandler, Response } from 'express';
import type { IdKind } from '../../domain/ids.js';
import { newId, newIdempotentUpdateId } from '../../domain/new-id.js';
import type { Logger } from '../../platform/logger.js';
import { callOf, localsOf } from '../context.js';
import { ApiError } from '../errors.js';
import { type IdempotencyKeys, KEY_PATTERN, fingerprintOf } from '../use-cases/idempotency-keys.js';

export interface IdempotentOptions {
  mints?: IdKind;
  /** For responses that show a secret: how the stored copy hides it (the record is a workflow history). */
  protect?: { seal(body: string): string; unseal(body: string): string };
}

function sendStored(res: Response, status: number, body: string, replayed: boolean): void {
  if (replayed) res.setHeader('Aurous-Idempotent-Replayed', 'true');
  res.status(status).type('application/json').send(body);
}

/** `mints`: the route creates a resource of that kind, so the operation id is its id. */
export function idempotent(keys: IdempotencyKeys, log: Logger, options: IdempotentOptions = {}): RequestHandler {
  return async (req, res, next) => {
    const key = req.get('Idempotency-Key');
    if (key === undefined) return next();
    if (!KEY_PATTERN.test(key)) {
      throw new ApiError(400, 'parameter_invalid', 'Idempotency-Key must be 1 to 256 printable ASCII characters.', 'Idempotency-Key');
    }
    const { teamId, requestId } = callOf(res);
    const claim = await keys.claim(teamId, key, {
      fingerprint: fingerprintOf(req.method, req.path, req.body),
      requestId,
      proposedOperationId: options.mints ? newId(options.mints) : newIdempotentUpdateId(),
    });
    const unseal = (body: string) => options.protect?.unseal(body) ?? body;
    if (claim.kind === 'replay') return sendStored(res, claim.response.status, unseal(claim.response.body), true);
    if (claim.kind === 'conflict') {
      throw new ApiError(
        409,
        'idempotency_key_in_use',
        'This Idempotency-Key was already used with a different request (another route or another body) in the last 24 hours. Use a new key for a new request.',
        'Idempotency-Key',
      );
    }
    localsOf(res).operationId = claim.operationId;

    // Hold the response until the key's record knows the outcome; a concurrent twin may have won.
    const sendJson = res.json.bind(res);
    res.json = (payload: unknown) => {
      const status = res.statusCode;
      const body = JSON.stringify(payload);
      if (status >= 200 && status < 300) {
        keys
          .complete(teamId, key, claim.generation, { status, body: options.protect?.seal(body) ?? body })
          .then((stored) => {
            const storedBody = unseal(stored.body);
            sendStored(res, stored.status, storedBody, storedBody !== body || stored.status !== status);
          })
          .catch((err) => {
            log.warn({ err, requestId }, 'could not store an idempotent response; a retry will re-run the (deduplicated) operation');
            sendStored(res, status, body, false);
          });
      } else if (status >= 400 && status < 500) {
        keys
          .release(teamId, key, claim.generation)
          .catch((err) => log.warn({ err, requestId }, 'could not release an idempotency key after a 4xx'))
          .finally(() => sendJson(payload));
      } else {
        sendJson(payload);
      }
      return res;
    };
    next();
  };
}
