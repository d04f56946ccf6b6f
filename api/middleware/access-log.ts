import type { RequestHandler } from 'express';
import type { Logger } from '../../platform/logger.js';
import { ID_PREFIX } from '../../domain/ids.js';
import { localsOf } from '../context.js';

const CHARACTER_IN_PATH = new RegExp(`/v1/characters/(${ID_PREFIX.character}[0-9A-Z]{26})`);

/** One structured line per request: ids, route, status, duration. Never a header value: keys stay out of logs. */
export function accessLog(log: Logger): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    res.once('finish', () => {
      const { requestId, teamId } = localsOf(res);
      log.info(
        {
          requestId,
          teamId,
          method: req.method,
          path: req.path,
          characterId: CHARACTER_IN_PATH.exec(req.path)?.[1],
          status: res.statusCode,
          ms: Number(process.hrtime.bigint() - started) / 1e6,
          replayed: res.getHeader('Aurous-Idempotent-Replayed') === 'true' || undefined,
        },
        'request',
      );
    });
    next();
  };
}
