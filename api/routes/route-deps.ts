/** What every resource's routes are built from, beside their use cases. */
import type { Request, RequestHandler } from 'express';
import type { IdempotentOptions } from '../middleware/idempotent.js';
import type { RateLimiter } from '../middleware/rate-limit.js';
import type { FileLinks } from '../file-links.js';

export interface RouteDeps {
  /** The URLs of files (refs, outputs) in responses. */
  links: FileLinks;
  /** The absolute base of URLs in responses. */
  baseUrl: (req: Request) => string;
  limit: RateLimiter;
  idempotent: (options?: IdempotentOptions) => RequestHandler;
}
