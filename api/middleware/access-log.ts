import type { RequestHandler } from 'express';
import type { Logger } from '../../platform/logger.js';
import { ID_PREFIX } from '../../domain/ids.js';
import { localsOf } from '../context.js';
import { isProbe } from '../routes/health.js';

const CHARACTER_IN_PATH = new RegExp(`/v1/characters/(${ID_PREFIX.character}[0-9A-Z]{26})`);

/**
 * One structured line per request: ids, route, status, duration. Never a header value: keys stay
 * out of logs. Health probes log at debug: a load balancer (or `npm start` waiting for readiness)
 * asks every few seconds and would drown the lines that matter.
 */
export function accessLog(log: Logger): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    res.once('finish', () => {
      const { requestId, teamId } = localsOf(res);
      log[isProbe(req.path) ? 'debug' : 'info'](
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
