/**
 * `X-Api-Key` → team. Lookups are cached for a few seconds per process, so a revoked key stops
 * working on every replica within that time without a query per request.
 */
import type { RequestHandler } from 'express';
import type { Tenancy } from '../../platform/tenancy.js';
import { hashApiKey } from '../../platform/tenancy.js';
import { localsOf } from '../context.js';
import { ApiError } from '../errors.js';
import { resolveVersion } from './version.js';

interface Cached {
  teamId: string | null;
  versionPin: string | null;
  expires: number;
}

const invalidKey = () =>
  new ApiError(401, 'invalid_api_key', 'Missing or invalid API key. Send your team key in the X-Api-Key header (it starts with al_live_).', 'X-Api-Key');

export function authenticate(tenancy: Tenancy, ttlMs = 5000): RequestHandler {
  const cache = new Map<string, Cached>();
  return async (req, res, next) => {
    const key = req.get('X-Api-Key');
    if (!key || key.length > 200) throw invalidKey();
    const hash = hashApiKey(key);
    let entry = cache.get(hash);
    if (!entry || entry.expires < Date.now()) {
      const record = await tenancy.resolveKey(key);
      const team = record ? await tenancy.team(record.teamId) : null;
      entry = { teamId: record?.teamId ?? null, versionPin: team?.version ?? null, expires: Date.now() + ttlMs };
      if (cache.size > 10_000) cache.clear();
      cache.set(hash, entry);
    }
    if (!entry.teamId) throw invalidKey();
    localsOf(res).teamId = entry.teamId;
    resolveVersion(req, res, entry.versionPin);
    next();
  };
}
