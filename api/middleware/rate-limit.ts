/** Per-team token buckets on the routes that name one; a 429 changes and charges nothing. */
import type { RequestHandler } from 'express';
import type { Logger } from '../../platform/logger.js';
import { callOf } from '../context.js';
import { ApiError } from '../errors.js';
import type { BucketName, BucketPolicy } from '../rate-limit/buckets.js';
import type { BucketStore } from '../rate-limit/token-bucket.js';

export interface RateLimiter {
  (bucket: BucketName): RequestHandler;
}

export function rateLimiter(store: BucketStore, buckets: Record<BucketName, BucketPolicy>, log: Logger): RateLimiter {
  return (bucket) => async (_req, res, next) => {
    const policy = buckets[bucket];
    const { teamId } = callOf(res);
    let result;
    try {
      result = await store.take(`${teamId}:${bucket}`, policy);
    } catch (err) {
      // The shared store is down: serve rather than refuse everyone; say so loudly.
      log.warn({ err, bucket, teamId }, 'rate-limit store unavailable; request not limited');
      return next();
    }
    res.setHeader('X-RateLimit-Limit', String(policy.burst));
    res.setHeader('X-RateLimit-Remaining', String(result.remaining));
    res.setHeader('X-RateLimit-Reset', String(result.resetAt));
    if (!result.allowed) {
      res.setHeader('Retry-After', String(result.retryAfter));
      throw new ApiError(
        429,
        'rate_limit_exceeded',
        `Too many requests in bucket ${bucket} (${policy.sustainedPerMinute}/min sustained, burst ${policy.burst}). Retry after ${result.retryAfter} s.`,
      );
    }
    next();
  };
}
